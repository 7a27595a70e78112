import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertPage, AuditEntryView, AuditList, EventPage, OneTimeLink, SessionInfo, SourceList } from '../src/api/api-types.js';
import { hashPassword } from '../src/api/auth-session.js';
import { buildApiServer } from '../src/api/build-server.js';
import { activity, createSource, detect, operation, storeRecords, TWO_FACTOR_OFF } from '../src/api/routes/route-seed.test-support.js';
import type { AppContext } from '../src/app/app-context.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';
import { createPipeline } from '../src/app/pipeline.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { ManualClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { auditEventRowId, catchUpAuditEvents } from '../src/app/audit-events.js';
import { INTERNAL_SOURCE_ID } from '../src/domain/internal-source.js';

/** The audit trail (issue 17, part 3): a scripted admin session, and every one of its actions in the trail. */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const PASSWORD = 'correct horse battery staple';
const CLIENT_SECRET = 'client-secret-never-in-the-trail';
const NEW_CLIENT_SECRET = 'rotated-secret-never-in-the-trail';
const HOOK_SECRET = 'webhook-signing-secret-never-in-the-trail';

let server: FastifyInstance;
let app: AppContext;

beforeEach(async () => {
  const clock = new ManualClock(NOW);
  const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {} });
  app = {
    config: { dataDir: ':memory:', databaseUrl: undefined, logLevel: 'silent', configFile: undefined, port: 0, publicUrl: 'http://localhost:8080' },
    store,
    normalizers: loadNormalizers(),
    logger: pino({ level: 'silent' }),
    clock,
    outbound: loopbackOutbound(),
    close: () => store.close(),
  };
  server = await buildApiServer({ app, pipeline: createPipeline(app), publicUrl: 'http://localhost:8080', fetch: globalThis.fetch }, { consoleDir: null });
  await server.ready();
  await store.createUser({ username: 'admin', passwordHash: await hashPassword(PASSWORD) });
});
afterEach(async () => {
  await server.close();
  await app.store.close();
});

describe('audit trail', () => {
  it('records every action of a scripted admin session, who and from where, secrets masked; GET /api/audit filters and exports it', async () => {
    const from = { remoteAddress: '198.51.100.23' };
    expect((await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'admin', password: 'wrong password' }, ...from })).statusCode).toBe(401);
    const login = await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'admin', password: PASSWORD }, ...from });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'zt_session')!.value;
    const csrf = login.json<SessionInfo>().csrfToken!;
    const as = async (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: object): Promise<LightMyRequestResponse> => {
      const response = await server.inject({ method, url, cookies: { zt_session: cookie }, headers: { 'x-csrf-token': csrf }, ...(payload ? { payload } : {}), ...from });
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(400);
      return response;
    };

    const source = (await as('POST', '/api/sources', { name: 'Zoom', authKind: 's2s', clientId: 'CID', clientSecret: CLIENT_SECRET, zoomAccountId: 'acct-1', paused: true })).json<{
      id: string;
    }>();
    await as('PATCH', `/api/sources/${source.id}`, { clientSecret: NEW_CLIENT_SECRET, zoomAccountId: 'acct-2' });
    const hook = (await as('POST', '/api/destinations', { name: 'Hook', kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: HOOK_SECRET })).json<{ id: string }>();
    await as('PATCH', `/api/destinations/${hook.id}`, { enabled: false });
    await as('PATCH', '/api/rules/Zoom.PasscodeDisabled', { enabled: false });
    const seeded = await createSource(app);
    await storeRecords(app, seeded, 'Zoom.Operation', [operation('2026-03-10T11:00:00Z', { operation_detail: TWO_FACTOR_OFF })]);
    await storeRecords(app, seeded, 'Zoom.Activity', [activity('2026-03-10T11:00:00Z')]);
    await detect(app);
    const alert = (await as('GET', '/api/alerts')).json<AlertPage>().alerts[0];
    if (alert) await as('POST', `/api/alerts/${alert.id}/status`, { status: 'acknowledged', note: 'looking' });
    const invite = (await as('POST', '/api/users/invitations', { role: 'analyst' })).json<OneTimeLink>();
    const created = await server.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { token: new URL(invite.link).searchParams.get('token'), username: 'ana', password: PASSWORD },
    });
    const anaId = (await app.store.findUserByUsername('ana'))!.id;
    expect(created.statusCode).toBe(200);
    await as('PATCH', `/api/users/${anaId}`, { role: 'viewer' });
    const token = await as('POST', '/api/tokens', { name: 'siem', scopes: ['read'] });
    await as('DELETE', `/api/tokens/${token.json<{ id: string }>().id}`);
    await as('DELETE', `/api/sources/${source.id}`);

    const trail = (await as('GET', '/api/audit?limit=1000')).json<AuditList>().entries;
    const actions = trail.map((e) => e.action).reverse();
    expect(actions).toEqual([
      'auth.login.failed',
      'auth.login',
      'sources.create',
      'sources.update',
      'destinations.create',
      'destinations.update',
      'rules.update',
      ...(alert ? ['alerts.status'] : []),
      'users.invitations',
      'auth.setup',
      'users.update',
      'tokens.create',
      'tokens.delete',
      'sources.delete',
    ]);
    expect(alert).toBeDefined();
    const text = JSON.stringify(trail);
    for (const secret of [
      PASSWORD,
      CLIENT_SECRET,
      NEW_CLIENT_SECRET,
      HOOK_SECRET,
      token.json<{ token: string }>().token,
      new URL(invite.link).searchParams.get('token')!,
      csrf,
      cookie,
    ]) {
      expect(text).not.toContain(secret);
    }
    const byAction = (action: string): AuditEntryView => trail.find((e) => e.action === action)!;
    expect(byAction('auth.login.failed')).toMatchObject({ actor: 'admin', actorKind: 'anonymous', outcome: 'failed', status: 401, address: '198.51.100.23' });
    expect(byAction('auth.login')).toMatchObject({ actor: 'admin', actorKind: 'user', outcome: 'ok' });
    const update = byAction('sources.update');
    expect(update).toMatchObject({ actor: 'admin', objectType: 'sources', objectId: source.id, change: { clientSecret: '[MASKED]', zoomAccountId: 'acct-2' } });
    expect(update.before).toMatchObject({ zoomAccountId: 'acct-1' });
    expect(update.after).toMatchObject({ zoomAccountId: 'acct-2' });
    expect(byAction('destinations.update')).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect(byAction('users.update')).toMatchObject({ objectId: anaId, before: { role: 'analyst' }, after: { role: 'viewer' } });
    expect(byAction('auth.setup')).toMatchObject({ actor: 'ana', actorKind: 'user' });
    expect(byAction('rules.update')).toMatchObject({ objectId: 'Zoom.PasscodeDisabled', before: { enabledOverride: null }, change: { enabled: false } });
    expect(byAction('sources.delete')).toMatchObject({ before: { name: 'Zoom' }, after: null });
    if (alert) expect(byAction('alerts.status')).toMatchObject({ objectId: alert.id, before: { status: 'open' }, change: { status: 'acknowledged' } });

    // Filters and the NDJSON export.
    expect((await as('GET', `/api/audit?objectType=sources&objectId=${source.id}`)).json<AuditList>().entries.map((e) => e.action)).toEqual([
      'sources.delete',
      'sources.update',
      'sources.create',
    ]);
    expect((await as('GET', '/api/audit?actor=ana')).json<AuditList>().entries.map((e) => e.action)).toEqual(['auth.setup']);
    expect((await as('GET', '/api/audit?action=tokens.create')).json<AuditList>().entries).toHaveLength(1);
    const exported = await as('GET', '/api/audit/export?limit=1000');
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    expect(
      exported.body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as AuditEntryView).id),
    ).toEqual(trail.map((e) => e.id));
    // Reading changes nothing: GETs are not in the trail.
    expect((await as('GET', '/api/audit?limit=1000')).json<AuditList>().entries).toHaveLength(trail.length);
  });

  it('a token is named as the actor; refused requests are not in the trail', async () => {
    const admin = (await app.store.findUserByUsername('admin'))!;
    const { hashSecret } = await import('../src/store/auth-store.js');
    await app.store.createApiToken({ name: 'automation', tokenHash: hashSecret('zt_automation'), userId: admin.id, scopes: ['triage'] });
    const headers = { authorization: 'Bearer zt_automation' };
    expect((await server.inject({ method: 'POST', url: '/api/destinations', headers, payload: { name: 'x', kind: 'log' } })).statusCode).toBe(403);
    expect((await server.inject({ method: 'POST', url: '/api/tokens', headers, payload: { name: 'child', scopes: ['read'] } })).statusCode).toBe(201);
    const trail = await app.store.listAudit();
    expect(trail.map((e) => [e.action, e.actor, e.actorKind])).toEqual([['tokens.create', 'automation', 'token']]);
  });

  it('every action is also a Zoomtrail.Audit event (events search, p_ fields, exactly once) and the credentials rule fires on it', async () => {
    const from = { remoteAddress: '198.51.100.23' };
    const login = await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'admin', password: PASSWORD }, ...from });
    const cookie = login.cookies.find((c) => c.name === 'zt_session')!.value;
    const csrf = login.json<SessionInfo>().csrfToken!;
    const as = async (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object): Promise<LightMyRequestResponse> => {
      const response = await server.inject({ method, url, cookies: { zt_session: cookie }, headers: { 'x-csrf-token': csrf }, ...(payload ? { payload } : {}), ...from });
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(400);
      return response;
    };
    const source = (await as('POST', '/api/sources', { name: 'Zoom', authKind: 's2s', clientId: 'CID', clientSecret: CLIENT_SECRET, zoomAccountId: 'acct-1', paused: true })).json<{
      id: string;
    }>();
    await as('PATCH', `/api/sources/${source.id}`, { clientSecret: NEW_CLIENT_SECRET });
    await as('PATCH', `/api/sources/${source.id}`, { zoomAccountId: 'acct-2' });
    await as('PATCH', '/api/rules/Zoom.PasscodeDisabled', { severity: 'HIGH', threshold: 2 });
    await as('POST', '/api/destinations', { name: 'Hook', kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: HOOK_SECRET });
    await as('POST', '/api/users/invitations', { role: 'analyst' });

    const trail = (await as('GET', '/api/audit?limit=1000')).json<AuditList>().entries;
    expect(trail.map((e) => e.action).reverse()).toEqual([
      'auth.login',
      'sources.create',
      'sources.update',
      'sources.update',
      'rules.update',
      'destinations.create',
      'users.invitations',
    ]);

    const page = (await as('GET', '/api/events?logType=Zoomtrail.Audit&limit=500')).json<EventPage>();
    expect(page.events).toHaveLength(trail.length);
    const byAuditId = new Map(page.events.map((e) => [e.event.id as string, e]));
    for (const entry of trail) {
      const event = byAuditId.get(entry.id);
      expect(event, entry.action).toBeDefined();
      const rowId = auditEventRowId({ id: entry.id, at: Date.parse(entry.at) });
      expect(event).toMatchObject({ logType: 'Zoomtrail.Audit', sourceId: INTERNAL_SOURCE_ID, rowId });
      expect(event!.event).toMatchObject({
        action: entry.action,
        actor: 'admin',
        address: '198.51.100.23',
        p_log_type: 'Zoomtrail.Audit',
        p_row_id: rowId,
        p_event_time: new Date(Date.parse(entry.at)).toISOString(),
        p_any_usernames: ['admin'],
        p_any_ip_addresses: ['198.51.100.23'],
        p_udm: { actor_user: 'admin', event_type: entry.action },
      });
    }
    const secretText = JSON.stringify(page);
    for (const secret of [PASSWORD, CLIENT_SECRET, NEW_CLIENT_SECRET, HOOK_SECRET, csrf, cookie]) expect(secretText).not.toContain(secret);

    // The rule ran on them: one alert per (source, actor), from the secret change and the account change.
    const alerts = (await as('GET', '/api/alerts')).json<AlertPage>().alerts.filter((a) => a.ruleId === 'Zoomtrail.SourceCredentialsChanged');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'HIGH', eventCount: 2 });

    // Exactly once: catching up stores nothing again; the internal source is not a source the console lists.
    expect(await catchUpAuditEvents({ store: app.store, clock: app.clock, logger: app.logger }, 0)).toBe(0);
    expect(await app.store.countEvents({ logType: 'Zoomtrail.Audit' })).toBe(trail.length);
    expect((await as('GET', '/api/sources')).json<SourceList>().sources.map((s) => s.id)).toEqual([source.id]);
    expect((await server.inject({ method: 'GET', url: `/api/sources/${INTERNAL_SOURCE_ID}`, cookies: { zt_session: cookie } })).statusCode).toBe(404);
  });
});
