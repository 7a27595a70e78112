import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../src/alert/delivery-worker.js';
import { loadSourceHealth } from '../src/health/health-loader.js';
import { CompletenessMonitor } from '../src/health/completeness-monitor.js';
import { DropOffMonitor } from '../src/health/drop-off-monitor.js';
import { COVERAGE_AT_RISK, LOG_DROP_OFF, systemAlarmMeta } from '../src/health/system-alarms.js';
import type { NewSource, SourceRecord } from '../src/store/store.js';
import { completeAuthorization, createAuthorizationRequest } from '../src/zoom/authorization-code-flow.js';
import { SecretRedactor } from '../src/zoom/secret-redactor.js';
import { approveInBrowser } from './support/approve-in-browser.js';
import { startCollectHarness, type CollectHarness } from './support/collect-harness.js';
import { ACCOUNT_ID, NOW, OAUTH_APP, S2S } from './support/sim-harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const QUIET_APP = { clientId: 'QUIET_APP', clientSecret: 'quiet-app-secret-42' };

let h: CollectHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A harness whose source reads a "quiet" Zoom account: generated history up
 * to 2026-03-08, then only what the test adds (one sign-in 10 minutes before
 * NOW), so the account goes quiet when the test stops adding records.
 */
async function quietAccount(source: Partial<NewSource> = {}): Promise<{ c: CollectHarness; src: SourceRecord; collector: CollectHarness['collector'] }> {
  const c = await startCollectHarness({ volume: { activities: 20, operations: 5 } });
  c.sim.addAccount({ accountId: 'quiet', plan: 'pro', generated: { seed: 9, fromDay: '2026-03-01', toDay: '2026-03-08', volume: { activities: 20, operations: 5 } } });
  c.sim.addApp({ ...QUIET_APP, accountId: 'quiet', kind: 's2s' });
  signIn(c, NOW - 10 * MIN);
  const { source: src, collector } = await c.addSource({
    name: 'Quiet Zoom',
    zoomAccountId: 'quiet',
    clientId: QUIET_APP.clientId,
    credentials: { clientSecret: QUIET_APP.clientSecret },
    ...source,
  });
  await c.store.createDestination({ name: 'log', kind: 'log', settings: {}, enabled: true, secret: null });
  return { c, src, collector };
}

function signIn(c: CollectHarness, atMs: number): void {
  c.sim
    .account('quiet')
    .addRecords('Zoom.Activity', [{ email: 'alice@example.com', time: iso(atMs), type: 'Sign in', ip_address: '203.0.113.7', client_type: 'Browser', version: '6.0.0' }]);
}

function monitor(c: CollectHarness): DropOffMonitor {
  return new DropOffMonitor({ store: c.store, clock: c.clock, logger: c.logger });
}

async function healthOf(c: CollectHarness, sourceId: string) {
  return loadSourceHealth(c.store, (await c.store.getSource(sourceId))!, c.clock.now());
}

async function deliver(c: CollectHarness): Promise<number> {
  return new DeliveryWorker({ store: c.store, clock: c.clock, logger: c.logger, fetch: globalThis.fetch, ruleMeta: systemAlarmMeta }).deliverDue();
}

describe('log drop-off alarm against the simulator', () => {
  it('an account going quiet fires the alarm within the period, through the destinations, and it clears when records return', async () => {
    const { c, src, collector } = await quietAccount({ dropOffAlarmMinutes: 60 });
    h = c;
    const drop = monitor(c);
    expect((await collector.runCycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    const first = await drop.checkOnce();
    expect(first.find((r) => r.sourceId === c.source.id)).toMatchObject({ action: 'off' });
    expect(first.find((r) => r.sourceId === src.id)).toMatchObject({ action: 'ok', lastEventMs: NOW - 10 * MIN });

    // Polls keep succeeding, Zoom has nothing new: heartbeats are `empty`, not errors.
    c.clock.advance(30 * MIN);
    await collector.runCycle();
    expect((await drop.checkOnce()).find((r) => r.sourceId === src.id)!.action).toBe('ok');
    const beats = await c.store.listHeartbeats({ sourceId: src.id });
    expect(beats[0]).toMatchObject({ outcome: 'empty', errorCode: null, records: 0 });
    expect(beats.some((b) => b.outcome === 'data' && b.records > 0)).toBe(true);

    // 65 minutes after the last event (period 60): the next check raises it.
    c.clock.advance(25 * MIN);
    await collector.runCycle();
    const raisedAt = c.clock.now();
    expect((await drop.checkOnce()).find((r) => r.sourceId === src.id)!.action).toBe('raised');
    const [alarm] = await c.store.listOpenSystemAlerts({ ruleId: LOG_DROP_OFF });
    expect(alarm).toMatchObject({ type: 'system', ruleId: LOG_DROP_OFF, dedup: src.id, severity: 'HIGH', title: 'No Zoom logs from Quiet Zoom for 1 h', raisedAt });
    expect(alarm!.context).toMatchObject({ sourceId: src.id, sourceName: 'Quiet Zoom', lastEventTime: new Date(NOW - 10 * MIN).toISOString(), healthState: 'no_data' });
    expect(alarm!.context.healthCause).toMatch(/polls succeed/);
    const health = await healthOf(c, src.id);
    expect(health.state).toBe('no_data');
    expect(health.cause).toContain(`No events since ${iso(NOW - 10 * MIN)}`);
    // One open alarm per source: a second check does not raise another.
    c.clock.advance(MIN);
    expect((await drop.checkOnce()).find((r) => r.sourceId === src.id)!.action).toBe('still_open');
    expect(await c.store.listOpenSystemAlerts({ ruleId: LOG_DROP_OFF })).toHaveLength(1);
    let deliveries = await c.store.listDeliveries({ alertId: alarm!.id });
    expect(deliveries.map((d) => [d.notice, d.state])).toEqual([['raised', 'pending']]);
    expect(await deliver(c)).toBe(1);
    expect(c.logLines.some((l) => String(l.msg).includes('alert No Zoom logs from Quiet Zoom'))).toBe(true);

    // Records return: a cycle stores them, the next check resolves the alarm with its message.
    signIn(c, c.clock.now() - MIN);
    await collector.runCycle();
    expect((await drop.checkOnce()).find((r) => r.sourceId === src.id)!.action).toBe('resolved');
    const resolved = (await c.store.getAlert(alarm!.id))!;
    expect(resolved.status).toBe('resolved');
    expect(resolved.statusNote).toMatch(/^Events arrived again at .*: the newest event is from /);
    deliveries = await c.store.listDeliveries({ alertId: alarm!.id });
    expect(deliveries.map((d) => d.notice).sort()).toEqual(['raised', 'resolved']);
    expect(await deliver(c)).toBe(1);
    expect((await healthOf(c, src.id)).state).toBe('healthy');
  });

  it('the quiet schedule holds the alarm (a weekend in Tokyo, still Friday in UTC); it fires once the schedule ends', async () => {
    const { c, src, collector } = await quietAccount({ dropOffAlarmMinutes: 60, quietSchedule: { timeZone: 'Asia/Tokyo', days: [0, 6] } });
    h = c;
    await collector.runCycle();
    // Friday 2026-03-13 16:00 UTC is Saturday 01:00 in Tokyo.
    c.clock.set(Date.parse('2026-03-13T16:00:00Z'));
    await collector.runCycle({ force: true });
    const drop = monitor(c);
    expect((await drop.checkOnce()).find((r) => r.sourceId === src.id)!.action).toBe('quiet_schedule');
    expect(await c.store.listOpenSystemAlerts({ ruleId: LOG_DROP_OFF })).toEqual([]);
    const held = await healthOf(c, src.id);
    expect(held.state).toBe('quiet');
    expect(held.cause).toContain('quiet schedule');
    // Sunday 23:59 in Tokyo: still quiet. Monday 00:30 in Tokyo (Sunday 15:30 UTC): it fires.
    expect((await drop.checkOnce(Date.parse('2026-03-15T14:59:00Z'))).find((r) => r.sourceId === src.id)!.action).toBe('quiet_schedule');
    c.clock.set(Date.parse('2026-03-15T15:30:00Z'));
    expect((await drop.checkOnce()).find((r) => r.sourceId === src.id)!.action).toBe('raised');
    expect(await c.store.listDeliveries({ state: 'pending' })).toHaveLength(1);
  });

  it('a quiet but working account shows quiet (heartbeats empty); the same silence with failing polls does not', async () => {
    const { c, src, collector } = await quietAccount();
    h = c;
    await collector.runCycle();
    c.clock.advance(2 * HOUR);
    await collector.runCycle();
    const quiet = await healthOf(c, src.id);
    expect(quiet.state).toBe('quiet');
    expect(quiet.cause).toMatch(/polls succeed .* Zoom returned nothing/);
    expect(quiet.cause).toContain('No drop-off alarm is set');
    expect(quiet.heartbeats.slice(0, 2).map((b) => b.outcome)).toEqual(['empty', 'empty']);

    c.sim.faults.http5xx = 1;
    c.clock.advance(HOUR);
    await collector.runCycle({ force: true });
    const failing = await healthOf(c, src.id);
    expect(failing.state).toBe('zoom_unavailable');
    expect(failing.heartbeats[0]).toMatchObject({ outcome: 'error', errorCode: 'zoom_unavailable' });
    // Turned on now, the drop-off alarm still fires (no logs), naming the cause.
    await c.store.updateSource(src.id, { dropOffAlarmMinutes: 60 });
    await monitor(c).checkOnce();
    const [alarm] = await c.store.listOpenSystemAlerts({ sourceId: src.id });
    expect(alarm!.context).toMatchObject({ healthState: 'zoom_unavailable' });
    // Turning the alarm off resolves it.
    await c.store.updateSource(src.id, { dropOffAlarmMinutes: null });
    await monitor(c).checkOnce();
    expect((await c.store.getAlert(alarm!.id))!.statusNote).toMatch(/turned off/);
  });
});

describe('health states produced by the simulator', () => {
  it('a revoked authorization shows reauthorization_required', async () => {
    h = await startCollectHarness({ volume: { activities: 20, operations: 5 } });
    const c = h;
    const endpoints = { apiUrl: c.sim.apiUrl, oauthUrl: c.sim.baseUrl };
    const pending = createAuthorizationRequest(endpoints, OAUTH_APP.clientId, OAUTH_APP.redirectUri, c.clock);
    const callback = await approveInBrowser(pending.url);
    const tokens = await completeAuthorization({ endpoints, credentials: OAUTH_APP, pending, callback, clock: c.clock, redactor: new SecretRedactor() });
    const { source, collector } = await c.addSource({
      name: 'OAuth Zoom',
      authKind: 'authorization_code',
      zoomAccountId: null,
      clientId: OAUTH_APP.clientId,
      credentials: { clientSecret: OAUTH_APP.clientSecret, refreshToken: tokens.refreshToken! },
    });
    expect((await collector.runCycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect((await healthOf(c, source.id)).state).toBe('healthy');
    c.sim.revokeAllTokens(OAUTH_APP.clientId);
    c.clock.advance(2 * HOUR); // the cached access token expires too
    await collector.runCycle({ force: true });
    const health = await healthOf(c, source.id);
    expect(health.state).toBe('reauthorization_required');
    expect(health.cause).toMatch(/no longer accepts this source's authorization/);
    expect(health.fix).toMatch(/Re-authorize/);
  });

  it('a removed scope names the scope', async () => {
    h = await startCollectHarness({ volume: { activities: 20, operations: 5 } });
    h.sim.account(ACCOUNT_ID).setScopes(S2S.clientId, []);
    await h.cycle();
    const health = await healthOf(h, h.source.id);
    expect(health.state).toBe('missing_scope');
    expect(health.cause).toMatch(/lacks the scope needed for .*: add report:read/);
    expect(health.fix).toContain('Scopes');
  });

  it('a daily-cap 429 shows the budget exhausted until 00:00 UTC; polls meanwhile are skipped, not failed', async () => {
    h = await startCollectHarness({ volume: { activities: 20, operations: 5 } });
    h.sim.addAccount({
      accountId: 'small',
      plan: 'pro',
      dailyLimit: 3,
      generated: { seed: 1, fromDay: '2026-03-01', toDay: '2026-03-10', volume: { activities: 2000, operations: 10 } },
    });
    h.sim.addApp({ clientId: 'SMALL_APP', clientSecret: 'small-app-secret-42', accountId: 'small', kind: 's2s' });
    const { source, collector } = await h.addSource({ name: 'Small', zoomAccountId: 'small', clientId: 'SMALL_APP', credentials: { clientSecret: 'small-app-secret-42' } });
    const reports = await collector.runCycle();
    expect(reports[0]).toMatchObject({ logType: 'Zoom.Activity', outcome: 'failed', error: { code: 'daily_budget_exhausted' } });
    // (The other stream's requests wait in the client's budget until the reset: the manual clock jumps past midnight.)
    const atFailure = (await h.store.listHeartbeats({ sourceId: source.id, logType: 'Zoom.Activity' }))[0]!;
    expect(atFailure).toMatchObject({ outcome: 'error', errorCode: 'daily_budget_exhausted' });
    expect(atFailure.at).toBeLessThan(NOW + MIN);
    // An hour after the failure, before midnight:
    h.clock.set(NOW + HOUR);
    const health = await healthOf(h, source.id);
    expect(health.state).toBe('rate_limited');
    expect(health.cause).toContain('Daily request budget exhausted until 00:00 UTC (2026-03-11T00:00:00Z)');
    expect(health.cause).toContain("Zoom's daily Heavy API limit for the account");
    expect(health.fix).toContain('00:00 UTC');
    expect(health.since).toBe(atFailure.at);
    // A cycle before the reset does not ask Zoom for that stream: the heartbeat says skipped, with the reason.
    const again = await collector.runCycle();
    expect(again[0]).toMatchObject({ outcome: 'backoff' });
    const skipped = (await h.store.listHeartbeats({ sourceId: source.id, logType: 'Zoom.Activity' }))[0]!;
    expect(skipped).toMatchObject({ outcome: 'skipped', errorCode: 'daily_budget_exhausted', records: 0 });
    expect((await healthOf(h, source.id)).state).toBe('rate_limited');
  });

  it('wrong credentials', async () => {
    h = await startCollectHarness({ volume: { activities: 20, operations: 5 } });
    const { source, collector } = await h.addSource({ name: 'Wrong', credentials: { clientSecret: 'not-the-secret' } });
    await collector.runCycle();
    const health = await healthOf(h, source.id);
    expect(health.state).toBe('wrong_credentials');
    expect(health.cause).toContain('invalid_client');
  });

  it('a plan downgrade and a missing role permission show permission_missing, naming it', async () => {
    h = await startCollectHarness({ volume: { activities: 20, operations: 5 } });
    await h.cycle();
    h.sim.account(ACCOUNT_ID).setAdminPermissions(['Sign In/Sign Out']);
    h.clock.advance(HOUR);
    await h.cycle({ force: true });
    let health = await healthOf(h, h.source.id);
    expect(health.state).toBe('permission_missing');
    expect(health.cause).toContain('Admin Activity Logs');
    h.sim.account(ACCOUNT_ID).setAdminPermissions(['Sign In/Sign Out', 'Admin Activity Logs']);
    h.sim.account(ACCOUNT_ID).setPlan('free');
    h.clock.advance(HOUR);
    await h.cycle({ force: true });
    health = await healthOf(h, h.source.id);
    expect(health.state).toBe('permission_missing');
    expect(health.cause).toMatch(/plan/);
    expect(health.fix).toMatch(/Pro plan/);
  });

  it('Zoom 5xx shows zoom_unavailable', async () => {
    h = await startCollectHarness({ volume: { activities: 20, operations: 5 } });
    h.sim.faults.http5xx = 1;
    await h.cycle();
    const health = await healthOf(h, h.source.id);
    expect(health.state).toBe('zoom_unavailable');
    expect(health.fix).toMatch(/status\.zoom\.us/);
    expect((await h.store.listHeartbeats({ sourceId: h.source.id })).map((b) => b.outcome)).toEqual(['error', 'error']);
  });
});

describe('completeness alarm', () => {
  it('a failed day near the 6-month edge raises System.CoverageAtRisk to the destinations; it resolves once the day left the window', async () => {
    h = await startCollectHarness({ volume: { activities: 5, operations: 2 }, source: { backfillDays: 180 } });
    const c = h;
    await c.store.createDestination({ name: 'log', kind: 'log', settings: {}, enabled: true, secret: null });
    expect((await c.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    const completeness = new CompletenessMonitor({ store: c.store, clock: c.clock, logger: c.logger }, 14);
    expect((await completeness.checkOnce()).map((r) => r.action)).toEqual(['ok', 'ok']);

    // The oldest days Zoom still serves (2025-09-12..): one of them failed, as the collector records a failed read.
    await c.store.updateStream(c.source.id, 'Zoom.Activity', {}, [{ day: '2025-09-15', state: 'failed', lastError: 'Zoom could not be reached.' }]);
    const checks = await completeness.checkOnce();
    expect(checks.map((r) => [r.logType, r.action])).toEqual([
      ['Zoom.Activity', 'raised'],
      ['Zoom.Operation', 'ok'],
    ]);
    const [alarm] = await c.store.listOpenSystemAlerts({ ruleId: COVERAGE_AT_RISK });
    expect(alarm).toMatchObject({ dedup: `${c.source.id}:Zoom.Activity`, severity: 'HIGH', type: 'system' });
    expect(alarm!.title).toContain('2026-03-13');
    expect(alarm!.context.days).toEqual([{ day: '2025-09-15', state: 'failed', lastCollectableDay: '2026-03-13', lastError: 'Zoom could not be reached.' }]);
    expect((await c.store.listDeliveries({ alertId: alarm!.id })).map((d) => d.notice)).toEqual(['raised']);
    expect((await completeness.checkOnce()).map((r) => r.action)).toEqual(['still_open', 'ok']);

    // Four days later 2025-09-15 is out of Zoom's window: nothing left to save, the alarm resolves.
    c.clock.set(NOW + 4 * 24 * HOUR);
    expect((await completeness.checkOnce()).map((r) => r.action)).toEqual(['resolved', 'ok']);
    const resolved = (await c.store.getAlert(alarm!.id))!;
    expect(resolved.status).toBe('resolved');
    expect(resolved.statusNote).toMatch(/left Zoom's 6-month window/);
    expect((await c.store.listDeliveries({ alertId: alarm!.id })).map((d) => d.notice).sort()).toEqual(['raised', 'resolved']);
  });

  it('a fresh 180-day source raises none while its backfill reads the newest days first; a backfill that fails raises it', async () => {
    let completeness: CompletenessMonitor | undefined;
    const checks: Array<ReturnType<CompletenessMonitor['checkOnce']>> = [];
    h = await startCollectHarness({
      volume: { activities: 5, operations: 2 },
      source: { backfillDays: 180 },
      // A check after every page read: the alarm sees the backfill half way, the oldest days not read yet.
      collectorDeps: { onProgress: () => void checks.push(completeness!.checkOnce()) },
    });
    const c = h;
    completeness = new CompletenessMonitor({ store: c.store, clock: c.clock, logger: c.logger }, 14);
    checks.push(completeness.checkOnce());
    expect((await c.cycle()).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    checks.push(completeness.checkOnce());
    const actions = (await Promise.all(checks)).flat().map((r) => r.action);
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((a) => a !== 'ok')).toEqual([]);
    expect(await c.store.listOpenSystemAlerts({ ruleId: COVERAGE_AT_RISK })).toEqual([]);

    // A second 180-day source whose backfill fails (Zoom down): its oldest days will be lost; that alarm is real.
    const { source: failing, collector } = await c.addSource({ name: 'Failing Zoom', backfillDays: 180 });
    c.sim.faults.http5xx = 1;
    expect((await collector.runCycle()).map((r) => r.outcome)).toEqual(['failed', 'failed']);
    const after = await completeness.checkOnce();
    expect(after.filter((r) => r.sourceId === failing.id).map((r) => [r.logType, r.action, r.days.length])).toEqual([
      ['Zoom.Activity', 'raised', 15],
      ['Zoom.Operation', 'raised', 15],
    ]);
    expect(after.filter((r) => r.sourceId === c.source.id).map((r) => r.action)).toEqual(['ok', 'ok']);
  });

  it("a complete day that later gained records is in the source's history", async () => {
    h = await startCollectHarness({ volume: { activities: 20, operations: 5 } });
    await h.cycle();
    // 2026-03-07 is complete (settled); Zoom adds a late sign-in to it. The re-read of the
    // open days (2026-03-08..) pads its window with the day before, which picks it up.
    expect((await h.store.listDayCoverage(h.source.id, 'Zoom.Activity', '2026-03-07', '2026-03-07'))[0]!.state).toBe('complete');
    h.sim
      .account(ACCOUNT_ID)
      .addRecords('Zoom.Activity', [
        { email: 'late@example.com', time: '2026-03-07T08:00:00Z', type: 'Sign in', ip_address: '198.51.100.4', client_type: 'Browser', version: '6.0.0' },
      ]);
    h.clock.advance(HOUR);
    await h.cycle({ reconcile: true });
    const late = await h.store.listLateRecordDays(h.source.id, '2026-01-01');
    expect(late.map((d) => [d.day, d.logType, d.gainedAfterComplete])).toEqual([['2026-03-07', 'Zoom.Activity', 1]]);
  });
});
