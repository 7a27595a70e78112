import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVITY_STREAM, OPERATION_STREAM } from '../src/zoom/report-records.js';
import { ACCOUNT_ID, clientFor, drainWindow, type Harness, startHarness } from './support/sim-harness.js';
import { multisetDiff } from './support/multiset.js';

let h: Harness;
afterEach(async () => h?.close());

describe('reading report windows against the simulator', () => {
  it('drains a multi-day window of both reports exactly, always asking for 300 records a page', async () => {
    h = await startHarness();
    const { client } = clientFor(h);
    for (const stream of [ACTIVITY_STREAM, OPERATION_STREAM]) {
      const window = { from: '2026-03-01', to: '2026-03-07' };
      const { records, pages } = await drainWindow(client, stream, window);
      const truth = h.sim.account(ACCOUNT_ID).groundTruth(stream.logType, window.from, window.to);
      expect(truth.length).toBeGreaterThan(300);
      expect(multisetDiff(records, truth)).toEqual([]);
      expect(pages.every((p) => p.pass === 1)).toBe(true);
      expect(pages.length).toBe(Math.ceil(truth.length / 300));
    }
    const reportRequests = h.sim.requests.filter((r) => r.path.startsWith('/v2/report/'));
    expect(reportRequests.every((r) => r.query.page_size === '300')).toBe(true);
    // Zoom documents dates; it appears to take date-times too, but only dates are sent.
    expect(reportRequests.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(String(r.query.from)) && /^\d{4}-\d{2}-\d{2}$/.test(String(r.query.to)))).toBe(true);
  });

  it('passes the category filter of operation logs through', async () => {
    h = await startHarness();
    const { client } = clientFor(h);
    const window = { from: '2026-03-05', to: '2026-03-05' };
    const { records } = await drainWindow(client, OPERATION_STREAM, window, undefined, 'account');
    const truth = h.sim.account(ACCOUNT_ID).groundTruth('Zoom.Operation', window.from, window.to, 'account');
    expect(truth.length).toBeGreaterThan(0);
    expect(multisetDiff(records, truth)).toEqual([]);
    expect(records.every((r) => (r as { category_type: string }).category_type === 'Account')).toBe(true);
  });

  it('yields records exactly as received, malformed ones included', async () => {
    h = await startHarness({ volume: { activities: 5, operations: 5 } });
    const odd = { email: 12345, time: 1741600000, extra: { nested: true } };
    h.sim.account(ACCOUNT_ID).addRawRecord('Zoom.Activity', odd, Date.parse('2026-03-09T10:00:00Z'));
    const { client } = clientFor(h);
    const { records } = await drainWindow(client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' });
    expect(records).toContainEqual(odd);
  });

  it('sees late records added to a past day on the next read of that day', async () => {
    h = await startHarness({ volume: { activities: 50, operations: 10 } });
    const { client } = clientFor(h);
    const window = { from: '2026-03-02', to: '2026-03-02' };
    const first = await drainWindow(client, OPERATION_STREAM, window);
    const late = {
      time: '2026-03-02T08:00:00Z',
      operator: 'admin@example.com',
      category_type: 'User',
      action: 'Add',
      operation_detail: 'Add User late@example.com  - User Type: Basic ',
    };
    h.sim.account(ACCOUNT_ID).addRecords('Zoom.Operation', [late, late]);
    const second = await drainWindow(client, OPERATION_STREAM, window);
    expect(second.records.length).toBe(first.records.length + 2);
    expect(second.records.filter((r) => JSON.stringify(r) === JSON.stringify(late))).toHaveLength(2);
  });

  it('keeps working across many token lifetimes with one-minute tokens', async () => {
    h = await startHarness({ accessTokenTtlSeconds: 60 });
    const { client } = clientFor(h, undefined, { rps: 0.5 });
    const window = { from: '2026-02-10', to: '2026-03-09' };
    const { records } = await drainWindow(client, ACTIVITY_STREAM, window);
    expect(multisetDiff(records, h.sim.account(ACCOUNT_ID).groundTruth('Zoom.Activity', window.from, window.to))).toEqual([]);
    // ~37 pages at one request per 2 s span more than one token lifetime: renewed ahead of expiry, never refused.
    expect(h.sim.requestCount({ pathPrefix: '/oauth/token' })).toBeGreaterThan(1);
    expect(h.sim.requestCount({ pathPrefix: '/v2/report', status: 401 })).toBe(0);
  });

  it('restarts a window from its first page when a page token expires while the consumer is slow', async () => {
    h = await startHarness();
    const { client } = clientFor(h);
    const window = { from: '2026-03-01', to: '2026-03-03' };
    let slowOnce = true;
    const { records, pages } = await drainWindow(client, ACTIVITY_STREAM, window, (page) => {
      if (page.index === 1 && slowOnce) {
        slowOnce = false;
        h.clock.advance(16 * 60_000); // page tokens live 15 minutes
      }
    });
    expect(pages.some((p) => p.pass === 2 && p.index === 0)).toBe(true);
    expect(multisetDiff(records, h.sim.account(ACCOUNT_ID).groundTruth('Zoom.Activity', window.from, window.to))).toEqual([]);
  });

  it('drains exactly under 10% 5xx, 10% 429, resets, truncated bodies, one-minute tokens and an expiring page token', async () => {
    h = await startHarness({ accessTokenTtlSeconds: 60, retryAfterFormat: 'iso', seed: 11 });
    Object.assign(h.sim.faults, { http5xx: 0.1, http429: 0.1, reset: 0.03, truncated: 0.03, nonJson: 0.02 });
    const { client } = clientFor(h, undefined, { rps: 2, retry: { maxAttempts: 20 } });
    const window = { from: '2026-02-12', to: '2026-03-08' };
    const { records } = await drainWindow(client, ACTIVITY_STREAM, window, (page) => {
      // Mid-window, once: the next page's token is answered as expired.
      if (page.pass === 1 && page.index === 2) h.sim.failNext('expirePageToken', 1, { path: '/v2/report/activities' });
    });
    const truth = h.sim.account(ACCOUNT_ID).groundTruth('Zoom.Activity', window.from, window.to);
    expect(multisetDiff(records, truth)).toEqual([]);
    const faults = new Set(h.sim.requests.map((r) => r.fault).filter(Boolean));
    expect([...faults].sort()).toEqual(expect.arrayContaining(['http5xx', 'http429', 'expirePageToken']));
  });

  it.each([
    { toInclusive: false },
    { dayCutOffsetMinutes: -300 },
    { tieOrder: 'shuffled' as const },
    { pagingConsistency: 'live' as const },
    { rateLimitHeaders: false },
    { s2sTokenInvalidatesPrevious: true },
  ])('drains exactly whichever way Zoom settles an unconfirmed point: %j', async (knob) => {
    h = await startHarness(knob);
    const { client } = clientFor(h);
    for (const stream of [ACTIVITY_STREAM, OPERATION_STREAM]) {
      const window = { from: '2026-03-02', to: '2026-03-04' };
      const { records } = await drainWindow(client, stream, window);
      expect(multisetDiff(records, h.sim.account(ACCOUNT_ID).groundTruth(stream.logType, window.from, window.to))).toEqual([]);
    }
  });

  it('shows a silently clamped window in the echoed window of its pages', async () => {
    h = await startHarness({ volume: { activities: 10, operations: 5 } });
    const { pages } = await drainWindow(clientFor(h).client, OPERATION_STREAM, { from: '2026-02-01', to: '2026-03-09' });
    expect(pages.at(-1)!.window.to).toBe('2026-03-09');
    expect(pages.at(-1)!.zoomWindow.to < '2026-03-09').toBe(true);
  });

  it('reads an echoed window of date-times, and a future `to` moved back to today, as days (what `pull` and the planner compare)', async () => {
    h = await startHarness({ volume: { activities: 10, operations: 5 }, echoedDateForm: 'dateTime', clampFutureTo: true });
    const { pages } = await drainWindow(clientFor(h).client, ACTIVITY_STREAM, { from: '2026-03-04', to: '2026-03-12' });
    expect(pages.map((p) => p.zoomWindow)).toEqual(pages.map(() => ({ from: '2026-03-04', to: '2026-03-10' })));
    const { pages: asked } = await drainWindow(clientFor(h).client, ACTIVITY_STREAM, { from: '2026-03-04', to: '2026-03-09' });
    expect(asked.at(-1)!.zoomWindow).toEqual({ from: '2026-03-04', to: '2026-03-09' });
  });
});

describe('malformed records from Zoom', () => {
  it('every defect kind reaches the caller untouched, from hand-placed and generated days alike', async () => {
    h = await startHarness({ volume: { activities: 20, operations: 20 } });
    const placed = h.sim.account(ACCOUNT_ID).addMalformedRecords('Zoom.Operation', '2026-03-08');
    expect(placed.map((m) => m.defect)).toEqual(['missing_required_field', 'bad_time', 'numeric_time', 'wrong_type', 'huge_string', 'nul_character', 'not_an_object']);
    const { client } = clientFor(h);
    const { records } = await drainWindow(client, OPERATION_STREAM, { from: '2026-03-08', to: '2026-03-08' });
    for (const m of placed) expect(records).toContainEqual(m.record);

    h.sim.addAccount({
      accountId: 'messy',
      generated: { seed: 9, fromDay: '2026-03-01', toDay: '2026-03-09', volume: { activities: 10, operations: 10 }, malformedRecords: true },
    });
    h.sim.addApp({ clientId: 'MESSY', clientSecret: 'messy-secret-123456', accountId: 'messy', kind: 's2s' });
    const messy = clientFor(h, { kind: 's2s', accountId: 'messy', clientId: 'MESSY', clientSecret: 'messy-secret-123456' }).client;
    const activities = await drainWindow(messy, ACTIVITY_STREAM, { from: '2026-03-05', to: '2026-03-05' });
    expect(activities.records.length).toBe(10 + 7);
    expect(activities.records.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))).toBe(true);
  });
});
