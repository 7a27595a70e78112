import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, utcDay } from '../shared/clock.js';
import { consoleHomeFor, startDemoSimulator, zoomtrailRedirectUri, type DemoSimulator } from './demo-simulator.js';
import { authorize, drainReport, getReport, postForm, s2sToken } from './sim-client.test-support.js';
import { ZoomSimulator } from './zoom-simulator.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
let sim: ZoomSimulator | undefined;
let demo: DemoSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  await demo?.stop();
  sim = undefined;
  demo = undefined;
});

describe('ZoomSimulator', () => {
  it('listens on loopback and exposes the OAuth and API base URLs', async () => {
    sim = await ZoomSimulator.start({ clock: new ManualClock(NOW) });
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.apiUrl).toBe(`${sim.baseUrl}/v2`);
  });

  it('accepts a pino logger for its request log', async () => {
    sim = await ZoomSimulator.start({ logger: pino({ level: 'silent' }) });
    expect((await fetch(`${sim.apiUrl}/report/activities`)).status).toBe(401);
  });

  it('frees its port on close', async () => {
    const first = await ZoomSimulator.start();
    const port = Number(new URL(first.baseUrl).port);
    await first.close();
    sim = await ZoomSimulator.start({ port });
    expect(sim.baseUrl).toBe(first.baseUrl);
  });

  it('validates registration', async () => {
    sim = await ZoomSimulator.start();
    sim.addAccount({ accountId: 'a' });
    expect(() => sim!.addAccount({ accountId: 'a' })).toThrow();
    expect(() => sim!.addApp({ clientId: 'x', clientSecret: 'y', accountId: 'missing', kind: 's2s' })).toThrow();
    sim.addApp({ clientId: 'x', clientSecret: 'y', accountId: 'a', kind: 's2s' });
    expect(() => sim!.addApp({ clientId: 'x', clientSecret: 'z', accountId: 'a', kind: 's2s' })).toThrow();
    expect(() => sim!.account('missing')).toThrow();
    expect(() => sim!.account('a').setScopes('unknown', [])).toThrow();
    expect(() => sim!.account('a').groundTruth('Zoom.Activity', '2026-13-01', '2026-03-01')).toThrow();
  });

  it('answers unknown paths with a Zoom-style 404 and a tracking id', async () => {
    sim = await ZoomSimulator.start();
    const res = await fetch(`${sim.apiUrl}/users/me`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 404 });
    expect(res.headers.get('x-zm-trackingid')).toBeTruthy();
  });

  it('logs every request with clock time, caller and status', async () => {
    const clock = new ManualClock(NOW);
    sim = await ZoomSimulator.start({ clock });
    sim.addAccount({ accountId: 'a' });
    sim.addApp({ clientId: 'x', clientSecret: 'y', accountId: 'a', kind: 's2s' });
    const token = await s2sToken(sim, { clientId: 'x', clientSecret: 'y' }, 'a');
    clock.advance(5_000);
    await getReport(sim, '/report/activities', { from: '2026-03-09', to: '2026-03-09' }, token);
    await getReport(sim, '/report/operationlogs', { from: 'x', to: '2026-03-09' }, token);
    await postForm(sim, '/oauth/token', { grant_type: 'account_credentials', account_id: 'a' }, { clientId: 'x', clientSecret: 'bad' });
    expect(sim.requests).toEqual([
      expect.objectContaining({ at: NOW, method: 'POST', path: '/oauth/token', status: 200, clientId: 'x', accountId: 'a' }),
      { at: NOW + 5_000, method: 'GET', path: '/v2/report/activities', query: { from: '2026-03-09', to: '2026-03-09' }, status: 200, clientId: 'x', accountId: 'a' },
      expect.objectContaining({ path: '/v2/report/operationlogs', status: 400 }),
      expect.objectContaining({ path: '/oauth/token', status: 401 }),
    ]);
    expect(sim.requestCount()).toBe(4);
    expect(sim.requestCount({ pathPrefix: '/v2/' })).toBe(2);
    expect(sim.requestCount({ pathPrefix: '/oauth/', status: 200 })).toBe(1);
    expect(sim.requestCount({ status: 400 })).toBe(1);
  });

  it('materialises generated days lazily and deterministically', async () => {
    const clock = new ManualClock(NOW);
    const generated = { seed: 9, fromDay: '2026-03-01', toDay: '2026-03-05', volume: { activities: 50, operations: 10 } };
    sim = await ZoomSimulator.start({ clock });
    const a = sim.addAccount({ accountId: 'a', generated });
    const b = sim.addAccount({ accountId: 'b', generated });
    // Read in different orders: the same days.
    const aDay3 = a.groundTruth('Zoom.Activity', '2026-03-03', '2026-03-03');
    b.groundTruth('Zoom.Activity', '2026-03-01', '2026-03-05');
    expect(b.groundTruth('Zoom.Activity', '2026-03-03', '2026-03-03')).toEqual(aDay3);
    expect(aDay3).toHaveLength(50);
    expect(a.groundTruth('Zoom.Operation', '2026-03-01', '2026-03-10')).toHaveLength(50);
    expect(a.groundTruth('Zoom.Activity', '2026-02-01', '2026-02-28')).toEqual([]);
  });
});

describe('startDemoSimulator', () => {
  it('serves a Pro demo account with history up to today through both OAuth apps', async () => {
    const clock = new ManualClock(NOW);
    demo = await startDemoSimulator({ clock, days: 3 });
    expect(demo.accountId).toBe('demo-account');
    expect(demo.oauthApp.redirectUris).toEqual(['http://localhost:8080/oauth/callback', 'http://127.0.0.1:8080/oauth/callback']);
    expect(demo.oauthApp.homeUrl).toBe('http://localhost:8080/sources');
    const token = await s2sToken(demo.sim, demo.s2s, demo.accountId);
    const today = utcDay(NOW);
    const { records } = await drainReport(demo.sim, '/report/activities', { from: '2026-03-08', to: today, page_size: 300 }, token);
    // Two whole days and the half of today that has happened.
    expect(records.length).toBeGreaterThan(400);
    expect(records.length).toBeLessThan(600);
    expect((records as { time: string }[]).every((r) => Date.parse(r.time) <= NOW)).toBe(true);
    const old = await drainReport(demo.sim, '/report/activities', { from: '2026-03-01', to: '2026-03-07' }, token);
    expect(old.records).toEqual([]);

    const { location } = await authorize(demo.sim, {
      response_type: 'code',
      client_id: demo.oauthApp.clientId,
      redirect_uri: demo.oauthApp.redirectUris[0]!,
      state: 's',
    });
    const code = location?.searchParams.get('code');
    expect(code).toBeTruthy();
    const tokens = await postForm(demo.sim, '/oauth/token', { grant_type: 'authorization_code', code: code!, redirect_uri: demo.oauthApp.redirectUris[0]! }, demo.oauthApp);
    expect(tokens.status).toBe(200);
  });

  it('by default: 90 days of history with the sign-in scenarios planted (a source backfills `days`); a short history plants none', async () => {
    const clock = new ManualClock(NOW);
    demo = await startDemoSimulator({ clock });
    expect(demo).toMatchObject({ days: 90, signInScenarios: true, egressAllowCidr: '88.64.66.0/24' });
    const truth = demo.sim.account(demo.accountId).signInScenarioTruth();
    expect(truth.flatMap((t) => t.alerts).length).toBeGreaterThan(10);
    const traveller = demo.sim.account(demo.accountId).groundTruth('Zoom.Activity', '2026-03-04', '2026-03-04') as { email: string }[];
    expect(traveller.filter((r) => r.email === 'traveller@example.com').length).toBeGreaterThanOrEqual(4);
    await demo.stop();
    demo = await startDemoSimulator({ clock, days: 3 });
    expect(demo.signInScenarios).toBe(false);
    expect(demo.sim.account(demo.accountId).signInScenarioTruth()).toEqual([]);
  });

  it('adds new records in live mode', async () => {
    const clock = new ManualClock(NOW);
    demo = await startDemoSimulator({ clock, days: 1, live: true, liveIntervalMs: 20 });
    const account = demo.sim.account(demo.accountId);
    const before = account.groundTruth('Zoom.Activity', '2026-03-10', '2026-03-10').length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = account.groundTruth('Zoom.Activity', '2026-03-10', '2026-03-10');
    expect(after.length).toBeGreaterThan(before);
    expect((after[0] as { time: string }).time).toBe('2026-03-10T12:00:00Z');
  });

  it("registers the Redirect URL of Zoomtrail's public URL, and leads a refused authorization back to its sources page", async () => {
    const clock = new ManualClock(NOW);
    const redirect = zoomtrailRedirectUri('https://zt.example.com/audit/');
    expect(redirect).toBe('https://zt.example.com/audit/oauth/callback');
    demo = await startDemoSimulator({ clock, days: 1, redirectUris: [redirect] });
    expect(demo.oauthApp.homeUrl).toBe('https://zt.example.com/audit/sources');
    const ok = await authorize(demo.sim, { response_type: 'code', client_id: demo.oauthApp.clientId, redirect_uri: redirect, state: 's' });
    expect(ok.location?.searchParams.get('code')).toBeTruthy();
    const refused = await authorize(demo.sim, { response_type: 'code', client_id: demo.oauthApp.clientId, redirect_uri: 'http://localhost:8080/oauth/callback' });
    expect(refused.status).toBe(400);
    expect(refused.page.text).toContain('<a href="https://zt.example.com/audit/sources"');
  });

  it('consoleHomeFor: the sources page beside the first Zoomtrail callback, none without one', () => {
    expect(consoleHomeFor(['http://other.example/cb', 'http://localhost:9000/oauth/callback'])).toBe('http://localhost:9000/sources');
    expect(consoleHomeFor(['http://other.example/cb'])).toBeUndefined();
  });
});
