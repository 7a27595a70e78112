import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryDetector } from '../../detect/history-detector.js';
import { DEFAULT_HISTORY_SETTINGS } from '../../domain/history-settings.js';
import { addDays } from '../../domain/utc-days.js';
import { RULES } from '../../rules/rule-registry.js';
import { locatedSignIn } from '../../store/sign-in-history-store-contract.test-support.js';
import { ACTIVITY, OPERATION, page, sampleOperationEvent, sampleSource } from '../../store/store-contract.test-support.js';
import type { SignInMap, UserActivity } from '../api-types.js';
import { ROUTE_TEST_NOW, startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { signInsRoutes } from './sign-ins-routes.js';

const BERLIN = { kind: 'public', country: 'DE', asn: 3320, org: 'Deutsche Telekom AG', lat: 52.52, lng: 13.405, accuracy_km: 20 };
const NEW_YORK = { kind: 'public', country: 'US', asn: 7922, org: 'Comcast', lat: 40.71, lng: -74.0, accuracy_km: 50 };
const DAY = '2026-03-08';
const at = (hour: number) => Date.parse(`${DAY}T00:00:00Z`) + hour * 3_600_000;

describe('sign-in views: GET /api/users/:email/activity and GET /api/sign-ins/map', () => {
  let t: RouteTestServer;
  let travelAlert: string;

  beforeEach(async () => {
    t = await startRouteTestServer([{ plugin: signInsRoutes, prefix: '/api' }]);
    const { store } = t.app;
    const source = await store.createSource(sampleSource({ backfillDays: 7 }));
    await store.commitPage(
      page(source.id, [
        locatedSignIn('jane-1', at(9), 'Jane@x.io', '84.150.1.2', BERLIN),
        locatedSignIn('jane-2', at(10), 'jane@x.io', '24.17.1.2', NEW_YORK),
        locatedSignIn('jane-3', at(11), 'jane@x.io', '10.8.0.5', { kind: 'private' }),
        locatedSignIn('bob-1', at(12), 'bob@x.io', '84.150.9.9', BERLIN),
      ]),
    );
    const op = sampleOperationEvent('op-1', at(13), { category_type: 'User', action: 'Update', operation_detail: 'Update User jane@x.io  - Role: from Member to Admin' });
    await store.commitPage(page(source.id, [{ ...op, emails: ['admin@example.com', 'jane@x.io'] }], { logType: OPERATION }));
    const days = Array.from({ length: 7 }, (_, i) => addDays('2026-03-04', i));
    for (const logType of [ACTIVITY, OPERATION])
      await store.updateStream(
        source.id,
        logType,
        {},
        days.map((day) => ({ day, state: 'complete' as const, lastFullReadAt: 0 })),
      );
    const detector = new HistoryDetector({ store, rules: RULES, settings: DEFAULT_HISTORY_SETTINGS, clock: t.clock, logger: pino({ level: 'silent' }) });
    await detector.drain();
    const alerts = await store.listAlerts({ ruleId: 'Zoom.SignIn.ImpossibleTravel' });
    expect(alerts).toHaveLength(1);
    travelAlert = alerts[0]!.id;
  });
  afterEach(async () => t.close());

  const get = async <T>(url: string) => {
    const res = await t.server.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json<T>() };
  };

  it("a user's page: sign-ins by day, countries, networks and addresses with first and last seen, devices, operations naming them, their alerts", async () => {
    const { status, body } = await get<UserActivity>('/api/users/JANE%40x.io/activity?days=30');
    expect(status).toBe(200);
    expect(body.email).toBe('jane@x.io');
    expect(body.signIns.total).toBe(3);
    expect(body.signIns.byDay).toEqual([{ day: DAY, signIns: 3 }]);
    expect(body.signIns.recent.map((r) => r.rowId)).toEqual(['jane-3', 'jane-2', 'jane-1']);
    expect(body.countries).toEqual([
      { country: 'US', signIns: 1, firstSeen: '2026-03-08T10:00:00.000Z', lastSeen: '2026-03-08T10:00:00.000Z' },
      { country: 'DE', signIns: 1, firstSeen: '2026-03-08T09:00:00.000Z', lastSeen: '2026-03-08T09:00:00.000Z' },
    ]);
    expect(body.networks.map((n) => [n.asn, n.org])).toEqual([
      [7922, 'Comcast'],
      [3320, 'Deutsche Telekom AG'],
    ]);
    expect(body.ips.map((i) => i.ip)).toEqual(['10.8.0.5', '24.17.1.2', '84.150.1.2']);
    expect(body.devices).toEqual([{ clientType: 'Browser', version: '5.17.0', records: 3, firstSeen: '2026-03-08T09:00:00.000Z', lastSeen: '2026-03-08T11:00:00.000Z' }]);
    expect(body.operations.map((o) => o.rowId)).toEqual(['op-1']);
    expect(body.operationsByDay).toEqual([{ day: DAY, operations: 1 }]);
    expect(body.alerts.map((a) => a.id)).toContain(travelAlert);
    expect(body.truncated).toBe(false);
    // The span is the look-back from now: the 8th is outside one day back.
    expect((await get<UserActivity>('/api/users/jane@x.io/activity?days=1')).body.signIns.total).toBe(0);
    expect((await get<UserActivity>('/api/users/nobody@x.io/activity')).body).toMatchObject({ signIns: { total: 0 }, countries: [], alerts: [] });
    expect((await get('/api/users/not-an-email/activity')).status).toBe(400);
  });

  it('the map: points sized by count for the account and a user, an alert with its travel pair as a line', async () => {
    const account = await get<SignInMap>('/api/sign-ins/map?days=30');
    expect(account.status).toBe(200);
    expect(account.body.scope).toBe('account');
    expect(account.body.points.map((p) => [p.country, p.signIns, p.users])).toEqual([
      ['DE', 2, 2],
      ['US', 1, 1],
    ]);
    expect(account.body.lines).toHaveLength(1);
    expect(account.body.lines[0]).toMatchObject({ alertId: travelAlert, user: 'jane@x.io', from: { country: 'DE', lat: 52.52 }, to: { country: 'US', lat: 40.71 } });
    expect(account.body.lines[0]!.speedKmh).toBeGreaterThan(1000);

    const bob = await get<SignInMap>('/api/sign-ins/map?email=bob@x.io');
    expect(bob.body).toMatchObject({ scope: 'user', lines: [] });
    expect(bob.body.points.map((p) => [p.country, p.signIns])).toEqual([['DE', 1]]);

    const alert = await get<SignInMap>(`/api/sign-ins/map?alertId=${travelAlert}`);
    expect(alert.body.scope).toBe('alert');
    expect(alert.body.points.map((p) => p.country).sort()).toEqual(['DE', 'US']);
    expect(alert.body.lines.map((l) => l.alertId)).toEqual([travelAlert]);
    expect(alert.body.unlocated).toBe(0);

    expect((await get('/api/sign-ins/map?alertId=nope')).status).toBe(404);
    expect((await get(`/api/sign-ins/map?alertId=${travelAlert}&email=jane@x.io`)).status).toBe(400);
    expect((await get('/api/sign-ins/map?days=0')).status).toBe(400);
  });

  it('reads from the present clock: nothing after now', async () => {
    t.clock.set(ROUTE_TEST_NOW - 5 * 86_400_000);
    expect((await get<SignInMap>('/api/sign-ins/map?days=30')).body.points).toEqual([]);
  });
});
