import { afterEach, describe, expect, it } from 'vitest';
import { SourceCollector } from '../src/collect/source-collector.js';
import { planStream, settleAtMs } from '../src/collect/window-planner.js';
import { addDays, dayStartMs, daysFrom } from '../src/domain/utc-days.js';
import { LOG_TYPES, type LogType } from '../src/zoom/report-records.js';
import type { WindowProgress } from '../src/collect/window-collector.js';
import { expectedFromTruth, normalizers, startCollectHarness, storedZoomRecords, type CollectHarness } from './support/collect-harness.js';
import { multisetDiff } from './support/multiset.js';
import { ACCOUNT_ID, NOW } from './support/sim-harness.js';

/**
 * A 180-day backfill reads chained windows that share one day (the seam):
 * the two reads of a seam prove its two days together. Against the simulator
 * under every reading of Zoom's windows (days cut in UTC or at ±14 h, `to`
 * inclusive or exclusive), with records on every hour boundary around each
 * seam (every reading's day cut) and identical twins there: every record is
 * stored exactly once, every day is proven, and a stop or a failed read
 * between the two sides of a seam leaves its days unproven until a later
 * cycle reads them, with no record doubled.
 */

const TODAY = '2026-03-10';
const BACKFILL_DAYS = 180;
const FIRST_DAY = addDays(TODAY, -(BACKFILL_DAYS - 1));
const SETTLE_DAYS = 2;
const HOUR = 3_600_000;
const READINGS = [
  { label: 'UTC, `to` inclusive', dayCutOffsetMinutes: 0, toInclusive: true },
  { label: 'UTC, `to` exclusive', dayCutOffsetMinutes: 0, toInclusive: false },
  { label: 'UTC+14, `to` inclusive', dayCutOffsetMinutes: 14 * 60, toInclusive: true },
  { label: 'UTC+14, `to` exclusive', dayCutOffsetMinutes: 14 * 60, toInclusive: false },
  { label: 'UTC-14, `to` inclusive', dayCutOffsetMinutes: -14 * 60, toInclusive: true },
  { label: 'UTC-14, `to` exclusive', dayCutOffsetMinutes: -14 * 60, toInclusive: false },
] as const;

/** The backfill's planned windows, newest first, and the seam days each older window ends with. */
const PLAN = planStream({ nowMs: NOW, settings: { backfillDays: BACKFILL_DAYS, settleDays: SETTLE_DAYS, reconcileIntervalMs: HOUR }, coverage: [] });
const SEAM_DAYS = PLAN.reads.flatMap((read) => (read.seam ? daysFrom(read.seam.first, read.seam.last) : []));

let h: CollectHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A few records a day over the whole backfill, and around each seam one (activity: two identical) on every hour boundary and a second before it. */
function plantRecords(c: CollectHarness): void {
  const account = c.sim.account(ACCOUNT_ID);
  const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  for (const day of daysFrom(addDays(FIRST_DAY, -2), TODAY)) {
    for (const hour of [1, 7, 13, 19]) {
      const time = at(dayStartMs(day) + hour * HOUR + 17_000);
      account.addRecords('Zoom.Activity', [{ email: `daily${hour}@example.com`, time, type: 'Sign in', ip_address: '198.51.100.20', client_type: 'Browser', version: '5.17.0' }]);
      account.addRecords('Zoom.Operation', [{ time, operator: `daily${hour}@example.com`, category_type: 'User', action: 'Update', operation_detail: `Update User ${day}` }]);
    }
  }
  for (const read of PLAN.reads) {
    if (!read.seam) continue;
    for (let ms = dayStartMs(addDays(read.window.to, -2)); ms < dayStartMs(addDays(read.window.to, 2)); ms += HOUR) {
      for (const time of [at(ms - 1000), at(ms)]) {
        const twin = { email: 'seam@example.com', time, type: 'Sign in', ip_address: '203.0.113.40', client_type: 'Browser', version: '5.17.0' } as const;
        account.addRecords('Zoom.Activity', [twin, { ...twin }]);
        account.addRecords('Zoom.Operation', [
          { time, operator: 'seam@example.com', category_type: 'Account', action: 'Update', operation_detail: 'Meeting  - Join before host: from Off to On' },
        ]);
      }
    }
  }
}

/** The store holds exactly the simulator's records of the backfill days: none missing, none doubled. */
async function expectStoreEqualsTruth(c: CollectHarness, firstDay = FIRST_DAY): Promise<void> {
  for (const logType of LOG_TYPES) {
    const expected = expectedFromTruth(c, logType, firstDay, TODAY);
    const stored = await storedZoomRecords(c.store, c.source.id, logType, firstDay, TODAY);
    expect(multisetDiff(stored, expected.events), `${logType} events`).toEqual([]);
    expect(stored.length).toBeGreaterThan(BACKFILL_DAYS * 4);
  }
}

/** Every backfill day is proven: complete once settled, open (read in full) before. */
async function expectEveryDayProven(c: CollectHarness): Promise<void> {
  const lastSettled = addDays(TODAY, -(SETTLE_DAYS + 1));
  for (const logType of LOG_TYPES) {
    const coverage = await c.store.listDayCoverage(c.source.id, logType, FIRST_DAY, TODAY);
    expect(coverage.map((d) => d.day)).toEqual(daysFrom(FIRST_DAY, TODAY));
    expect(coverage.filter((d) => d.state !== 'complete').map((d) => d.day)).toEqual(daysFrom(addDays(lastSettled, 1), TODAY));
    expect(coverage.every((d) => d.lastFullReadAt !== null && !d.ambiguous)).toBe(true);
  }
}

/** Each day's state, `unread` for a day no full read has proven (a row may exist for the records stored). */
async function statesOf(c: CollectHarness, logType: LogType, days: readonly string[]): Promise<string[]> {
  const coverage = await c.store.listDayCoverage(c.source.id, logType, FIRST_DAY, TODAY);
  return days.map((day) => {
    const row = coverage.find((d) => d.day === day);
    return !row || (row.lastFullReadAt === null && row.state === 'open') ? 'unread' : row.state;
  });
}

/** Full-window reads of one stream, in order, as the collector logged them. */
function windowsRead(c: CollectHarness, logType: LogType): string[] {
  return c.logLines
    .filter((l) => l.msg === 'window read' && l.logType === logType)
    .map((l) => l.window as { from: string; to: string })
    .map((w) => `${w.from}..${w.to}`);
}

describe.each(READINGS)('180-day backfill in windows sharing one day, Zoom reading $label', (reading) => {
  const start = async (onProgress?: (progress: WindowProgress) => void, settleDays = SETTLE_DAYS) => {
    h = await startCollectHarness({
      dayCutOffsetMinutes: reading.dayCutOffsetMinutes,
      toInclusive: reading.toInclusive,
      volume: { activities: 20, operations: 10 },
      source: { backfillDays: BACKFILL_DAYS, settleDays },
      ...(onProgress ? { collectorDeps: { onProgress } } : {}),
    });
    plantRecords(h);
    return h;
  };

  it('stores every record exactly once and proves every day, with one request window per 27 days', async () => {
    const c = await start();
    expect((await c.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    await expectStoreEqualsTruth(c);
    await expectEveryDayProven(c);
    for (const logType of LOG_TYPES) {
      const asked = windowsRead(c, logType);
      expect(asked).toEqual(PLAN.reads.map((r) => `${r.window.from}..${r.window.to}`));
      expect(asked).toHaveLength(7);
    }
    // A second cycle, a re-read of everything open, adds nothing.
    c.clock.advance(5 * 60_000);
    expect((await c.cycle({ reconcile: true })).reduce((n, r) => n + r.inserted, 0)).toBe(0);
    await expectStoreEqualsTruth(c);
  });

  it('a stop between the two sides of a seam leaves its days unproven; after a restart they are read again, nothing doubled', async () => {
    const abort = new AbortController();
    const newest = PLAN.reads[0]!.window;
    const c = await start((p) => {
      if (p.logType === 'Zoom.Activity' && p.done && p.window.from === newest.from && p.window.to === newest.to) abort.abort(new Error('stopped'));
    });
    await expect(c.collector.runCycle({ signal: abort.signal })).rejects.toThrow('stopped');
    const seam = PLAN.reads[1]!.seam!;
    const seamDays = daysFrom(seam.first, seam.last);
    expect(await statesOf(c, 'Zoom.Activity', seamDays)).toEqual(['unread', 'unread']);
    // The newer side's own days are proven.
    expect(await statesOf(c, 'Zoom.Activity', [addDays(seam.last, 1)])).toEqual(['complete']);

    // A new process: nothing of the first one's reads is remembered.
    const restarted = new SourceCollector(c.source, { store: c.store, clock: c.clock, logger: c.logger, normalizers });
    c.clock.advance(60_000);
    expect((await restarted.runCycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    await expectStoreEqualsTruth(c);
    await expectEveryDayProven(c);
  });

  it('a failed read of the older side leaves the seam days unproven (failed); the next cycle proves them, nothing doubled', async () => {
    const newest = PLAN.reads[0]!.window;
    let failed = false;
    const c = await start((p) => {
      if (!failed && p.logType === 'Zoom.Activity' && p.done && p.window.from === newest.from && p.window.to === newest.to) {
        failed = true;
        // Every attempt of the older read's first request fails.
        h!.sim.failNext('http5xx', 5, { path: '/v2/report/activities' });
      }
    });
    const reports = await c.cycle();
    expect(reports.map((r) => r.outcome)).toEqual(['failed', 'ok']);
    const seam = PLAN.reads[1]!.seam!;
    expect(await statesOf(c, 'Zoom.Activity', daysFrom(seam.first, seam.last))).toEqual(['failed', 'failed']);
    expect(await statesOf(c, 'Zoom.Activity', [addDays(seam.last, 1)])).toEqual(['complete']);
    // The other stream's seams were proven.
    expect(await statesOf(c, 'Zoom.Operation', SEAM_DAYS)).toEqual(SEAM_DAYS.map(() => 'complete'));

    c.clock.advance(60_000);
    expect((await c.cycle({ force: true })).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    await expectStoreEqualsTruth(c);
    await expectEveryDayProven(c);
  });

  it('a seam day that settles between its two reads is not complete (the earlier read began before); a record it gained in between is collected later', async () => {
    // Settle 25 days: the first seam's last day settles just after NOW, the day before it just before.
    const settleDays = 25;
    const seam = PLAN.reads[1]!.seam!;
    const settlesAt = settleAtMs(seam.last, settleDays);
    expect(settlesAt).toBeGreaterThan(NOW);
    expect(settleAtMs(seam.first, settleDays)).toBeLessThanOrEqual(NOW);
    const newest = PLAN.reads[0]!.window;
    const late = {
      email: 'late.seam@example.com',
      time: `${seam.last}T12:00:00Z`,
      type: 'Sign in',
      ip_address: '203.0.113.41',
      client_type: 'Browser',
      version: '5.17.0',
    } as const;
    let moved = false;
    const c = await start((p) => {
      if (!moved && p.logType === 'Zoom.Activity' && p.done && p.window.from === newest.from && p.window.to === newest.to) {
        // The newer read is done; the day settles (and gains a record) before the older one.
        moved = true;
        h!.sim.account(ACCOUNT_ID).addRecords('Zoom.Activity', [late]);
        h!.clock.set(settlesAt + 60_000);
      }
    }, settleDays);
    expect((await c.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(await statesOf(c, 'Zoom.Activity', [seam.first, seam.last])).toEqual(['complete', 'open']);

    // The next cycle reads the settled day again and proves it complete with everything Zoom has.
    c.clock.advance(61 * 60_000);
    expect((await c.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(await statesOf(c, 'Zoom.Activity', [seam.first, seam.last])).toEqual(['complete', 'complete']);
    // The clock passed midnight during the first cycle: the backfill starts a day later from then on.
    await expectStoreEqualsTruth(c, addDays(FIRST_DAY, 1));
    const stored = await storedZoomRecords(c.store, c.source.id, 'Zoom.Activity', seam.last, seam.last);
    expect(stored.filter((r) => r.email === late.email)).toHaveLength(1);
  });
});
