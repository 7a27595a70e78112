import { afterEach, describe, expect, it } from 'vitest';
import { multiset, multisetDiff } from '../../test/support/multiset.js';
import { ManualClock } from '../shared/clock.js';
import type { ActivityLogRecord, OperationLogRecord } from '../zoom/report-records.js';
import type { SimAccount } from './sim-account.js';
import { drainReport, getReport, s2sToken } from './sim-client.test-support.js';
import { ZoomSimulator, type ZoomSimulatorOptions } from './zoom-simulator.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ACCOUNT = 'acct-1';
const S2S = { clientId: 's2s-id', clientSecret: 's2s-secret' };
const ACT = '/report/activities';
const OPS = '/report/operationlogs';

let sim: ZoomSimulator | undefined;
let clock: ManualClock;
let account: SimAccount;
let token: string;

/** An account whose rate limits never get in the way: these tests are about data. */
async function start(options: ZoomSimulatorOptions = {}, generated = true): Promise<void> {
  clock = new ManualClock(NOW);
  sim = await ZoomSimulator.start({ clock, ...options });
  account = sim.addAccount({
    accountId: ACCOUNT,
    perSecondLimit: 1_000_000,
    dailyLimit: 100_000_000,
    ...(generated ? { generated: { seed: 42, fromDay: '2026-01-01', toDay: '2026-03-10', volume: { activities: 400, operations: 120 } } } : {}),
  });
  sim.addApp({ ...S2S, accountId: ACCOUNT, kind: 's2s' });
  token = await s2sToken(sim, S2S, ACCOUNT);
}

function simulator(): ZoomSimulator {
  if (!sim) throw new Error('not started');
  return sim;
}

function activity(time: string, email = 'a@example.com', type = 'Sign in'): ActivityLogRecord {
  return { email, time, type, ip_address: '10.0.0.1', client_type: 'Browser', version: '6.0.0' };
}

function operation(time: string, category_type: string, detail = 'x '): OperationLogRecord {
  return { time, operator: 'admin@example.com', category_type, action: 'Update', operation_detail: detail };
}

function times(records: unknown[]): string[] {
  return records.map((r) => (r as { time: string }).time);
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator reports: paging', () => {
  for (const pageSize of [30, 300]) {
    it(`drains exactly groundTruth with page_size ${pageSize}, newest first`, async () => {
      await start();
      for (const [path, logType] of [
        [ACT, 'Zoom.Activity'],
        [OPS, 'Zoom.Operation'],
      ] as const) {
        const { records, pages } = await drainReport(simulator(), path, { from: '2026-03-01', to: '2026-03-10', page_size: pageSize }, token);
        const truth = account.groundTruth(logType, '2026-03-01', '2026-03-10');
        expect(truth.length).toBeGreaterThan(1000);
        expect(multisetDiff(records, truth)).toEqual([]);
        expect(pages).toBe(Math.ceil(truth.length / pageSize));
        const t = times(records);
        expect(t).toEqual([...t].sort().reverse());
        expect(t[0]! <= '2026-03-10T23:59:59Z' && t[t.length - 1]! >= '2026-03-01T00:00:00Z').toBe(true);
      }
    });
  }

  it('answers the documented response shape, default page size 30', async () => {
    await start();
    const res = await getReport(simulator(), ACT, { from: '2026-03-09', to: '2026-03-09' }, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.json!).sort()).toEqual(['activity_logs', 'from', 'next_page_token', 'page_size', 'to']);
    expect(res.json).toMatchObject({ from: '2026-03-09', to: '2026-03-09', page_size: 30 });
    expect(res.json!['activity_logs']).toHaveLength(30);
    expect(res.json!['next_page_token']).toMatch(/^[A-Za-z0-9]{20,}$/);
    const ops = await getReport(simulator(), OPS, { from: '2026-03-09', to: '2026-03-09', page_size: 5 }, token);
    expect(Object.keys(ops.json!).sort()).toEqual(['from', 'next_page_token', 'operation_logs', 'page_size', 'to']);
  });

  it('serves page_size above 300 as 300 and refuses below 1', async () => {
    await start();
    const big = await getReport(simulator(), ACT, { from: '2026-03-09', to: '2026-03-09', page_size: 1000 }, token);
    expect(big.json?.['page_size']).toBe(300);
    expect(big.json?.['activity_logs']).toHaveLength(300);
    for (const bad of ['0', '-5', 'abc', '2.5']) {
      const res = await getReport(simulator(), ACT, { from: '2026-03-09', to: '2026-03-09', page_size: bad }, token);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 300, errors: [{ field: 'page_size' }] });
    }
  });

  it('answers an empty window with an empty list and an empty next_page_token', async () => {
    await start({}, false);
    const res = await getReport(simulator(), ACT, { from: '2026-03-01', to: '2026-03-10' }, token);
    expect(res.json).toEqual({ from: '2026-03-01', to: '2026-03-10', page_size: 30, next_page_token: '', activity_logs: [] });
  });

  it('returns records exactly as stored, malformed ones included, placed by their time', async () => {
    await start({}, false);
    const weird = { email: 42, time: 'not a time', extra: ['x'] };
    account.addRawRecord('Zoom.Activity', weird, Date.parse('2026-03-05T10:00:00Z'));
    account.addRecords('Zoom.Activity', [activity('2026-03-05T11:00:00Z'), activity('2026-03-05T09:00:00Z')]);
    const { records } = await drainReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-05' }, token);
    expect(records).toEqual([activity('2026-03-05T11:00:00Z'), weird, activity('2026-03-05T09:00:00Z')]);
  });

  it('keeps identical records of one second as separate records', async () => {
    await start({}, false);
    const r = activity('2026-03-05T10:00:00Z');
    account.addRecords('Zoom.Activity', [r, r, r]);
    const { records } = await drainReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-05' }, token);
    expect(records).toEqual([r, r, r]);
    expect(account.groundTruth('Zoom.Activity', '2026-03-05', '2026-03-05')).toHaveLength(3);
  });
});

describe('simulator reports: window rules', () => {
  it('clamps a range over one month silently and echoes the clamped to', async () => {
    await start();
    const res = await getReport(simulator(), ACT, { from: '2026-01-15', to: '2026-03-10', page_size: 300 }, token);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ from: '2026-01-15', to: '2026-02-15' });
    const { records } = await drainReport(simulator(), ACT, { from: '2026-01-15', to: '2026-03-10', page_size: 300 }, token);
    expect(multisetDiff(records, account.groundTruth('Zoom.Activity', '2026-01-15', '2026-02-15'))).toEqual([]);
    // Month arithmetic clamps the day of month: Jan 31 + 1 month = Feb 28.
    const endOfMonth = await getReport(simulator(), ACT, { from: '2026-01-31', to: '2026-03-10' }, token);
    expect(endOfMonth.json?.['to']).toBe('2026-02-28');
  });

  it('knob refuseLongRange: a range over one month is refused with code 300 instead of clamped', async () => {
    await start({ refuseLongRange: true });
    const res = await getReport(simulator(), ACT, { from: '2026-01-15', to: '2026-03-10' }, token);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 300, errors: [{ field: 'to' }] });
    expect((await getReport(simulator(), ACT, { from: '2026-01-15', to: '2026-02-15' }, token)).status).toBe(200);
  });

  it('knobs: echoes from/to as date-times, and moves a future `to` back to today', async () => {
    await start({ echoedDateForm: 'dateTime', clampFutureTo: true });
    const res = await getReport(simulator(), ACT, { from: '2026-03-08', to: '2026-03-12', page_size: 300 }, token);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ from: '2026-03-08T00:00:00Z', to: '2026-03-10T00:00:00Z' });
    const { records } = await drainReport(simulator(), ACT, { from: '2026-03-08', to: '2026-03-12', page_size: 300 }, token);
    expect(multisetDiff(records, account.groundTruth('Zoom.Activity', '2026-03-08', '2026-03-10'))).toEqual([]);
    // A `to` up to today is served as asked.
    expect((await getReport(simulator(), ACT, { from: '2026-03-01', to: '2026-03-10' }, token)).json).toMatchObject({ from: '2026-03-01T00:00:00Z', to: '2026-03-10T00:00:00Z' });
  });

  it('refuses from older than 6 months with code 300', async () => {
    await start();
    const old = await getReport(simulator(), ACT, { from: '2025-09-09', to: '2025-09-20' }, token);
    expect(old.status).toBe(400);
    expect(old.json?.['code']).toBe(300);
    expect(String(old.json?.['message'])).toMatch(/6 months/);
    const edge = await getReport(simulator(), ACT, { from: '2025-09-10', to: '2025-09-20' }, token);
    expect(edge.status).toBe(200);
    // "Today" moves with the clock.
    clock.advance(86_400_000);
    token = await s2sToken(simulator(), S2S, ACCOUNT);
    expect((await getReport(simulator(), ACT, { from: '2025-09-10', to: '2025-09-20' }, token)).status).toBe(400);
  });

  it('validates from and to', async () => {
    await start();
    const missing = await getReport(simulator(), ACT, { to: '2026-03-01' }, token);
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ code: 300, errors: [{ field: 'from' }] });
    const bad = await getReport(simulator(), ACT, { from: '2026-02-30', to: '2026/03/01' }, token);
    expect(bad.json).toMatchObject({ code: 300 });
    expect((bad.json?.['errors'] as { field: string }[]).map((e) => e.field)).toEqual(['from', 'to']);
    const reversed = await getReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-01' }, token);
    expect(reversed.status).toBe(400);
    expect(reversed.json?.['code']).toBe(300);
  });

  it('accepts from and to sent as UTC date-times (what public connectors send), read as their dates', async () => {
    await start();
    const asDates = await drainReport(simulator(), ACT, { from: '2026-03-04', to: '2026-03-05', page_size: 300 }, token);
    const asDateTimes = await drainReport(simulator(), ACT, { from: '2026-03-04T22:00:00Z', to: '2026-03-05T00:00:00Z', page_size: 300 }, token);
    expect(asDateTimes.records.length).toBeGreaterThan(0);
    expect(asDateTimes.records).toEqual(asDates.records);
    const res = await getReport(simulator(), ACT, { from: '2026-03-04T22:00:00Z', to: '2026-03-05T00:00:00Z' }, token);
    expect(res.json).toMatchObject({ from: '2026-03-04', to: '2026-03-05' });
    const bad = await getReport(simulator(), ACT, { from: '2026-03-04T25:00:00Z', to: '2026-03-05 00:00' }, token);
    expect(bad.json).toMatchObject({ code: 300 });
  });

  it('includes the to day by default', async () => {
    await start({}, false);
    account.addRecords('Zoom.Activity', [activity('2026-03-04T23:59:59Z'), activity('2026-03-05T00:00:00Z'), activity('2026-03-05T23:59:59Z'), activity('2026-03-06T00:00:00Z')]);
    const { records } = await drainReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-05' }, token);
    expect(times(records)).toEqual(['2026-03-05T23:59:59Z', '2026-03-05T00:00:00Z']);
  });

  it('excludes the to day when toInclusive is false', async () => {
    await start({ toInclusive: false }, false);
    account.addRecords('Zoom.Activity', [activity('2026-03-05T00:00:00Z'), activity('2026-03-05T23:59:59Z'), activity('2026-03-06T00:00:00Z')]);
    const same = await drainReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-05' }, token);
    expect(same.records).toEqual([]);
    const next = await drainReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-06' }, token);
    expect(times(next.records)).toEqual(['2026-03-05T23:59:59Z', '2026-03-05T00:00:00Z']);
    expect(account.groundTruth('Zoom.Activity', '2026-03-05', '2026-03-06')).toEqual(next.records);
  });

  it('cuts days at dayCutOffsetMinutes', async () => {
    await start({ dayCutOffsetMinutes: -300 }, false);
    account.addRecords('Zoom.Activity', [activity('2026-03-05T04:59:59Z'), activity('2026-03-05T05:00:00Z'), activity('2026-03-06T04:59:59Z'), activity('2026-03-06T05:00:00Z')]);
    const { records } = await drainReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-05' }, token);
    expect(times(records)).toEqual(['2026-03-06T04:59:59Z', '2026-03-05T05:00:00Z']);
    expect(account.groundTruth('Zoom.Activity', '2026-03-05', '2026-03-05')).toEqual(records);
  });

  it('filters operation logs by category_type', async () => {
    await start();
    const all = account.groundTruth('Zoom.Operation', '2026-03-01', '2026-03-10') as OperationLogRecord[];
    const categories = new Set(all.map((r) => r.category_type));
    expect(categories.size).toBeGreaterThan(3);
    const users = await drainReport(simulator(), OPS, { from: '2026-03-01', to: '2026-03-10', page_size: 300, category_type: 'user' }, token);
    expect(users.records.length).toBeGreaterThan(0);
    expect(new Set((users.records as OperationLogRecord[]).map((r) => r.category_type))).toEqual(new Set(['User']));
    expect(
      multisetDiff(
        users.records,
        all.filter((r) => r.category_type === 'User'),
      ),
    ).toEqual([]);
    expect(multisetDiff(users.records, account.groundTruth('Zoom.Operation', '2026-03-01', '2026-03-10', 'user'))).toEqual([]);
    const everything = await drainReport(simulator(), OPS, { from: '2026-03-01', to: '2026-03-10', page_size: 300, category_type: 'all' }, token);
    expect(everything.records).toHaveLength(all.length);
    const unknown = await getReport(simulator(), OPS, { from: '2026-03-01', to: '2026-03-10', category_type: 'meetings' }, token);
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ code: 300, errors: [{ field: 'category_type' }] });
  });

  it('maps snake_case filters to Title Case categories', async () => {
    await start({}, false);
    account.addRecords('Zoom.Operation', [
      operation('2026-03-05T01:00:00Z', 'User Settings'),
      operation('2026-03-05T02:00:00Z', 'Zoom Rooms'),
      operation('2026-03-05T03:00:00Z', 'IM'),
      operation('2026-03-05T04:00:00Z', 'User Group'),
    ]);
    for (const [filter, category] of [
      ['user_settings', 'User Settings'],
      ['zoom_rooms', 'Zoom Rooms'],
      ['im', 'IM'],
    ]) {
      const { records } = await drainReport(simulator(), OPS, { from: '2026-03-05', to: '2026-03-05', category_type: filter }, token);
      expect((records as OperationLogRecord[]).map((r) => r.category_type)).toEqual([category]);
    }
    const { records } = await drainReport(simulator(), OPS, { from: '2026-03-05', to: '2026-03-05', category_type: 'user' }, token);
    expect(records).toEqual([]);
  });
});

describe('simulator reports: page tokens', () => {
  it('expire pageTokenTtlSeconds after issue', async () => {
    await start();
    const q = { from: '2026-03-01', to: '2026-03-10', page_size: 300 };
    const first = await getReport(simulator(), ACT, q, token);
    const next = String(first.json?.['next_page_token']);
    clock.advance(899_000);
    expect((await getReport(simulator(), ACT, { ...q, next_page_token: next }, token)).status).toBe(200);
    clock.advance(1_000);
    const expired = await getReport(simulator(), ACT, { ...q, next_page_token: next }, token);
    expect(expired.status).toBe(400);
    expect(expired.json).toEqual({ code: 300, message: 'The next page token is invalid or expired.' });
  });

  it('are reusable until expiry, answering the same page', async () => {
    await start();
    const q = { from: '2026-03-01', to: '2026-03-10', page_size: 300 };
    const next = String((await getReport(simulator(), ACT, q, token)).json?.['next_page_token']);
    const a = await getReport(simulator(), ACT, { ...q, next_page_token: next }, token);
    const b = await getReport(simulator(), ACT, { ...q, next_page_token: next }, token);
    expect(a.json?.['activity_logs']).toEqual(b.json?.['activity_logs']);
  });

  it('are only valid for the endpoint, window and account that issued them', async () => {
    await start();
    const q = { from: '2026-03-01', to: '2026-03-10', page_size: 300 };
    const next = String((await getReport(simulator(), ACT, q, token)).json?.['next_page_token']);
    const invalid = { code: 300, message: 'The next page token is invalid or expired.' };
    expect((await getReport(simulator(), OPS, { ...q, next_page_token: next }, token)).json).toEqual(invalid);
    expect((await getReport(simulator(), ACT, { ...q, to: '2026-03-09', next_page_token: next }, token)).json).toEqual(invalid);
    expect((await getReport(simulator(), ACT, { ...q, next_page_token: 'garbage' }, token)).json).toEqual(invalid);
    simulator().addAccount({ accountId: 'other' });
    simulator().addApp({ clientId: 'o', clientSecret: 'o', accountId: 'other', kind: 's2s' });
    const otherToken = await s2sToken(simulator(), { clientId: 'o', clientSecret: 'o' }, 'other');
    expect((await getReport(simulator(), ACT, { ...q, next_page_token: next }, otherToken)).json).toEqual(invalid);
    // The clamp is applied before comparing: a longer to that clamps to the same window is the same query.
    const long = { from: '2026-01-15', to: '2026-03-10', page_size: 300 };
    const longNext = String((await getReport(simulator(), ACT, long, token)).json?.['next_page_token']);
    expect((await getReport(simulator(), ACT, { ...long, to: '2026-02-15', next_page_token: longNext }, token)).status).toBe(200);
  });
});

describe('simulator reports: late records and consistency', () => {
  const q = { from: '2026-03-05', to: '2026-03-05', page_size: 2 };

  async function seedFive(options: ZoomSimulatorOptions): Promise<void> {
    await start(options, false);
    account.addRecords(
      'Zoom.Activity',
      [1, 2, 3, 4, 5].map((h) => activity(`2026-03-05T0${h}:00:00Z`)),
    );
  }

  it('snapshot: a page token pins the list of its first page', async () => {
    await seedFive({});
    const first = await getReport(simulator(), ACT, q, token);
    account.addRecords('Zoom.Activity', [activity('2026-03-05T09:00:00Z')]);
    const served = [...(first.json?.['activity_logs'] as unknown[])];
    let next = String(first.json?.['next_page_token']);
    while (next) {
      const page = await getReport(simulator(), ACT, { ...q, next_page_token: next }, token);
      served.push(...(page.json?.['activity_logs'] as unknown[]));
      next = String(page.json?.['next_page_token']);
    }
    expect(times(served)).toEqual([5, 4, 3, 2, 1].map((h) => `2026-03-05T0${h}:00:00Z`));
    // A new first page sees the late record.
    const again = await drainReport(simulator(), ACT, q, token);
    expect(again.records).toHaveLength(6);
  });

  it('live: records added mid-paging shift the following pages', async () => {
    await seedFive({ pagingConsistency: 'live' });
    const first = await getReport(simulator(), ACT, q, token);
    expect(times(first.json?.['activity_logs'] as unknown[])).toEqual(['2026-03-05T05:00:00Z', '2026-03-05T04:00:00Z']);
    account.addRecords('Zoom.Activity', [activity('2026-03-05T09:00:00Z')]);
    const second = await getReport(simulator(), ACT, { ...q, next_page_token: String(first.json?.['next_page_token']) }, token);
    // The new newest record pushed 04:00 onto page 2: seen twice.
    expect(times(second.json?.['activity_logs'] as unknown[])).toEqual(['2026-03-05T04:00:00Z', '2026-03-05T03:00:00Z']);
  });

  it('late records into a past day show up in later reads and in groundTruth', async () => {
    await start();
    const before = account.groundTruth('Zoom.Activity', '2026-02-01', '2026-02-01').length;
    account.addRecords('Zoom.Activity', [activity('2026-02-01T12:00:00Z', 'late@example.com')]);
    const { records } = await drainReport(simulator(), ACT, { from: '2026-02-01', to: '2026-02-01', page_size: 300 }, token);
    expect(records).toHaveLength(before + 1);
    expect(records).toContainEqual(activity('2026-02-01T12:00:00Z', 'late@example.com'));
  });

  it('tieOrder shuffled reorders records of one second, same multiset', async () => {
    await start({ tieOrder: 'shuffled', seed: 3 }, false);
    const tied = Array.from({ length: 20 }, (_, i) => activity('2026-03-05T10:00:00Z', `u${i}@example.com`));
    account.addRecords('Zoom.Activity', [activity('2026-03-05T11:00:00Z'), ...tied, activity('2026-03-05T09:00:00Z')]);
    const orders = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { records } = await drainReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-05', page_size: 300 }, token);
      expect(multiset(records)).toEqual(multiset(account.groundTruth('Zoom.Activity', '2026-03-05', '2026-03-05')));
      expect(times(records)[0]).toBe('2026-03-05T11:00:00Z');
      expect(times(records)[21]).toBe('2026-03-05T09:00:00Z');
      orders.add(JSON.stringify(records));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  for (const pagingConsistency of ['snapshot', 'live'] as const) {
    it(`recordOrder oldestFirst lists the window oldest first across pages (${pagingConsistency})`, async () => {
      await start({ recordOrder: 'oldestFirst', pagingConsistency });
      const { records, pages } = await drainReport(simulator(), ACT, { from: '2026-03-01', to: '2026-03-03', page_size: 30 }, token);
      expect(pages).toBeGreaterThan(2);
      const t = times(records);
      expect(t).toEqual([...t].sort());
      expect(t[0]! < t[t.length - 1]!).toBe(true);
      expect(multisetDiff(records, account.groundTruth('Zoom.Activity', '2026-03-01', '2026-03-03'))).toEqual([]);
    });
  }

  it('tieOrder stable answers the same order every time', async () => {
    await start({}, false);
    account.addRecords(
      'Zoom.Activity',
      Array.from({ length: 10 }, (_, i) => activity('2026-03-05T10:00:00Z', `u${i}@example.com`)),
    );
    const a = await drainReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-05' }, token);
    const b = await drainReport(simulator(), ACT, { from: '2026-03-05', to: '2026-03-05' }, token);
    expect(a.records).toEqual(b.records);
  });

  it('hideFutureRecords serves only what has happened by the clock', async () => {
    await start({ hideFutureRecords: true }, false);
    account.addRecords('Zoom.Activity', [activity('2026-03-10T11:59:59Z'), activity('2026-03-10T12:00:00Z'), activity('2026-03-10T12:00:01Z')]);
    const now = await drainReport(simulator(), ACT, { from: '2026-03-10', to: '2026-03-10' }, token);
    expect(times(now.records)).toEqual(['2026-03-10T12:00:00Z', '2026-03-10T11:59:59Z']);
    clock.advance(1_000);
    expect((await drainReport(simulator(), ACT, { from: '2026-03-10', to: '2026-03-10' }, token)).records).toHaveLength(3);
  });
});

describe('simulator reports: scope, plan and permission', () => {
  it('names the accepted scopes of each endpoint when the token lacks them', async () => {
    await start();
    account.setScopes(S2S.clientId, ['user:read:admin']);
    const q = { from: '2026-03-09', to: '2026-03-09' };
    const act = await getReport(simulator(), ACT, q, token);
    expect(act.status).toBe(400);
    expect(act.json).toEqual({ code: 4711, message: 'Invalid access token, does not contain scopes:[report:read:user_activities:admin, report:read:admin].' });
    const ops = await getReport(simulator(), OPS, q, token);
    expect(ops.json).toEqual({ code: 4711, message: 'Invalid access token, does not contain scopes:[report:read:operation_logs:admin, report:read:admin].' });
  });

  it('accepts the granular scope of each endpoint only for that endpoint', async () => {
    await start();
    account.setScopes(S2S.clientId, ['report:read:user_activities:admin']);
    const q = { from: '2026-03-09', to: '2026-03-09' };
    expect((await getReport(simulator(), ACT, q, token)).status).toBe(200);
    expect((await getReport(simulator(), OPS, q, token)).status).toBe(400);
    account.setScopes(S2S.clientId, ['report:read:operation_logs:admin']);
    expect((await getReport(simulator(), OPS, q, token)).status).toBe(200);
  });

  it('refuses a free account', async () => {
    await start();
    account.setPlan('free');
    const res = await getReport(simulator(), ACT, { from: '2026-03-09', to: '2026-03-09' }, token);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code: 200, message: 'This report is only available for the paid account.' });
    account.setPlan('business');
    expect((await getReport(simulator(), ACT, { from: '2026-03-09', to: '2026-03-09' }, token)).status).toBe(200);
  });

  it('answers No permission. per report permission', async () => {
    await start();
    account.setAdminPermissions(['Sign In/Sign Out']);
    const q = { from: '2026-03-09', to: '2026-03-09' };
    expect((await getReport(simulator(), ACT, q, token)).status).toBe(200);
    const ops = await getReport(simulator(), OPS, q, token);
    expect(ops.status).toBe(400);
    expect(ops.json).toEqual({ code: 200, message: 'No permission.' });
    account.setAdminPermissions(['Reports > Admin Activity Logs']);
    expect((await getReport(simulator(), ACT, q, token)).json).toEqual({ code: 200, message: 'No permission.' });
    expect((await getReport(simulator(), OPS, q, token)).status).toBe(200);
  });
});

describe('simulator reports: volume', () => {
  it('pages through 1,000,000 records', { timeout: 180_000 }, async () => {
    await start({}, false);
    // 1,000,000 activities over 10 days, 100,000 a day, several per second.
    const day0 = Date.parse('2026-03-01T00:00:00Z');
    for (let d = 0; d < 10; d++) {
      const records: ActivityLogRecord[] = [];
      for (let i = 0; i < 100_000; i++) {
        const t = new Date(day0 + d * 86_400_000 + Math.floor((i * 86_400) / 100_000) * 1000).toISOString().replace('.000Z', 'Z');
        records.push({ email: `u${i % 997}@example.com`, time: t, type: i % 2 ? 'Sign in' : 'Sign out' });
      }
      account.addRecords('Zoom.Activity', records);
    }
    let count = 0;
    let ordered = true;
    let previous = '9999';
    let next = '';
    do {
      const res = await getReport(simulator(), ACT, { from: '2026-03-01', to: '2026-03-10', page_size: 300, next_page_token: next || undefined }, token);
      const items = res.json!['activity_logs'] as ActivityLogRecord[];
      for (const item of items) {
        if (item.time > previous) ordered = false;
        previous = item.time;
      }
      count += items.length;
      next = String(res.json!['next_page_token']);
    } while (next);
    expect(count).toBe(1_000_000);
    expect(ordered).toBe(true);
  });
});
