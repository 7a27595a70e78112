import { rowIdFor } from '../../collect/row-identity.js';
import { Detector } from '../../detect/detector.js';
import { RULES } from '../../rules/rule-registry.js';
import { utcDay } from '../../shared/clock.js';
import { sampleSource } from '../../store/store-contract.test-support.js';
import type { EventRow } from '../../store/store.js';
import type { LogType } from '../../zoom/report-records.js';
import type { AppContext } from '../../app/app-context.js';

/** A Zoom operation-log record as Zoom returns it. */
export function operation(time: string, fields: Partial<{ operator: string; category_type: string; action: string; operation_detail: string }> = {}): Record<string, unknown> {
  return {
    time,
    operator: 'admin@example.com',
    category_type: 'Account',
    action: 'Update',
    operation_detail: 'Security  - Sign in with Two-Factor Authentication: from Off to On',
    ...fields,
  };
}

/** A Zoom sign-in/out record as Zoom returns it. */
export function activity(time: string, email = 'alice@example.com', ip = '203.0.113.7'): Record<string, unknown> {
  return { email, time, type: 'Sign in', ip_address: ip, client_type: 'Browser', version: '5.17.0' };
}

export const TWO_FACTOR_OFF = 'Security  - Sign in with Two-Factor Authentication: from On to Off';

/** Normalizes `raws` with the real normalizer and stores them as one page; returns the stored rows. */
export async function storeRecords(app: AppContext, sourceId: string, logType: LogType, raws: Record<string, unknown>[]): Promise<EventRow[]> {
  const normalizer = app.normalizers.get(logType)!;
  const events = raws.map((raw, i) => {
    const rowId = rowIdFor(sourceId, logType, `seed-${logType}-${i}-${String(raw.time)}`, 0, Date.parse(String(raw.time)));
    const result = normalizer.normalize(raw, { sourceId, sourceLabel: 'Seeded', rowId, parseTimeMs: app.clock.now() });
    if (!result.ok) throw new Error(result.problem.reason);
    const { event, eventTimeMs, emails, ipAddresses } = result.value;
    return { rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event };
  });
  await app.store.commitPage({ sourceId, logType, events, failures: [], days: [], stream: {} });
  return events;
}

export async function createSource(app: AppContext, name = 'Seeded'): Promise<string> {
  return (await app.store.createSource(sampleSource({ name }))).id;
}

/** Runs detection over everything stored and not yet evaluated. */
export async function detect(app: AppContext): Promise<{ events: number; raised: number }> {
  return new Detector({ store: app.store, rules: RULES, clock: app.clock, logger: app.logger }).drain();
}
