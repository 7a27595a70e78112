import { afterEach, describe, expect, it } from 'vitest';
import { addDays } from '../src/domain/utc-days.js';
import type { LogType } from '../src/zoom/report-records.js';
import { LOG_TYPES } from '../src/zoom/report-records.js';
import { expectedFromTruth, startCollectHarness, storedZoomRecords, type CollectHarness } from './support/collect-harness.js';
import { multisetDiff } from './support/multiset.js';
import { ACCOUNT_ID, NOW } from './support/sim-harness.js';

const TODAY = '2026-03-10';
const FIRST_DAY = addDays(TODAY, -9); // backfill 10 days
const MINUTE = 60_000;

let h: CollectHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function failuresOf(c: CollectHarness, logType: LogType): Promise<unknown[]> {
  const out: unknown[] = [];
  // A record that was a bare string is kept as that string.
  for await (const f of c.store.listFailures({ sourceId: c.source.id, logType })) out.push(parsedOrText(f.raw));
  return out;
}

function parsedOrText(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** The store holds exactly the simulator's records for the backfill days: none missing, none doubled. */
async function expectStoreEqualsTruth(c: CollectHarness, firstDay = FIRST_DAY, lastDay = TODAY): Promise<number> {
  let total = 0;
  for (const logType of LOG_TYPES) {
    const expected = expectedFromTruth(c, logType, firstDay, lastDay);
    const stored = await storedZoomRecords(c.store, c.source.id, logType, firstDay, lastDay);
    expect(multisetDiff(stored, expected.events), `${logType} events`).toEqual([]);
    const failures = await failuresOf(c, logType);
    expect(multisetDiff(failures, expected.failures), `${logType} failures`).toEqual([]);
    total += stored.length;
  }
  return total;
}

/** Runs cycles, moving the clock between them, until every stream succeeded in one cycle. */
async function cycleUntilClean(c: CollectHarness, maxCycles = 30): Promise<number> {
  for (let i = 1; i <= maxCycles; i += 1) {
    const reports = await c.cycle({ force: true });
    if (reports.every((r) => r.outcome === 'ok')) return i;
    c.clock.advance(MINUTE);
  }
  throw new Error(`still failing after ${maxCycles} cycles`);
}

describe('collection end to end against the simulator', () => {
  it('a backfill stores exactly the ground truth, in about one request per 300 records; a second cycle adds nothing', async () => {
    h = await startCollectHarness();
    const reports = await h.cycle();
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    const total = await expectStoreEqualsTruth(h);
    expect(total).toBeGreaterThan(3000);

    const reportRequests = h.sim.requestCount({ pathPrefix: '/v2/report' });
    const received = reports.reduce((n, r) => n + r.received, 0);
    expect(reportRequests).toBeLessThanOrEqual(Math.ceil(received / 300) + 2);

    const coverage = await h.store.listDayCoverage(h.source.id, 'Zoom.Activity', FIRST_DAY, TODAY);
    expect(coverage.map((d) => d.day)).toEqual(Array.from({ length: 10 }, (_, i) => addDays(FIRST_DAY, i)));
    expect(coverage.filter((d) => d.state === 'complete').map((d) => d.day)).toEqual(Array.from({ length: 7 }, (_, i) => addDays(FIRST_DAY, i)));
    expect(coverage.filter((d) => d.state === 'open').map((d) => d.day)).toEqual(['2026-03-08', '2026-03-09', TODAY]);

    h.clock.advance(5 * MINUTE);
    const again = await h.cycle({ reconcile: true });
    expect(again.reduce((n, r) => n + r.inserted, 0)).toBe(0);
    expect(await expectStoreEqualsTruth(h)).toBe(total);
  });

  it('through 5xx, 429s (Retry-After in seconds), resets, truncated and non-JSON bodies, one-minute tokens and expiring page tokens', async () => {
    h = await startCollectHarness({
      accessTokenTtlSeconds: 60,
      faults: { http5xx: 0.08, http429: 0.08, reset: 0.04, truncated: 0.04, nonJson: 0.04, expirePageToken: 0.1 },
    });
    h.sim.failNext('http429', 2, { path: '/v2/report/activities' });
    h.sim.failNext('expirePageToken', 1);
    await cycleUntilClean(h);
    await expectStoreEqualsTruth(h);
    expect(h.sim.requestCount({ status: 429 })).toBeGreaterThan(0);
  });

  it('429s with Retry-After as an ISO date-time, and Zoom answering windows with `to` exclusive and days cut at UTC+14', async () => {
    h = await startCollectHarness({ retryAfterFormat: 'iso', toInclusive: false, dayCutOffsetMinutes: 14 * 60, faults: { http429: 0.15 } });
    h.sim.failNext('http429', 2, { path: '/v2/report/operationlogs' });
    await cycleUntilClean(h);
    expect(h.sim.requestCount({ status: 429 })).toBeGreaterThanOrEqual(2);
    await expectStoreEqualsTruth(h);
  });

  it('a Zoom that refuses a `to` after today: windows end today from then on, and today is still collected and proven', async () => {
    h = await startCollectHarness({ refuseFutureTo: true });
    const reports = await h.cycle();
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    await expectStoreEqualsTruth(h);
    expect(h.logLines.some((l) => /refused a window ending after today/.test(String(l.msg)))).toBe(true);
    const [today] = await h.store.listDayCoverage(h.source.id, 'Zoom.Activity', TODAY, TODAY);
    expect(today?.lastFullReadAt).not.toBeNull();
    h.clock.advance(5 * MINUTE);
    const before = h.sim.requestCount({ pathPrefix: '/v2/report' });
    expect((await h.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(h.sim.requests.slice(before).every((r) => r.query.to === TODAY)).toBe(true);
  });

  it('a Zoom that echoes from/to as date-times and moves a future `to` back to today: polls succeed, today is proven, re-reads add nothing', async () => {
    h = await startCollectHarness({ echoedDateForm: 'dateTime', clampFutureTo: true });
    const reports = await h.cycle();
    expect(reports.map((r) => [r.outcome, r.error?.message])).toEqual([
      ['ok', undefined],
      ['ok', undefined],
    ]);
    const total = await expectStoreEqualsTruth(h);
    const coverage = await h.store.listDayCoverage(h.source.id, 'Zoom.Operation', FIRST_DAY, TODAY);
    expect(coverage.filter((d) => d.lastFullReadAt !== null).map((d) => d.day)).toEqual(Array.from({ length: 10 }, (_, i) => addDays(FIRST_DAY, i)));
    // Zoom answered `to` = today while asked two days later.
    const asked = h.sim.requests.filter((r) => r.path.startsWith('/v2/report'));
    expect(asked.some((r) => (r.query.to ?? '') > TODAY)).toBe(true);

    h.clock.advance(5 * MINUTE);
    expect((await h.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    h.clock.advance(61 * MINUTE);
    const again = await h.cycle({ reconcile: true });
    expect(again.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(again.reduce((n, r) => n + r.inserted, 0)).toBe(0);
    expect(await expectStoreEqualsTruth(h)).toBe(total);
  });

  it('a Zoom that lists records oldest first (the order is undocumented): every record once, twins kept, new records found by the next poll, re-reads add nothing', async () => {
    h = await startCollectHarness({ recordOrder: 'oldestFirst' });
    const account = h.sim.account(ACCOUNT_ID);
    const twin = { email: 'twin@example.com', time: '2026-03-09T08:00:00Z', type: 'Sign in', ip_address: '198.51.100.7', client_type: 'Browser', version: '5.17.0' };
    account.addRecords('Zoom.Activity', [twin, { ...twin }]);
    expect((await h.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    const total = await expectStoreEqualsTruth(h);

    // More than a page of the oldest second of the fast path's window: its first page is one second only.
    const oldestSecond = Array.from({ length: 320 }, (_, i) => ({ email: `early${i}@example.com`, time: '2026-03-09T00:00:00Z', type: 'Sign in' }));
    const fresh = Array.from({ length: 5 }, (_, i) => ({
      email: `new${i}@example.com`,
      time: new Date(NOW + (6 + i) * MINUTE).toISOString().replace('.000', ''),
      type: 'Sign out',
    }));
    account.addRecords('Zoom.Activity', [...oldestSecond, ...fresh]);
    h.clock.advance(5 * MINUTE);
    const poll = await h.cycle();
    expect(poll.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(poll.find((r) => r.logType === 'Zoom.Activity')?.inserted).toBe(oldestSecond.length + fresh.length);
    expect(await expectStoreEqualsTruth(h)).toBe(total + oldestSecond.length + fresh.length);

    h.clock.advance(61 * MINUTE);
    const again = await h.cycle({ reconcile: true });
    expect(again.reduce((n, r) => n + r.inserted, 0)).toBe(0);
    expect(await expectStoreEqualsTruth(h)).toBe(total + oldestSecond.length + fresh.length);
  });

  it('a Zoom whose six months end a day sooner (code 300 for our oldest day): the oldest window starts a day later and the backfill completes', async () => {
    const oldest = addDays(TODAY, -180);
    const outOfRange = { code: 300, message: 'The date range you requested is out of range. Only the last 6 months of data can be queried.' };
    const refusing: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (url.pathname.startsWith('/v2/report/') && url.searchParams.get('from') === oldest) {
        return new Response(JSON.stringify(outOfRange), { status: 400, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    h = await startCollectHarness({ volume: { activities: 20, operations: 5 }, source: { backfillDays: 180 }, collectorDeps: { fetchImpl: refusing } });
    const reports = await h.cycle();
    expect(reports.map((r) => [r.outcome, r.error?.message])).toEqual([
      ['ok', undefined],
      ['ok', undefined],
    ]);
    expect(h.logLines.filter((l) => /refused the oldest day of its six months/.test(String(l.msg)))).toHaveLength(2);
    expect(h.sim.requests.some((r) => r.query.from === addDays(oldest, 1))).toBe(true);
    await expectStoreEqualsTruth(h, addDays(oldest, 1), TODAY);
  });

  it('a Zoom that refuses a range over one month instead of clamping it: a 60-day backfill never asks for one, and completes', async () => {
    h = await startCollectHarness({ refuseLongRange: true, volume: { activities: 40, operations: 10 }, source: { backfillDays: 60 } });
    expect((await h.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(h.sim.requestCount({ pathPrefix: '/v2/report', status: 400 })).toBe(0);
    await expectStoreEqualsTruth(h, addDays(TODAY, -59), TODAY);
  });

  it('days cut at UTC-12 with `to` inclusive: the padded windows still cover every UTC day', async () => {
    h = await startCollectHarness({ dayCutOffsetMinutes: -12 * 60 });
    await cycleUntilClean(h);
    await expectStoreEqualsTruth(h);
  });

  it('two real identical events in one second stay two, through re-reads; a third arriving late becomes the third', async () => {
    h = await startCollectHarness();
    const twin = { email: 'twin@example.com', time: '2026-03-09T08:00:00Z', type: 'Sign in', ip_address: '198.51.100.7', client_type: 'Browser', version: '5.17.0' };
    h.sim.account(ACCOUNT_ID).addRecords('Zoom.Activity', [twin, { ...twin }]);
    await h.cycle();
    const count = async () => (await storedZoomRecords(h!.store, h!.source.id, 'Zoom.Activity', '2026-03-09', '2026-03-09')).filter((r) => r.email === 'twin@example.com').length;
    expect(await count()).toBe(2);
    h.clock.advance(2 * 3_600_000);
    await h.cycle({ reconcile: true });
    expect(await count()).toBe(2);
    h.sim.account(ACCOUNT_ID).addRecords('Zoom.Activity', [{ ...twin }]);
    h.clock.advance(2 * 3_600_000);
    await h.cycle();
    expect(await count()).toBe(3);
    await expectStoreEqualsTruth(h);
  });

  it('late records into open past days are collected by the hourly re-read; a complete day that gains records says so in the log', async () => {
    h = await startCollectHarness();
    await h.cycle();
    const account = h.sim.account(ACCOUNT_ID);
    // 2026-03-08 is open (settles 03-11 00:00); 2026-03-07 is complete (settled 03-10 00:00), but lies in the re-read's padding.
    account.addRecords('Zoom.Operation', [
      {
        time: '2026-03-08T10:00:00Z',
        operator: 'late@example.com',
        category_type: 'Account',
        action: 'Update',
        operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off',
      },
      { time: '2026-03-07T23:00:00Z', operator: 'later@example.com', category_type: 'User', action: 'Add', operation_detail: 'Add User x@example.com  - User Type: Basic' },
    ]);
    h.clock.advance(61 * MINUTE);
    const reports = await h.cycle();
    expect(reports.find((r) => r.logType === 'Zoom.Operation')?.inserted).toBe(2);
    await expectStoreEqualsTruth(h);
    const gained = h.logLines.find((l) => l.day === '2026-03-07' && l.gained === 1);
    expect(gained?.msg).toMatch(/was complete and gained 1 late record/);
    const [day] = await h.store.listDayCoverage(h.source.id, 'Zoom.Operation', '2026-03-07', '2026-03-07');
    expect(day?.gainedAfterComplete).toBe(1);
  });

  it('steady state: one request per stream per poll, plus one per 300 new records', async () => {
    h = await startCollectHarness({ hideFutureRecords: true });
    await h.cycle();
    const before = h.sim.requestCount({ pathPrefix: '/v2/report' });
    h.clock.advance(5 * MINUTE);
    await h.cycle();
    expect(h.sim.requestCount({ pathPrefix: '/v2/report' }) - before).toBe(2);

    // 650 new sign-ins in the next five minutes: 3 pages of the fast path (plus one for operations).
    const at = NOW + 6 * MINUTE;
    h.sim.account(ACCOUNT_ID).addRecords(
      'Zoom.Activity',
      Array.from({ length: 650 }, (_, i) => ({ email: `burst${i}@example.com`, time: new Date(at + (i % 240) * 1000).toISOString().replace('.000', ''), type: 'Sign in' })),
    );
    h.clock.advance(5 * MINUTE);
    const mid = h.sim.requestCount({ pathPrefix: '/v2/report' });
    const reports = await h.cycle();
    // The fast path stops early; what its last batch stored still counts.
    expect(reports.find((r) => r.logType === 'Zoom.Activity')?.inserted).toBeGreaterThanOrEqual(650);
    expect(h.sim.requestCount({ pathPrefix: '/v2/report' }) - mid).toBe(4);
    await expectStoreEqualsTruth(h, FIRST_DAY, addDays(TODAY, -1));
    const today = await storedZoomRecords(h.store, h.source.id, 'Zoom.Activity', TODAY, TODAY);
    expect(today.filter((r) => /^burst\d+@example\.com$/.test(String(r.email)))).toHaveLength(650);
  });

  it('malformed records are kept as classification failures with the field named, never dropped or fatal', async () => {
    h = await startCollectHarness();
    const account = h.sim.account(ACCOUNT_ID);
    const activity = account.addMalformedRecords('Zoom.Activity', '2026-03-05');
    const operation = account.addMalformedRecords('Zoom.Operation', '2026-03-06');
    const reports = await h.cycle();
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    await expectStoreEqualsTruth(h);
    const failures: { raw: string; reason: string; field: string | null }[] = [];
    for await (const f of h.store.listFailures({ sourceId: h.source.id })) failures.push(f);
    for (const malformed of [...activity, ...operation]) {
      // A million-character string is valid by the schema: stored as an event (checked against the truth above).
      if (malformed.defect === 'huge_string') continue;
      const found = failures.find((f) => f.raw === JSON.stringify(malformed.record) || (typeof malformed.record === 'string' && f.raw === malformed.record));
      expect(found, `${malformed.defect} kept`).toBeDefined();
      if (malformed.field) expect(found!.reason).toContain(malformed.field);
    }
  });

  it('every record field is optional at Zoom: a record lacking an optional field is stored, one lacking email, operator, category_type or time is kept as a failure naming it; the stream goes on', async () => {
    h = await startCollectHarness();
    const account = h.sim.account(ACCOUNT_ID);
    const activity = { email: 'gap@example.com', time: '2026-03-05T12:00:00Z', type: 'Sign in', ip_address: '198.51.100.9', client_type: 'mac', version: '5.13.7.15481' };
    const operation = {
      time: '2026-03-06T12:00:00Z',
      operator: 'gap@example.com',
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Update User x@example.com  - Job Title: set to Contractor ',
    };
    const without = (record: Record<string, unknown>, field: string, i: number) => {
      const copy: Record<string, unknown> = { ...record };
      delete copy[field];
      // Distinct records (one per missing field), so none is an occurrence of another.
      if ('version' in copy) copy.version = `5.13.7.${i}`;
      if ('operation_detail' in copy) copy.operation_detail = `Update User x${i}@example.com  - Job Title: set to Contractor `;
      return copy;
    };
    const activityFields = Object.keys(activity) as (keyof typeof activity)[];
    const operationFields = Object.keys(operation) as (keyof typeof operation)[];
    activityFields.forEach((field, i) => account.addRawRecord('Zoom.Activity', without(activity, field, i), Date.parse(activity.time) + i * 1000));
    operationFields.forEach((field, i) => account.addRawRecord('Zoom.Operation', without(operation, field, i), Date.parse(operation.time) + i * 1000));
    expect((await h.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    await expectStoreEqualsTruth(h);
    for (const [logType, fields] of [
      ['Zoom.Activity', ['email', 'time']],
      ['Zoom.Operation', ['operator', 'category_type', 'time']],
    ] as const) {
      const reasons: string[] = [];
      for await (const f of h.store.listFailures({ sourceId: h.source.id, logType })) reasons.push(f.reason);
      expect(reasons).toHaveLength(fields.length);
      for (const field of fields)
        expect(
          reasons.some((reason) => reason.includes(field)),
          `${logType} without ${field}`,
        ).toBe(true);
    }
    const stored = await storedZoomRecords(h.store, h.source.id, 'Zoom.Activity', '2026-03-05', '2026-03-05');
    expect(stored.filter((r) => r.email === 'gap@example.com')).toHaveLength(4); // without type, ip_address, client_type or version
    const ops = await storedZoomRecords(h.store, h.source.id, 'Zoom.Operation', '2026-03-06', '2026-03-06');
    expect(ops.filter((r) => r.operator === 'gap@example.com')).toHaveLength(2); // without action or operation_detail
  });

  it('an identical malformed record without a usable time, returned on several days, is kept once per day it was returned, across windows and re-reads', async () => {
    h = await startCollectHarness({ volume: { activities: 40, operations: 30 }, source: { backfillDays: 40 } });
    const account = h.sim.account(ACCOUNT_ID);
    const bare = 'zoom returned a bare string';
    const badTime = {
      time: 'not-a-time',
      operator: 'owner@example.com',
      category_type: 'Account',
      action: 'Update',
      operation_detail: 'Meeting  - Join before host: from Off to On ',
    };
    const noon = (day: string) => Date.parse(`${day}T12:00:00Z`);
    // 02-05 lies in the backfill's older window, the other days in the newer one; 03-02 has two real copies.
    const days = ['2026-02-05', '2026-02-20', '2026-03-02', '2026-03-02', '2026-03-05', '2026-03-09'];
    days.forEach((day, i) => {
      account.addRawRecord('Zoom.Operation', bare, noon(day) + i);
      account.addRawRecord('Zoom.Operation', { ...badTime }, noon(day) + i);
    });
    const planted = async () => {
      const kept = { bare: 0, badTime: 0, days: new Map<string, number>() };
      for await (const f of h!.store.listFailures({ sourceId: h!.source.id, logType: 'Zoom.Operation' })) {
        if (f.raw === bare) kept.bare += 1;
        else if (f.raw === JSON.stringify(badTime)) kept.badTime += 1;
        else continue;
        kept.days.set(f.day, (kept.days.get(f.day) ?? 0) + 1);
      }
      return kept;
    };
    const reports = await h.cycle();
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(h.sim.requests.filter((r) => r.path === '/v2/report/operationlogs' && !r.query.next_page_token).length, 'two windows').toBeGreaterThanOrEqual(2);
    const first = await planted();
    expect([first.bare, first.badTime]).toEqual([days.length, days.length]);
    // Placed on the day Zoom returned them, by their neighbours' times.
    expect(Object.fromEntries(first.days)).toEqual({ '2026-02-05': 2, '2026-02-20': 2, '2026-03-02': 4, '2026-03-05': 2, '2026-03-09': 2 });
    await expectStoreEqualsTruth(h, '2026-01-20', TODAY);

    // Re-reads add nothing: the open days (03-09 among them), then two past days in windows of their own.
    h.clock.advance(61 * MINUTE);
    expect((await h.cycle({ reconcile: true })).reduce((n, r) => n + r.inserted, 0)).toBe(0);
    await h.store.updateStream(
      h.source.id,
      'Zoom.Operation',
      {},
      ['2026-02-05', '2026-03-02'].map((day) => ({ day, state: 'failed' as const, lastError: 'read again' })),
    );
    const before = h.sim.requests.length;
    expect((await h.cycle()).reduce((n, r) => n + r.inserted, 0)).toBe(0);
    const reread = h.sim.requests.slice(before).filter((r) => r.path === '/v2/report/operationlogs' && !r.query.next_page_token);
    expect(reread.map((r) => `${r.query.from}..${r.query.to}`)).toEqual(expect.arrayContaining(['2026-02-04..2026-02-07', '2026-03-01..2026-03-04']));
    expect(await planted()).toEqual(first);

    // Days go by; each new day Zoom returns the same record once more: each is kept.
    for (const day of ['2026-03-11', '2026-03-12', '2026-03-13']) {
      h.clock.set(noon(day) + 3_600_000);
      account.addRawRecord('Zoom.Operation', bare, noon(day));
      await h.cycle({ force: true });
    }
    expect((await planted()).bare).toBe(days.length + 3);
    expect((await planted()).badTime).toBe(days.length);
  });

  it('paging that moves between requests (live list, shuffled ties) never doubles a record', async () => {
    h = await startCollectHarness({ pagingConsistency: 'live', tieOrder: 'shuffled', volume: { activities: 1500, operations: 100 } });
    for (let i = 0; i < 3; i += 1) {
      await h.cycle({ force: true, reconcile: true });
      h.clock.advance(61 * MINUTE);
    }
    for (const logType of LOG_TYPES) {
      const expected = expectedFromTruth(h, logType, FIRST_DAY, addDays(TODAY, -1));
      const stored = await storedZoomRecords(h.store, h.source.id, logType, FIRST_DAY, addDays(TODAY, -1));
      expect(
        multisetDiff(stored, expected.events).filter((line) => line.startsWith('+')),
        `${logType}: nothing doubled`,
      ).toEqual([]);
    }
  });

  /** Two identical sign-ins placed so that exactly 299 records of the first window are newer: page 1 ends with one, page 2 starts with the other. */
  function plantSplitTwins(c: CollectHarness): { twin: { email: string; time: string; type: string }; count: () => Promise<number> } {
    const times = (c.sim.account(ACCOUNT_ID).groundTruth('Zoom.Activity', '2026-02-28', '2026-03-12') as { time: string }[]).map((r) => Date.parse(r.time)).sort((a, b) => b - a);
    const at = Math.floor((times[298]! + times[299]!) / 2000) * 1000;
    expect(at).toBeLessThan(times[298]!);
    expect(at).toBeGreaterThan(times[299]!);
    const twin = { email: 'split@example.com', time: new Date(at).toISOString().replace('.000', ''), type: 'Sign in' };
    c.sim.account(ACCOUNT_ID).addRecords('Zoom.Activity', [twin, { ...twin }]);
    const count = async () => (await storedZoomRecords(c.store, c.source.id, 'Zoom.Activity', FIRST_DAY, TODAY)).filter((r) => r.email === 'split@example.com').length;
    return { twin, count };
  }

  it('two identical records split by a page boundary, without probes: counted once, then both after a confirmation read with other page boundaries', async () => {
    h = await startCollectHarness({ collectorDeps: { boundaryProbes: false } });
    const { twin, count } = plantSplitTwins(h);

    await h.cycle();
    expect(await count()).toBe(1);
    const day = twin.time.slice(0, 10);
    expect((await h.store.listDayCoverage(h.source.id, 'Zoom.Activity', day, day))[0]?.ambiguous).toBe(true);

    h.clock.advance(61 * MINUTE);
    await h.cycle();
    expect(h.sim.requests.some((r) => r.query.page_size === '299')).toBe(true);
    expect(await count()).toBe(2);
    expect((await h.store.listDayCoverage(h.source.id, 'Zoom.Activity', day, day))[0]?.ambiguous).toBe(false);
    await expectStoreEqualsTruth(h);
  });

  it('two identical records split by a page boundary: the probe page (two requests) holds both, so both are stored in the same read and the day is not ambiguous', async () => {
    h = await startCollectHarness();
    const { twin, count } = plantSplitTwins(h);
    const reports = await h.cycle();
    expect(await count()).toBe(2);
    const day = twin.time.slice(0, 10);
    expect((await h.store.listDayCoverage(h.source.id, 'Zoom.Activity', day, day))[0]?.ambiguous).toBe(false);
    // The probe: page 1's token (none) with page size 150, then its token with 300.
    const activity = h.sim.requests.filter((r) => r.path.endsWith('/activities') && r.status === 200);
    expect(activity.filter((r) => r.query.page_size === '150')).toHaveLength(1);
    const received = reports.find((r) => r.logType === 'Zoom.Activity')!.received;
    expect(activity).toHaveLength(Math.ceil(received / 300) + 2);
    expect(reports.find((r) => r.logType === 'Zoom.Activity')!.requestsPages).toBe(activity.length);

    h.clock.advance(61 * MINUTE);
    await h.cycle();
    expect(h.sim.requests.some((r) => r.query.page_size === '299')).toBe(false);
    expect(await count()).toBe(2);
    await expectStoreEqualsTruth(h);
  });

  it('requests of a fixed simulated account (10 days of 6,600 records, 1% identical pairs): backfill and probes at most 1.10x ceil(n/300), no day left to confirm', async () => {
    h = await startCollectHarness({ volume: { activities: 6000, operations: 600 } });
    const reports = await h.cycle();
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    const served = () => h!.sim.requests.filter((r) => r.path.startsWith('/v2/report') && r.status === 200);
    let ideal = 0;
    for (const logType of LOG_TYPES) {
      const stored = (await h.store.countEvents({ sourceId: h.source.id, logType })) + (await h.store.countFailures({ sourceId: h.source.id, logType }));
      ideal += Math.ceil(stored / 300);
    }
    const backfill = served().length;
    const probes = served().filter((r) => r.query.page_size === '150').length;
    // The account is fixed (seed 42): identical pairs fall on page boundaries, each settled by one probe (two requests).
    expect(probes).toBeGreaterThan(0);
    expect(backfill).toBeLessThanOrEqual(ideal + 2 * probes + LOG_TYPES.length);
    expect(backfill / ideal).toBeLessThanOrEqual(1.1);
    for (const logType of LOG_TYPES) {
      const coverage = await h.store.listDayCoverage(h.source.id, logType, FIRST_DAY, TODAY);
      expect(
        coverage.filter((d) => d.ambiguous).map((d) => d.day),
        `${logType}: days left to confirm`,
      ).toEqual([]);
    }
    await expectStoreEqualsTruth(h);
    // The next poll has nothing to confirm: no read with other page boundaries.
    h.clock.advance(5 * MINUTE);
    await h.cycle();
    expect(served().filter((r) => r.query.page_size === '299')).toEqual([]);
  });

  it('one failing source (wrong secret) never holds up another; its error names the fix and its days are marked failed', async () => {
    h = await startCollectHarness();
    const bad = await h.addSource({ name: 'Broken', credentials: { clientSecret: 'wrong-secret' } });
    const [badReports, goodReports] = await Promise.all([bad.collector.runCycle(), h.cycle()]);
    expect(goodReports.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    await expectStoreEqualsTruth(h);
    expect(badReports.map((r) => r.error?.code)).toEqual(['wrong_credentials', 'wrong_credentials']);
    const state = await h.store.getStreamState(bad.source.id, 'Zoom.Activity');
    expect(state.lastError?.fix).toMatch(/Client (ID|Secret)/i);
    expect(JSON.stringify(state)).not.toContain('wrong-secret');
    const days = await h.store.listDayCoverage(bad.source.id, 'Zoom.Activity', FIRST_DAY, TODAY);
    expect(days.length).toBe(10);
    expect(days.every((d) => d.state === 'failed')).toBe(true);
  });
});
