import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTokenCreated, ApiTokenList, OneTimeLink, SessionInfo, UserList, UserView } from '../src/api/api-types.js';
import { buildApiServer } from '../src/api/build-server.js';
import { createSetupLink } from '../src/api/setup-link.js';
import type { AppContext } from '../src/app/app-context.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';
import { createPipeline } from '../src/app/pipeline.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { ManualClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';

/** Users, roles and scoped API tokens through the real server (issue 17, part 2). */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const PASSWORD = 'correct horse battery staple';

interface Caller {
  cookie: string;
  csrf: string;
}

let server: FastifyInstance;
let app: AppContext;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(NOW);
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
});
afterEach(async () => {
  await server.close();
  await app.store.close();
});

function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'zt_session');
  if (!cookie) throw new Error(`no session cookie: ${response.statusCode} ${response.body}`);
  return cookie.value;
}

function tokenOf(link: string): string {
  return new URL(link).searchParams.get('token')!;
}

async function acceptLink(link: string, username: string, password = PASSWORD): Promise<LightMyRequestResponse> {
  return server.inject({ method: 'POST', url: '/api/setup', payload: { token: tokenOf(link), username, password } });
}

async function callerOf(response: LightMyRequestResponse): Promise<Caller> {
  expect(response.statusCode, response.body).toBe(200);
  return { cookie: sessionCookie(response), csrf: response.json<SessionInfo>().csrfToken! };
}

async function firstAdmin(): Promise<Caller> {
  return callerOf(await acceptLink(await createSetupLink(app.store, clock, 'http://localhost:8080'), 'admin'));
}

function as(caller: Caller, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  return server.inject({ method, url, cookies: { zt_session: caller.cookie }, headers: { 'x-csrf-token': caller.csrf }, ...(payload ? { payload } : {}) });
}

function bearer(token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  return server.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
}

async function invite(admin: Caller, role: 'admin' | 'analyst' | 'viewer', username: string): Promise<Caller> {
  const invited = await as(admin, 'POST', '/api/users/invitations', { role });
  expect(invited.statusCode).toBe(201);
  return callerOf(await acceptLink(invited.json<OneTimeLink>().link, username));
}

async function userId(admin: Caller, username: string): Promise<string> {
  return (await as(admin, 'GET', '/api/users')).json<UserList>().users.find((u) => u.username === username)!.id;
}

describe('users: invite, roles, disable, reset, sessions', () => {
  it('an invited analyst signs up with the link, can triage but cannot change a source; the link works once', async () => {
    const admin = await firstAdmin();
    const invited = await as(admin, 'POST', '/api/users/invitations', { role: 'analyst' });
    expect(invited.json<OneTimeLink>()).toMatchObject({ link: expect.stringMatching(/^http:\/\/localhost:8080\/setup\?token=/), expiresAt: '2026-03-11T12:00:00.000Z' });
    const signedUp = await acceptLink(invited.json<OneTimeLink>().link, 'ana');
    expect(signedUp.json<SessionInfo>()).toMatchObject({ authenticated: true, username: 'ana', role: 'analyst' });
    const ana = await callerOf(signedUp);
    expect((await acceptLink(invited.json<OneTimeLink>().link, 'ana2')).statusCode).toBe(403);

    expect((await as(ana, 'PATCH', '/api/sources/src_x', { name: 'renamed' })).statusCode).toBe(403);
    expect((await as(ana, 'POST', '/api/sources', {})).json()).toMatchObject({ code: 'forbidden', message: expect.stringContaining('analyst') });
    expect((await as(ana, 'POST', '/api/alerts/alr_x/status', { status: 'acknowledged' })).statusCode).toBe(404);
    expect((await as(ana, 'GET', '/api/users')).statusCode).toBe(403);
    expect((await as(admin, 'GET', '/api/users')).json<UserList>().users.map((u) => [u.username, u.role])).toEqual([
      ['admin', 'admin'],
      ['ana', 'analyst'],
    ]);
  });

  it('the last enabled admin can be neither demoted nor disabled; with a second admin, they can', async () => {
    const admin = await firstAdmin();
    const me = await userId(admin, 'admin');
    const demote = await as(admin, 'PATCH', `/api/users/${me}`, { role: 'viewer' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json()).toMatchObject({ code: 'last_admin', fix: expect.any(String) });
    expect((await as(admin, 'PATCH', `/api/users/${me}`, { disabled: true })).statusCode).toBe(409);
    expect((await as(admin, 'GET', '/api/users')).json<UserList>().users[0]).toMatchObject({ role: 'admin', disabledAt: null });

    await invite(admin, 'admin', 'second');
    const demoted = await as(admin, 'PATCH', `/api/users/${me}`, { role: 'viewer' });
    expect(demoted.json<UserView>()).toMatchObject({ username: 'admin', role: 'viewer' });
    // The change applies to the running session at once.
    expect((await as(admin, 'GET', '/api/users')).statusCode).toBe(403);
  });

  it('disabling a user signs them out and refuses their sign-in and tokens until enabled again', async () => {
    const admin = await firstAdmin();
    const viewer = await invite(admin, 'viewer', 'vic');
    const token = (await as(viewer, 'POST', '/api/tokens', { name: 'mine' })).json<ApiTokenCreated>().token;
    const id = await userId(admin, 'vic');
    expect((await as(admin, 'PATCH', `/api/users/${id}`, { disabled: true })).json<UserView>().disabledAt).toBe(new Date(NOW).toISOString());
    expect((await as(viewer, 'GET', '/api/sources')).statusCode).toBe(401);
    expect((await bearer(token, 'GET', '/api/sources')).statusCode).toBe(401);
    const refused = await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'vic', password: PASSWORD } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'bad_credentials' });
    await as(admin, 'PATCH', `/api/users/${id}`, { disabled: false });
    expect((await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'vic', password: PASSWORD } })).statusCode).toBe(200);
    expect((await bearer(token, 'GET', '/api/sources')).statusCode).toBe(200);
  });

  it("a password-reset link sets that user's password (and only theirs) and ends their sessions", async () => {
    const admin = await firstAdmin();
    const viewer = await invite(admin, 'viewer', 'vic');
    const id = await userId(admin, 'vic');
    const reset = (await as(admin, 'POST', `/api/users/${id}/password-reset`)).json<OneTimeLink>().link;
    expect((await acceptLink(reset, 'admin', 'an attacker password')).statusCode).toBe(403);
    const done = await acceptLink(reset, 'vic', 'a brand new password');
    expect(done.json<SessionInfo>()).toMatchObject({ username: 'vic', role: 'viewer' });
    expect((await as(viewer, 'GET', '/api/sources')).statusCode).toBe(401);
    expect((await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'vic', password: PASSWORD } })).statusCode).toBe(401);
    expect((await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'vic', password: 'a brand new password' } })).statusCode).toBe(200);
    expect((await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'admin', password: PASSWORD } })).statusCode).toBe(200);
    expect((await acceptLink(reset, 'vic', 'yet another password')).statusCode).toBe(403);
  });

  it("ends every session of a user; changes one's own password with the current one", async () => {
    const admin = await firstAdmin();
    const viewer = await invite(admin, 'viewer', 'vic');
    const second = await callerOf(await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'vic', password: PASSWORD } }));
    const ended = await as(admin, 'DELETE', `/api/users/${await userId(admin, 'vic')}/sessions`);
    expect(ended.json()).toEqual({ ended: 2 });
    expect((await as(viewer, 'GET', '/api/sources')).statusCode).toBe(401);
    expect((await as(second, 'GET', '/api/sources')).statusCode).toBe(401);

    const vic = await callerOf(await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'vic', password: PASSWORD } }));
    const other = await callerOf(await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'vic', password: PASSWORD } }));
    expect((await as(vic, 'POST', '/api/me/password', { currentPassword: 'not my password', newPassword: 'my new long password' })).statusCode).toBe(401);
    const changed = await as(vic, 'POST', '/api/me/password', { currentPassword: PASSWORD, newPassword: 'my new long password' });
    expect(changed.statusCode).toBe(204);
    // This browser goes on with a fresh session; the others end.
    const fresh = { cookie: sessionCookie(changed), csrf: '' };
    expect((await server.inject({ method: 'GET', url: '/api/sources', cookies: { zt_session: fresh.cookie } })).statusCode).toBe(200);
    expect((await as(other, 'GET', '/api/sources')).statusCode).toBe(401);
    expect((await server.inject({ method: 'POST', url: '/api/login', payload: { username: 'vic', password: 'my new long password' } })).statusCode).toBe(200);
  });
});

describe('API tokens: scopes, expiry, never more than the creator has', () => {
  it('a viewer cannot create a token with triage or admin; a read token cannot create a triage token', async () => {
    const admin = await firstAdmin();
    const viewer = await invite(admin, 'viewer', 'vic');
    const tooMuch = await as(viewer, 'POST', '/api/tokens', { name: 'x', scopes: ['admin'] });
    expect(tooMuch.statusCode).toBe(403);
    expect(tooMuch.json()).toMatchObject({ code: 'forbidden', fields: [{ field: 'scopes' }] });
    expect((await as(viewer, 'POST', '/api/tokens', { name: 'x', scopes: ['triage'] })).statusCode).toBe(403);
    const defaults = (await as(viewer, 'POST', '/api/tokens', { name: 'all-i-have' })).json<ApiTokenCreated>();
    expect(defaults.scopes).toEqual(['read', 'metrics']);

    const read = (await as(admin, 'POST', '/api/tokens', { name: 'reader', scopes: ['read'] })).json<ApiTokenCreated>();
    expect((await bearer(read.token, 'POST', '/api/tokens', { name: 'escalate', scopes: ['triage'] })).statusCode).toBe(403);
    expect((await bearer(read.token, 'POST', '/api/tokens', { name: 'escalate', scopes: ['metrics'] })).statusCode).toBe(403);
    expect((await bearer(read.token, 'POST', '/api/tokens', { name: 'escalate' })).json<ApiTokenCreated>().scopes).toEqual(['read']);
    expect((await bearer(read.token, 'POST', '/api/tokens', { name: 'same', scopes: ['read'] })).statusCode).toBe(201);
  });

  it('a metrics-only token scrapes /metrics and nothing else', async () => {
    const admin = await firstAdmin();
    const prom = (await as(admin, 'POST', '/api/tokens', { name: 'prometheus', scopes: ['metrics'] })).json<ApiTokenCreated>();
    const metrics = await bearer(prom.token, 'GET', '/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('# TYPE');
    expect((await bearer(prom.token, 'GET', '/api/events')).statusCode).toBe(403);
    expect((await bearer(prom.token, 'GET', '/api/sources')).statusCode).toBe(403);
  });

  it('lists name, owner, scopes, created, last used and expiry; an expired token stops working; revoke is own-or-admin', async () => {
    const admin = await firstAdmin();
    const viewer = await invite(admin, 'viewer', 'vic');
    const expiring = await as(admin, 'POST', '/api/tokens', { name: 'short', scopes: ['read'], expiresAt: '2026-03-10T13:00:00Z' });
    expect(expiring.statusCode).toBe(201);
    const short = expiring.json<ApiTokenCreated>();
    expect((await as(admin, 'POST', '/api/tokens', { name: 'past', expiresAt: '2026-03-10T11:00:00Z' })).statusCode).toBe(400);
    const vics = (await as(viewer, 'POST', '/api/tokens', { name: 'vics', scopes: ['read'] })).json<ApiTokenCreated>();
    clock.advance(60_000);
    expect((await bearer(short.token, 'GET', '/api/sources')).statusCode).toBe(200);

    const all = (await as(admin, 'GET', '/api/tokens')).json<ApiTokenList>().tokens;
    expect(all.find((t) => t.name === 'short')).toEqual({
      id: short.id,
      name: 'short',
      username: 'admin',
      scopes: ['read'],
      createdAt: '2026-03-10T12:00:00.000Z',
      lastUsedAt: '2026-03-10T12:01:00.000Z',
      expiresAt: '2026-03-10T13:00:00.000Z',
    });
    expect(all.map((t) => t.name).sort()).toEqual(['short', 'vics']);
    expect((await as(viewer, 'GET', '/api/tokens')).json<ApiTokenList>().tokens.map((t) => t.name)).toEqual(['vics']);
    expect((await as(viewer, 'DELETE', `/api/tokens/${short.id}`)).statusCode).toBe(404);
    expect((await as(admin, 'DELETE', `/api/tokens/${vics.id}`)).statusCode).toBe(204);

    clock.set(Date.parse('2026-03-10T13:00:00Z'));
    expect((await bearer(short.token, 'GET', '/api/sources')).statusCode).toBe(401);
  });
});
