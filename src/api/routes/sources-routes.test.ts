import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outboundAccessFor } from '../../app/outbound-access.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import type { CoverageView, HealthView, SetupInfo, SourceDetail, SourceView } from '../api-types.js';
import { healthRoutes } from './health-routes.js';
import { sourcesRoutes } from './sources-routes.js';
import { sampleEvent } from '../../store/store-contract.test-support.js';

const SECRET = 'very-secret-client-secret-5a4b3c';
const NEW_SECRET = 'rotated-client-secret-9z8y7x';
const s2sBody = { name: 'My Zoom logs', authKind: 's2s', clientId: 'CLIENT_ID_1', clientSecret: SECRET, zoomAccountId: 'acct-1' };

let t: RouteTestServer;
const bodies: string[] = [];

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  const response = await t.server.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  bodies.push(response.body);
  return response;
}

async function create(body: Record<string, unknown> = s2sBody): Promise<SourceView> {
  const response = await call('POST', '/api/sources', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<SourceView>();
}

beforeEach(async () => {
  bodies.length = 0;
  t = await startRouteTestServer([
    { plugin: sourcesRoutes, prefix: '/api' },
    { plugin: healthRoutes, prefix: '/api' },
  ]);
});

afterEach(async () => {
  // No response body ever carries a client secret.
  for (const body of bodies) {
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain(NEW_SECRET);
  }
  await t.close();
});

describe('source CRUD', () => {
  it('creates a Server-to-Server source with defaults, lists and shows it', async () => {
    const created = await create();
    expect(created).toMatchObject({
      name: 'My Zoom logs',
      authKind: 's2s',
      zoomAccountId: 'acct-1',
      clientId: 'CLIENT_ID_1',
      apiUrl: 'https://api.zoom.us/v2',
      oauthUrl: 'https://zoom.us',
      backfillDays: 7,
      pollIntervalMs: 300_000,
      paused: false,
      hasClientSecret: true,
      hasRefreshToken: false,
      dropOffAlarmMinutes: null,
      state: 'not_collected_yet',
      lastEventTime: null,
      lastPollTime: null,
      eventsLast24h: 0,
      lastError: null,
    });
    expect(created.sparkline).toEqual(Array(24).fill(0));
    expect(created).not.toHaveProperty('clientSecret');

    const list = await call('GET', '/api/sources');
    expect(list.json<{ sources: SourceView[] }>().sources.map((s) => s.id)).toEqual([created.id]);

    const detail = (await call('GET', `/api/sources/${created.id}`)).json<SourceDetail>();
    expect(detail.source.id).toBe(created.id);
    expect(detail.streams.map((s) => s.logType)).toEqual(['Zoom.Activity', 'Zoom.Operation']);
    expect(detail.streams[0]).toMatchObject({ newestEventTime: null, readingWindow: null, lastError: null, consecutiveFailures: 0 });
  });

  it('creates an OAuth-app source paused and setup_incomplete; it cannot be resumed or finished before authorization', async () => {
    const created = await create({ name: 'OAuth', authKind: 'authorization_code', clientId: 'OAUTH_ID', clientSecret: SECRET });
    expect(created).toMatchObject({ paused: true, state: 'setup_incomplete', zoomAccountId: null });
    expect((await call('POST', `/api/sources/${created.id}/resume`)).statusCode).toBe(409);
    expect((await call('PATCH', `/api/sources/${created.id}`, { paused: false })).statusCode).toBe(409);
    const finish = await call('POST', `/api/sources/${created.id}/finish`, { dropOffAlarmMinutes: 60 });
    expect(finish.statusCode).toBe(409);
    expect(finish.json<{ code: string }>().code).toBe('setup_incomplete');
  });

  it.each([
    [{ ...s2sBody, clientSecret: undefined }, 'clientSecret'],
    [{ ...s2sBody, clientId: undefined }, 'clientId'],
    [{ ...s2sBody, name: '' }, 'name'],
    [{ ...s2sBody, name: '   ' }, 'name'],
    [{ ...s2sBody, name: 'x'.repeat(101) }, 'name'],
    [{ ...s2sBody, zoomAccountId: undefined }, 'zoomAccountId'],
    [{ ...s2sBody, authKind: 'jwt' }, 'authKind'],
    [{ ...s2sBody, apiUrl: 'not a url' }, 'apiUrl'],
    [{ ...s2sBody, oauthUrl: 'ftp://zoom.us' }, 'oauthUrl'],
    [{ ...s2sBody, backfillDays: 0 }, 'backfillDays'],
    [{ ...s2sBody, backfillDays: 181 }, 'backfillDays'],
    [{ ...s2sBody, pollIntervalMs: 30_000 }, 'pollIntervalMs'],
    [{ ...s2sBody, dropOffAlarmMinutes: 5 }, 'dropOffAlarmMinutes'],
  ])('refuses a bad create with 400 naming the field (%#: %s)', async (body, field) => {
    const response = await call('POST', '/api/sources', body);
    expect(response.statusCode).toBe(400);
    const error = response.json<{ code: string; message: string; fields: { field: string }[] }>();
    expect(error.fields.map((f) => f.field)).toContain(field);
    expect(await t.app.store.listSources()).toEqual([]);
  });

  it('updates settings and the secret without ever returning it', async () => {
    const created = await create();
    const response = await call('PATCH', `/api/sources/${created.id}`, {
      name: 'Renamed',
      backfillDays: 30,
      pollIntervalMs: 120_000,
      dropOffAlarmMinutes: 90,
      clientSecret: NEW_SECRET,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<SourceView>()).toMatchObject({ name: 'Renamed', backfillDays: 30, pollIntervalMs: 120_000, dropOffAlarmMinutes: 90, hasClientSecret: true });
    expect((await t.app.store.getSourceCredentials(created.id)).clientSecret).toBe(NEW_SECRET);
    expect((await call('PATCH', `/api/sources/${created.id}`, { backfillDays: 500 })).statusCode).toBe(400);
    expect((await call('PATCH', `/api/sources/${created.id}`, { name: '' })).json<{ fields: { field: string }[] }>().fields[0]!.field).toBe('name');
  });

  it('pauses, resumes and finishes', async () => {
    const created = await create();
    expect((await call('POST', `/api/sources/${created.id}/pause`)).json<SourceView>()).toMatchObject({ paused: true, state: 'paused' });
    expect((await call('POST', `/api/sources/${created.id}/resume`)).json<SourceView>()).toMatchObject({ paused: false, state: 'not_collected_yet' });
    await call('POST', `/api/sources/${created.id}/pause`);
    const finished = await call('POST', `/api/sources/${created.id}/finish`, { dropOffAlarmMinutes: 120 });
    expect(finished.json<SourceView>()).toMatchObject({ paused: false, dropOffAlarmMinutes: 120 });
    expect((await call('POST', `/api/sources/${created.id}/finish`, { dropOffAlarmMinutes: null })).json<SourceView>().dropOffAlarmMinutes).toBeNull();
    expect((await call('POST', `/api/sources/${created.id}/finish`, { dropOffAlarmMinutes: 43_201 })).statusCode).toBe(400);
  });

  it('a Server-to-Server draft of the wizard (created paused) is setup_incomplete until finished, then paused only when paused', async () => {
    const draft = await create({ ...s2sBody, paused: true });
    expect(draft).toMatchObject({ paused: true, state: 'setup_incomplete' });
    expect(draft.stateCause).toMatch(/^Setup not finished/);
    expect(draft.stateFix).toMatch(/Finish Setup/);
    expect(draft.stateFix).not.toMatch(/Resume/);
    // Read back from the store: still a draft.
    expect((await call('GET', `/api/sources/${draft.id}`)).json<{ source: SourceView }>().source.state).toBe('setup_incomplete');
    expect((await call('POST', `/api/sources/${draft.id}/finish`, { dropOffAlarmMinutes: null })).json<SourceView>()).toMatchObject({ paused: false, state: 'not_collected_yet' });
    expect((await call('POST', `/api/sources/${draft.id}/pause`)).json<SourceView>()).toMatchObject({ paused: true, state: 'paused' });

    // Resuming a draft also ends its setup.
    const other = await create({ ...s2sBody, name: 'Other', paused: true });
    expect((await call('POST', `/api/sources/${other.id}/resume`)).json<SourceView>()).toMatchObject({ paused: false, state: 'not_collected_yet' });
    expect((await call('POST', `/api/sources/${other.id}/pause`)).json<SourceView>().state).toBe('paused');
  });

  it('deletes a source', async () => {
    const created = await create();
    expect((await call('DELETE', `/api/sources/${created.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/sources/${created.id}`)).statusCode).toBe(404);
    expect(await t.app.store.listSources()).toEqual([]);
  });

  it('answers 404 with an ApiError for unknown ids', async () => {
    for (const [method, url, payload] of [
      ['GET', '/api/sources/nope'],
      ['PATCH', '/api/sources/nope', { name: 'x' }],
      ['DELETE', '/api/sources/nope'],
      ['POST', '/api/sources/nope/pause'],
      ['POST', '/api/sources/nope/resume'],
      ['POST', '/api/sources/nope/backfill', { days: 3 }],
      ['GET', '/api/sources/nope/coverage'],
      ['POST', '/api/sources/nope/authorize'],
      ['POST', '/api/sources/nope/check'],
      ['POST', '/api/sources/nope/finish', { dropOffAlarmMinutes: null }],
    ] as const) {
      const response = await call(method, url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json<{ code: string; message: string }>()).toMatchObject({ code: 'not_found', message: expect.stringContaining('nope') });
    }
  });
});

describe('coverage, backfill, setup info, health', () => {
  it('shows every day, missing without a row, oldest first', async () => {
    const created = await create();
    const full = (await call('GET', `/api/sources/${created.id}/coverage`)).json<CoverageView>();
    expect(full.days).toHaveLength(180);
    expect(full.days.at(-1)!.day).toBe('2026-03-10');
    await t.app.store.updateStream(created.id, 'Zoom.Activity', {}, [
      { day: '2026-03-08', state: 'complete', lastFullReadAt: t.clock.now() },
      { day: '2026-03-09', state: 'failed', lastError: 'boom' },
    ]);
    const view = (await call('GET', `/api/sources/${created.id}/coverage?days=3`)).json<CoverageView>();
    expect(view.days.map((d) => [d.day, d.streams['Zoom.Activity'].state, d.streams['Zoom.Operation'].state])).toEqual([
      ['2026-03-08', 'complete', 'missing'],
      ['2026-03-09', 'failed', 'missing'],
      ['2026-03-10', 'missing', 'missing'],
    ]);
    expect(view.days[1]!.streams['Zoom.Activity'].lastError).toBe('boom');
    expect((await call('GET', `/api/sources/${created.id}/coverage?days=0`)).statusCode).toBe(400);

    // Retention purges everything before 03-09: the day read shows as purged, the day never read stays missing.
    expect((await t.app.store.purgeBefore('Zoom.Activity', '2026-03-09', 100)).days).toBe(1);
    const purged = (await call('GET', `/api/sources/${created.id}/coverage?days=3`)).json<CoverageView>();
    expect(purged.days.map((d) => [d.day, d.streams['Zoom.Activity'].state, d.streams['Zoom.Operation'].state])).toEqual([
      ['2026-03-08', 'purged', 'missing'],
      ['2026-03-09', 'failed', 'missing'],
      ['2026-03-10', 'missing', 'missing'],
    ]);
  });

  it('backfill sets the days and reopens complete days in range', async () => {
    const created = await create();
    await t.app.store.updateStream(created.id, 'Zoom.Operation', {}, [
      { day: '2026-03-01', state: 'complete', lastFullReadAt: 1 },
      { day: '2026-02-01', state: 'complete', lastFullReadAt: 1 },
    ]);
    const response = await call('POST', `/api/sources/${created.id}/backfill`, { days: 30 });
    expect(response.json<SourceView>().backfillDays).toBe(30);
    const rows = await t.app.store.listDayCoverage(created.id, 'Zoom.Operation', '2026-01-01', '2026-03-10');
    expect(rows.map((r) => [r.day, r.state])).toEqual([
      ['2026-02-01', 'complete'],
      ['2026-03-01', 'open'],
    ]);
    expect((await call('POST', `/api/sources/${created.id}/backfill`, { days: 181 })).json<{ fields: { field: string }[] }>().fields[0]!.field).toBe('days');
  });

  it('setup info names the redirect URL and the scopes', async () => {
    const info = (await call('GET', '/api/setup-info')).json<SetupInfo>();
    expect(info).toEqual({
      redirectUrl: 'http://localhost:8080/oauth/callback',
      publicUrl: 'http://localhost:8080',
      scopes: { classic: ['report:read:admin'], granular: ['report:read:user_activities:admin', 'report:read:operation_logs:admin'] },
    });
  });

  it('authorize refuses a Server-to-Server source', async () => {
    const created = await create();
    expect((await call('POST', `/api/sources/${created.id}/authorize`)).statusCode).toBe(409);
  });

  it('health reports the backlog and each source state; a failing stream makes it not ok', async () => {
    const created = await create();
    let health = (await call('GET', '/api/health')).json<HealthView>();
    expect(health).toMatchObject({ ok: true, pendingDetections: 0, pendingDeliveries: 0, sources: [{ id: created.id, state: 'not_collected_yet' }] });
    await t.app.store.updateStream(created.id, 'Zoom.Activity', {
      lastPollAt: t.clock.now(),
      lastError: { code: 'plan_required', message: 'Plan too small.', fix: 'Upgrade to Pro.', at: t.clock.now() },
    });
    health = (await call('GET', '/api/health')).json<HealthView>();
    expect(health.ok).toBe(false);
    expect(health.sources[0]).toMatchObject({
      state: 'permission_missing',
      stateDetail: 'Plan too small. (Zoom.Activity) — Upgrade to Pro.',
      cause: 'Plan too small. (Zoom.Activity)',
      fix: 'Upgrade to Pro.',
    });
    const view = (await call('GET', `/api/sources/${created.id}`)).json<SourceDetail>();
    expect(view.source.lastError).toMatchObject({ code: 'plan_required' });
    await t.app.store.updateStream(created.id, 'Zoom.Activity', { lastError: null, readingWindow: '2026-03-01..2026-03-10', readingPages: 2 });
    expect((await call('GET', '/api/health')).json<HealthView>().sources[0]!.state).toBe('reading');
  });

  it("health lists each sink's backlog, lag and last error", async () => {
    expect((await call('GET', '/api/health')).json<HealthView>().sinks).toEqual([]);
    const created = await create();
    await t.app.store.commitPage({ sourceId: created.id, logType: 'Zoom.Activity', events: [sampleEvent('f1', t.clock.now() - 1000)], failures: [], days: [], stream: {} });
    const sink = await t.app.store.createSink({
      name: 'siem',
      kind: 'http',
      format: 'ocsf',
      url: 'https://siem.example.com/',
      settings: {},
      secret: 'sink-secret-Zq8vR2mN5tL0pK',
      logTypes: null,
      createdBy: 'admin',
    });
    await t.app.store.recordSinkFailure(sink.id, {
      error: { message: 'HTTP 503 from siem.example.com', fix: 'The batch is retried.', retryable: true },
      nextAttemptAt: t.clock.now() + 1000,
      now: t.clock.now(),
    });
    const { sinks } = (await call('GET', '/api/health')).json<HealthView>();
    expect(sinks).toEqual([
      {
        id: sink.id,
        name: 'siem',
        kind: 'http',
        format: 'ocsf',
        paused: false,
        backlog: 1,
        lagMs: 0,
        delivered: 0,
        failed: 0,
        lastDeliveredAt: null,
        nextAttemptAt: new Date(t.clock.now() + 1000).toISOString(),
        lastError: { message: 'HTTP 503 from siem.example.com', fix: 'The batch is retried.', retryable: true },
      },
    ]);
    expect(JSON.stringify(sinks)).not.toContain('sink-secret');
  });

  it('health names the IP databases with their build dates and the attribution their licences ask for', async () => {
    const { ipEnrichment } = (await call('GET', '/api/health')).json<HealthView>();
    expect(ipEnrichment.databases.map((d) => [d.role, d.type])).toEqual([
      ['city', 'city ipv4'],
      ['city', 'city ipv6'],
      ['asn', 'csv'],
    ]);
    expect(ipEnrichment.databases[0]).toMatchObject({ name: expect.stringMatching(/^@ip-location-db\/dbip-city-mmdb@/), builtAt: expect.stringMatching(/^20\d\d-/) });
    expect(JSON.stringify(ipEnrichment)).not.toContain('node_modules');
    expect(ipEnrichment.attribution).toMatch(/IP Geolocation by DB-IP/);
    expect(ipEnrichment.attribution).toMatch(/RouteViews/);
  });
});

describe('source health in the API', () => {
  it('PATCH sets and clears the quiet schedule, refusing a bad one with the reason', async () => {
    const created = await create();
    const schedule = { timeZone: 'Europe/Paris', days: [0, 6], window: { from: '22:00', to: '06:00' } };
    let res = await call('PATCH', `/api/sources/${created.id}`, { dropOffAlarmMinutes: 360, quietSchedule: schedule });
    expect(res.statusCode).toBe(200);
    expect(res.json<SourceView>()).toMatchObject({ dropOffAlarmMinutes: 360, quietSchedule: schedule });
    res = await call('PATCH', `/api/sources/${created.id}`, { quietSchedule: { timeZone: 'Mars/Olympus', days: [0] } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/quietSchedule: timeZone must be an IANA time zone/);
    res = await call('PATCH', `/api/sources/${created.id}`, { quietSchedule: { timeZone: 'UTC', window: { from: '25:00', to: '06:00' } } });
    expect(res.statusCode).toBe(400);
    res = await call('PATCH', `/api/sources/${created.id}`, { quietSchedule: null });
    expect(res.json<SourceView>().quietSchedule).toBeNull();
  });

  it('the detail carries heartbeats, late-record days and open alarms; health lists alarms per source', async () => {
    const created = await create();
    const now = t.clock.now();
    await t.app.store.recordHeartbeat({ sourceId: created.id, logType: 'Zoom.Activity', at: now - 60_000, outcome: 'empty', errorCode: null, records: 0, durationMs: 40 });
    await t.app.store.raiseSystemAlert({ ruleId: 'System.LogDropOff', dedup: created.id, title: 'No Zoom logs from x for 1 h', severity: 'HIGH', context: {} });
    const detail = (await call('GET', `/api/sources/${created.id}`)).json<SourceDetail>();
    expect(detail.heartbeats).toEqual([{ logType: 'Zoom.Activity', at: new Date(now - 60_000).toISOString(), outcome: 'empty', errorCode: null, records: 0, durationMs: 40 }]);
    expect(detail.lateRecordDays).toEqual([]);
    expect(detail.openAlarms).toMatchObject([{ ruleId: 'System.LogDropOff', status: 'open' }]);
    expect(detail.source).toMatchObject({ stateCause: expect.any(String), stateFix: expect.any(String) });
    const health = (await call('GET', '/api/health')).json<HealthView>();
    expect(health.sources[0]!.openAlarms).toHaveLength(1);
  });
});

describe('sources: outbound address policy (no SSRF)', () => {
  const restart = async (allowedNetworks: string[]) => {
    await t.close();
    t = await startRouteTestServer([{ plugin: sourcesRoutes, prefix: '/api' }], { outbound: outboundAccessFor({ allowedNetworks }) });
  };

  it.each([
    ['127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['localhost', 'loopback'],
    ['api.localhost', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['[fe80::1]', 'link-local'],
    ['10.0.0.8', 'private'],
    ['192.168.1.1', 'private'],
    ['[fd00::5]', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['[64:ff9b::a9fe:a9fe]', 'link-local'],
    ['[2002:a00:1::]', 'private'],
  ])('refuses an API or OAuth URL on %s (%s) when saved: 400 naming the field and the reason', async (host, what) => {
    await restart([]);
    for (const field of ['apiUrl', 'oauthUrl'] as const) {
      const response = await call('POST', '/api/sources', { ...s2sBody, [field]: `https://${host}/v2` });
      expect(response.statusCode, field).toBe(400);
      const error = response.json<{ fields: { field: string; message: string }[] }>();
      expect(error.fields).toEqual([{ field, message: expect.stringContaining(what) as string }]);
      expect(error.fields[0]!.message).toContain('ZOOMTRAIL_ALLOWED_NETWORKS');
    }
    expect(await t.app.store.listSources()).toEqual([]);
  });

  it('refuses plain http for a Zoom URL that is not loopback (the client secret goes there); loopback http only when allowed', async () => {
    await restart([]);
    const plain = await call('POST', '/api/sources', { ...s2sBody, oauthUrl: 'http://zoom.example.com' });
    expect(plain.statusCode).toBe(400);
    expect(plain.json<{ fields: { field: string; message: string }[] }>().fields[0]).toMatchObject({ field: 'oauthUrl', message: expect.stringContaining('https://') as string });
    expect((await call('POST', '/api/sources', { ...s2sBody, apiUrl: 'http://127.0.0.1:9900/v2' })).statusCode).toBe(400);

    await restart(['127.0.0.0/8']);
    expect((await call('POST', '/api/sources', { ...s2sBody, apiUrl: 'http://127.0.0.1:9900/v2', oauthUrl: 'http://127.0.0.1:9900' })).statusCode).toBe(201);
    expect((await call('POST', '/api/sources', { ...s2sBody, name: 'plain', oauthUrl: 'http://10.0.0.1' })).statusCode).toBe(400);
  });
});

describe('source check: no echo, no redirects', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  /** A fake "Zoom" on loopback (allowed in route tests) answering every request with `reply`; records the paths asked. */
  async function fakeZoom(reply: { status: number; body?: string; location?: string }): Promise<{ origin: string; paths: string[] }> {
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.location ? { location: reply.location } : {}) });
      response.end(reply.body ?? '');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
  }

  const checkAgainst = async (origin: string) => {
    const source = await create({ ...s2sBody, apiUrl: `${origin}/v2`, oauthUrl: origin, paused: true });
    const response = await call('POST', `/api/sources/${source.id}/check`);
    expect(response.statusCode).toBe(200);
    return response.json<{ ok: boolean; steps: { name: string; ok: boolean; message: string }[] }>();
  };

  it.each([400, 404, 500])("reports the status and our own words, never the answer's body (HTTP %i)", async (status) => {
    const internal = await fakeZoom({ status, body: '{"reason":"root:x:0:0:INTERNAL-ANSWER","message":"INTERNAL-ANSWER","error":"x"}' });
    const result = await checkAgainst(internal.origin);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('INTERNAL-ANSWER');
    expect(result.steps[0]).toMatchObject({ name: 'token', ok: false });
    expect(result.steps[0]!.message).toContain(`HTTP ${status}`);
  });

  it('does not follow a redirect from the token endpoint: the client secret never reaches the other host', async () => {
    const elsewhere = await fakeZoom({ status: 200, body: '{"access_token":"x","expires_in":3600}' });
    const redirecting = await fakeZoom({ status: 307, location: `${elsewhere.origin}/oauth/token` });
    const result = await checkAgainst(redirecting.origin);
    expect(result.steps[0]).toMatchObject({ name: 'token', ok: false, message: expect.stringContaining('redirect') as string });
    expect(redirecting.paths).toEqual(['/oauth/token']);
    expect(elsewhere.paths).toEqual([]);
  });
});
