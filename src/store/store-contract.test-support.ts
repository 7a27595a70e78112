import type { IpLocation } from '../domain/ip-location.js';
import { utcDay, type Clock } from '../shared/clock.js';
import type { LogType } from '../zoom/report-records.js';
import { normalizerFor } from '../normalize/log-type-registry.js';
import type { EventRow, FailureRow, NewSource, PageCommit, Store, StoredEvent } from './store.js';

// What the store contract suites share: how a store under test is opened, and
// sample data. One suite per concern (`*-store-contract.test-support.ts`), all
// run on both stores by store-contracts.test.ts and health-store-contracts.test.ts.

/** What a store implementation's test passes in to open a fresh, empty store. */
export interface StoreContractOptions {
  clock: Clock;
  /** Rows per query when streaming; small, so paging is exercised. */
  batchSize: number;
}

export interface StoreUnderTest {
  store: Store;
  cleanup: () => Promise<void>;
}

export const START = Date.parse('2026-03-10T12:00:00Z');
export const BATCH_SIZE = 7;
export const ACTIVITY: LogType = 'Zoom.Activity';
export const OPERATION: LogType = 'Zoom.Operation';
export const TEST_CLIENT_SECRET = 'cs-Qx7vN2pLm9TzR4wKs8Yd';
export const TEST_REFRESH_TOKEN = 'rt-Hb3nJ6cXe1Vu5GqA0Wf';

/** A new source's settings and credentials, with overrides. */
export function sampleSource(overrides: Partial<NewSource> = {}): NewSource {
  return {
    name: 'Acme production',
    authKind: 's2s',
    zoomAccountId: 'acct-123',
    clientId: 'client-abc',
    apiUrl: 'https://api.zoom.us/v2',
    oauthUrl: 'https://zoom.us',
    backfillDays: 30,
    pollIntervalMs: 60_000,
    settleDays: 2,
    reconcileIntervalMs: 3_600_000,
    requestsPerSecond: 0.5,
    requestsPerDay: 20_000,
    paused: false,
    dropOffAlarmMinutes: null,
    credentials: { clientSecret: TEST_CLIENT_SECRET },
    ...overrides,
  };
}

/** A normalized sign-in event at `timeMs`, with indicator fields as the normalizer fills them. */
export function sampleEvent(rowId: string, timeMs: number, email = 'Alice@Example.com', ip = '203.0.113.7'): EventRow {
  const emails = [email.toLowerCase()];
  const ipAddresses = [ip];
  return {
    rowId,
    day: utcDay(timeMs),
    eventTimeMs: timeMs,
    emails,
    ipAddresses,
    event: {
      email,
      time: new Date(timeMs).toISOString().replace('.000Z', 'Z'),
      type: 'Sign in',
      ip_address: ip,
      client_type: 'Browser',
      version: '5.17.0',
      p_log_type: 'Zoom.Activity',
      p_event_time: new Date(timeMs).toISOString(),
      p_row_id: rowId,
      p_any_emails: emails,
      p_any_ip_addresses: ipAddresses,
    },
  };
}

/**
 * An event as the collector commits it: a Zoom record of `logType` through the
 * real normalizer (the store keeps it in its compact form, normalize/stored-event.ts).
 */
export function normalizedEvent(sourceId: string, logType: LogType, rowId: string, record: Record<string, unknown>, parseTimeMs = START): EventRow {
  const result = normalizerFor(logType).normalize(record, { sourceId, sourceLabel: 'Acme Zoom', rowId, parseTimeMs });
  if (!result.ok) throw new Error(result.problem.reason);
  const { event, eventTimeMs, emails, ipAddresses } = result.value;
  return { rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event };
}

/**
 * `normalizedEvent` of a Zoom.Activity record with `p_enrichment.ip_location`
 * = `locations` where normalize writes it (before `p_udm`): what the store
 * keeps compact (each location without field names where it reads back exactly).
 */
export function normalizedEnrichedEvent(sourceId: string, rowId: string, record: Record<string, unknown>, locations: Record<string, unknown>): EventRow {
  const row = normalizedEvent(sourceId, 'Zoom.Activity', rowId, record);
  const event: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row.event)) {
    if (key === 'p_udm') event.p_enrichment = { ip_location: locations };
    event[key] = value;
  }
  return { ...row, event };
}

/** `sampleEvent` with `p_enrichment.ip_location` as the normalizer stores it (field path -> location). */
export function sampleEnrichedEvent(rowId: string, timeMs: number, email: string, ip: string, locations: Record<string, IpLocation>): EventRow {
  const row = sampleEvent(rowId, timeMs, email, ip);
  return { ...row, event: { ...row.event, p_enrichment: { ip_location: locations } } };
}

/** A normalized Zoom.Operation event at `timeMs` with the given operation fields and parsed changes' names. */
export function sampleOperationEvent(rowId: string, timeMs: number, fields: { category_type: string; action: string; operation_detail: string; changes?: string[] }): EventRow {
  const base = sampleEvent(rowId, timeMs, 'admin@example.com', '203.0.113.9');
  const { changes, ...zoom } = fields;
  return {
    ...base,
    event: {
      time: base.event.time,
      operator: 'admin@example.com',
      ...zoom,
      p_log_type: 'Zoom.Operation',
      p_event_time: base.event.p_event_time,
      p_row_id: rowId,
      p_any_emails: base.emails,
      p_udm: changes ? { detail_kind: 'settings', changes: changes.map((name) => ({ name, from: 'On', to: 'Off' })) } : {},
    },
  };
}

export function sampleFailure(rowId: string, day: string, failedAt: number): FailureRow {
  return { rowId, day, raw: '{"time":"not a time"}', reason: 'field "time" is not a timestamp', field: 'time', failedAt };
}

export function page(sourceId: string, events: EventRow[], extra: Partial<PageCommit> = {}): PageCommit {
  return { sourceId, logType: ACTIVITY, events, failures: [], days: [], stream: {}, ...extra };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export const ids = (events: StoredEvent[]) => events.map((e) => e.rowId);

/** Row ids of the events of an indicator filter, newest first, read through the cursor in pages of `pageSize`. */
export async function pagedRowIds(store: Store, filter: { email?: string; ipAddress?: string; country?: string; asn?: number }, pageSize: number): Promise<string[]> {
  const out: string[] = [];
  let after: { eventTimeMs: number; rowId: string } | undefined;
  for (;;) {
    const batch = [];
    for await (const event of store.queryEvents({ ...filter, order: 'desc', limit: pageSize, ...(after ? { after } : {}) })) batch.push(event);
    out.push(...batch.map((e) => e.rowId));
    if (batch.length < pageSize) return out;
    after = { eventTimeMs: batch.at(-1)!.eventTimeMs, rowId: batch.at(-1)!.rowId };
  }
}

/** A normalized Zoom.Operation of an account setting turned off (one change name, `Breakout room`), at `time` (RFC 3339). */
export function settingsOperation(sourceId: string, rowId: string, time: string): EventRow {
  return normalizedEvent(sourceId, OPERATION, rowId, {
    time,
    operator: 'admin@example.com',
    category_type: 'User Settings',
    action: 'Update',
    operation_detail: 'Meeting  - Breakout room: from On to Off',
  });
}
