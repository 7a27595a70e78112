import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouteTestServer, type RouteTestServer } from '../src/api/route-test-server.test-support.js';
import { ROUTE_PLUGINS } from '../src/api/route-plugins.js';
import type { AuthorizeResponse, CheckResult, CoverageView, SourceView } from '../src/api/api-types.js';
import { SourceCollector } from '../src/collect/source-collector.js';
import { approveInBrowser } from './support/approve-in-browser.js';
import { ACCOUNT_ID, OAUTH_APP, S2S, startHarness, type Harness } from './support/sim-harness.js';

let h: Harness;
let t: RouteTestServer;

beforeEach(async () => {
  h = await startHarness();
  t = await startRouteTestServer(
    ROUTE_PLUGINS.filter((p) => ['sources', 'oauth-callback', 'health'].includes(p.name)),
    { clock: h.clock, publicUrl: 'http://127.0.0.1:8080' },
  );
});
afterEach(async () => {
  await t.close();
  await h.close();
});

async function post<T>(url: string, payload?: object): Promise<T> {
  const response = await t.server.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
  expect(response.statusCode, response.body).toBeLessThan(300);
  expect(response.body).not.toContain(S2S.clientSecret);
  expect(response.body).not.toContain(OAUTH_APP.clientSecret);
  return response.json<T>();
}

const endpoints = () => ({ apiUrl: h.sim.apiUrl, oauthUrl: h.sim.baseUrl });
const createS2s = (extra: object = {}) => post<SourceView>('/api/sources', { name: 'S2S', authKind: 's2s', zoomAccountId: ACCOUNT_ID, ...S2S, ...endpoints(), ...extra });
const createOAuth = () =>
  post<SourceView>('/api/sources', { name: 'OAuth app', authKind: 'authorization_code', clientId: OAUTH_APP.clientId, clientSecret: OAUTH_APP.clientSecret, ...endpoints() });

/**
 * Zoom's redirect as a browser makes it: /oauth/callback arrives without the
 * (SameSite=Strict) session cookie and answers a page that moves on to
 * /oauth/complete, which arrives with it.
 */
async function callback(query: Record<string, string | undefined>, session: string) {
  const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const hop = await t.server.inject({ method: 'GET', url: `/oauth/callback?${qs}` });
  expect(hop.statusCode).toBe(200);
  const next = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(hop.body)?.[1]?.replace(/&#38;/g, '&');
  expect(next).toBe(`/oauth/complete?${qs}`);
  return t.server.inject({ method: 'GET', url: next!, headers: { cookie: `zt_session=${session}` } });
}

async function runCycle(id: string, force = false) {
  const source = (await t.app.store.getSource(id))!;
  const collector = new SourceCollector(source, { store: t.app.store, clock: h.clock, logger: t.app.logger, normalizers: t.app.normalizers });
  return collector.runCycle({ force });
}

describe('OAuth app setup (authorization code, PKCE, state bound to the session)', () => {
  it('authorizes on the consent page, stores the refresh token, refuses a replayed state, and the source collects', async () => {
    const source = await createOAuth();
    const { url } = await post<AuthorizeResponse>(`/api/sources/${source.id}/authorize`);
    const authorize = new URL(url);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${h.sim.baseUrl}/oauth/authorize`);
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(OAUTH_APP.redirectUri);

    const consent = await approveInBrowser(url);
    const done = await callback({ code: consent.code, state: consent.state }, 'session-1');
    expect(done.statusCode).toBe(302);
    expect(done.headers.location).toBe(`/sources/${source.id}/setup?step=check`);
    const stored = (await t.app.store.getSource(source.id))!;
    expect(stored.hasRefreshToken).toBe(true);
    expect(stored.paused).toBe(true);

    // The same state again (a replay) is refused.
    const replay = await callback({ code: consent.code, state: consent.state }, 'session-1');
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toMatch(/already used/);

    // The check passes, finishing unpauses, and a collection cycle succeeds.
    const check = await post<CheckResult>(`/api/sources/${source.id}/check`);
    expect(check.steps.filter((s) => !s.ok)).toEqual([]);
    expect(check.ok).toBe(true);
    const finished = await post<SourceView>(`/api/sources/${source.id}/finish`, { dropOffAlarmMinutes: 60 });
    expect(finished).toMatchObject({ paused: false, dropOffAlarmMinutes: 60, state: 'not_collected_yet' });
    const reports = await runCycle(source.id);
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(reports.reduce((n, r) => n + r.inserted, 0)).toBeGreaterThan(0);
    const view = (await t.server.inject({ method: 'GET', url: `/api/sources/${source.id}` })).json<{ source: SourceView }>().source;
    expect(view.state).toBe('healthy');
    expect(view.eventsLast24h).toBeGreaterThan(0);
    expect(view.sparkline).toHaveLength(24);
    expect(view.sparkline.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(view.lastEventTime).not.toBeNull();
  });

  it('refuses a state from another session and a missing or unknown state', async () => {
    const source = await createOAuth();
    const { url } = await post<AuthorizeResponse>(`/api/sources/${source.id}/authorize`);
    const consent = await approveInBrowser(url);
    const foreign = await callback({ code: consent.code, state: consent.state }, 'someone-else');
    expect(foreign.statusCode).toBe(302);
    const location = new URL(foreign.headers.location as string, 'http://x');
    expect(location.pathname).toBe(`/sources/${source.id}/setup`);
    expect(location.searchParams.get('step')).toBe('authorize');
    expect(location.searchParams.get('error')).toMatch(/another browser session/);
    expect((await t.app.store.getSource(source.id))!.hasRefreshToken).toBe(false);
    // The foreign callback did not use up the state: the browser that started it still completes.
    const own = await callback({ code: consent.code, state: consent.state }, 'session-1');
    expect(own.headers.location).toBe(`/sources/${source.id}/setup?step=check`);
    // No cookie at all is a foreign session too.
    const second = await approveInBrowser((await post<AuthorizeResponse>(`/api/sources/${source.id}/authorize`)).url);
    const noCookie = await t.server.inject({ method: 'GET', url: `/oauth/complete?code=${second.code}&state=${second.state}` });
    expect(new URL(noCookie.headers.location as string, 'http://x').searchParams.get('step')).toBe('authorize');
    expect((await callback({ code: 'x' }, 'session-1')).statusCode).toBe(400);
    expect((await callback({ code: 'x', state: 'forged-state' }, 'session-1')).statusCode).toBe(400);
  });

  it('sends a denied consent back to the authorize step with the reason', async () => {
    const source = await createOAuth();
    const { url } = await post<AuthorizeResponse>(`/api/sources/${source.id}/authorize`);
    const consent = await approveInBrowser(url, 'deny');
    const denied = await callback({ error: consent.error, state: consent.state }, 'session-1');
    const location = new URL(denied.headers.location as string, 'http://x');
    expect(location.searchParams.get('step')).toBe('authorize');
    expect(location.searchParams.get('error')).toMatch(/did not grant access/);
  });
});

describe('live check', () => {
  const failing = (result: CheckResult) => result.steps.find((s) => !s.ok)!;
  const notRunAfter = (result: CheckResult, name: string) => result.steps.slice(result.steps.findIndex((s) => s.name === name) + 1);

  it('passes every step for a working Server-to-Server source', async () => {
    const source = await createS2s();
    const result = await post<CheckResult>(`/api/sources/${source.id}/check`);
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
      ['token', true],
      ['scopes', true],
      ['plan', true],
      ['activity_report', true],
      ['operation_report', true],
    ]);
    expect(result.steps[1]!.message).toContain('report:read:admin');
  });

  it('fails at token for a wrong client secret, naming it', async () => {
    const source = await createS2s({ clientSecret: 'wrong-secret-123' });
    const result = await post<CheckResult>(`/api/sources/${source.id}/check`);
    expect(result.ok).toBe(false);
    expect(failing(result)).toMatchObject({ name: 'token', message: expect.stringContaining('Client Secret'), fix: expect.stringContaining('App Credentials') });
    for (const step of notRunAfter(result, 'token')) expect(step).toMatchObject({ ok: false, message: 'not checked: fix the step above first', fix: null });
  });

  it('fails at scopes when the app lacks the report scope', async () => {
    h.sim.account(ACCOUNT_ID).setScopes(S2S.clientId, ['user:read:admin']);
    const source = await createS2s();
    const result = await post<CheckResult>(`/api/sources/${source.id}/check`);
    expect(failing(result)).toMatchObject({ name: 'scopes', message: expect.stringContaining('report:read:admin'), fix: expect.stringContaining('Scopes > Add Scopes') });
    expect(failing(result).fix).toContain('View report data');
  });

  it('accepts the granular scopes instead of the classic one', async () => {
    h.sim.account(ACCOUNT_ID).setScopes(S2S.clientId, ['report:read:user_activities:admin', 'report:read:operation_logs:admin']);
    const source = await createS2s();
    expect((await post<CheckResult>(`/api/sources/${source.id}/check`)).ok).toBe(true);
  });

  it('fails at plan on a free account', async () => {
    h.sim.account(ACCOUNT_ID).setPlan('free');
    const source = await createS2s();
    const result = await post<CheckResult>(`/api/sources/${source.id}/check`);
    expect(failing(result)).toMatchObject({ name: 'plan', message: expect.stringContaining('requires a Pro plan or higher') });
  });

  it('fails at the report the admin has no permission for, naming the permission', async () => {
    h.sim.account(ACCOUNT_ID).setAdminPermissions(['Sign In/Sign Out']);
    const source = await createS2s();
    let result = await post<CheckResult>(`/api/sources/${source.id}/check`);
    expect(result.steps.map((s) => s.ok)).toEqual([true, true, true, true, false]);
    expect(failing(result)).toMatchObject({ name: 'operation_report', message: expect.stringContaining('Reports > Admin Activity Logs') });
    h.sim.account(ACCOUNT_ID).setAdminPermissions([]);
    result = await post<CheckResult>(`/api/sources/${source.id}/check`);
    expect(failing(result)).toMatchObject({ name: 'activity_report', message: expect.stringContaining('Reports > Sign In/Sign Out') });
  });

  it('an OAuth source that is not authorized fails at token', async () => {
    const source = await createOAuth();
    const result = await post<CheckResult>(`/api/sources/${source.id}/check`);
    expect(failing(result)).toMatchObject({ name: 'token', message: expect.stringContaining('not authorized') });
  });
});

describe('coverage after collection', () => {
  const coverage = async (id: string, days: number) => (await t.server.inject({ method: 'GET', url: `/api/sources/${id}/coverage?days=${days}` })).json<CoverageView>().days;

  it('shows complete, open, failed and missing days, and a backfill reads older days', async () => {
    h.sim.account(ACCOUNT_ID).setAdminPermissions(['Sign In/Sign Out']);
    const source = await createS2s({ backfillDays: 4 });
    const reports = await runCycle(source.id);
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'failed']);
    let days = await coverage(source.id, 8);
    const states = (logType: 'Zoom.Activity' | 'Zoom.Operation') => Object.fromEntries(days.map((d) => [d.day, d.streams[logType].state]));
    // now 2026-03-10 12:00, 2 settle days: 03-07 is settled (complete), 03-08..03-10 stay open.
    expect(states('Zoom.Activity')).toMatchObject({
      '2026-03-03': 'missing',
      '2026-03-04': 'missing',
      '2026-03-07': 'complete',
      '2026-03-08': 'open',
      '2026-03-09': 'open',
      '2026-03-10': 'open',
    });
    expect(days.find((d) => d.day === '2026-03-07')!.streams['Zoom.Activity'].records).toBeGreaterThan(0);
    expect(states('Zoom.Operation')).toMatchObject({ '2026-03-03': 'missing', '2026-03-07': 'failed', '2026-03-10': 'failed' });
    expect(days.find((d) => d.day === '2026-03-07')!.streams['Zoom.Operation'].lastError).toContain('Admin Activity Logs');
    const view = (await t.server.inject({ method: 'GET', url: `/api/sources/${source.id}` })).json<{ source: SourceView }>().source;
    expect(view.state).toBe('permission_missing');
    expect(view.stateCause).toContain('Admin Activity Logs');
    expect(view.stateDetail).toContain(' — ');

    // Backfill 8 days: the older days get read, the complete one is read again.
    h.sim.account(ACCOUNT_ID).setAdminPermissions(['Sign In/Sign Out', 'Admin Activity Logs']);
    const after = await post<SourceView>(`/api/sources/${source.id}/backfill`, { days: 8 });
    expect(after.backfillDays).toBe(8);
    expect((await coverage(source.id, 8)).find((d) => d.day === '2026-03-07')!.streams['Zoom.Activity'].state).toBe('open');
    // force: the failed stream is in its backoff; a user-requested cycle ignores it.
    expect((await runCycle(source.id, true)).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    days = await coverage(source.id, 8);
    for (const logType of ['Zoom.Activity', 'Zoom.Operation'] as const) {
      expect(states(logType)).toMatchObject({ '2026-03-03': 'complete', '2026-03-04': 'complete', '2026-03-07': 'complete', '2026-03-10': 'open' });
    }
  });
});
