import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../app/app-context.js';
import { createPipeline } from '../app/pipeline.js';
import { loadNormalizers } from '../normalize/log-type-registry.js';
import { ManualClock } from '../shared/clock.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { ApiTokenCreated, SessionInfo } from './api-types.js';
import { hashPassword } from './auth-session.js';
import { buildApiServer, consoleCacheControl, type RequestTimeouts } from './build-server.js';
import { createSetupLink } from './setup-link.js';
import { loopbackOutbound } from '../app/outbound-access.test-support.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const PASSWORD = 'correct horse battery staple';

interface Harness {
  server: FastifyInstance;
  app: AppContext;
  clock: ManualClock;
  consoleDir: string;
}

async function harness(
  options: { publicUrl?: string; console?: boolean; trustedProxies?: string[]; timeouts?: RequestTimeouts } = {},
): Promise<Harness & { close(): Promise<void> }> {
  const clock = new ManualClock(NOW);
  const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {} });
  const publicUrl = options.publicUrl ?? 'http://localhost:8080';
  const app: AppContext = {
    config: { dataDir: ':memory:', databaseUrl: undefined, logLevel: 'silent', configFile: undefined, port: 0, publicUrl, trustedProxies: options.trustedProxies },
    store,
    normalizers: loadNormalizers(),
    logger: pino({ level: 'silent' }),
    clock,
    outbound: loopbackOutbound(),
    close: () => store.close(),
  };
  const consoleDir = mkdtempSync(join(tmpdir(), 'zoomtrail-console-'));
  if (options.console !== false) {
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>Zoomtrail console</title>');
    writeFileSync(join(consoleDir, 'app.js'), 'console.log("console")');
  }
  const server = await buildApiServer(
    { app, pipeline: createPipeline(app), publicUrl, fetch: globalThis.fetch },
    { consoleDir: options.console === false ? null : consoleDir, ...(options.timeouts ? { timeouts: options.timeouts } : {}) },
  );
  await server.ready();
  return {
    server,
    app,
    clock,
    consoleDir,
    close: async () => {
      await server.close();
      await store.close();
      rmSync(consoleDir, { recursive: true, force: true });
    },
  };
}

function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'zt_session');
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(response.headers['set-cookie'])}`);
  return cookie.value;
}

let h: Harness & { close(): Promise<void> };
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => h.close());

async function setupAdmin(username = 'admin'): Promise<{ cookie: string; csrf: string }> {
  const link = await createSetupLink(h.app.store, h.clock, 'http://localhost:8080');
  const token = new URL(link).searchParams.get('token')!;
  const response = await h.server.inject({ method: 'POST', url: '/api/setup', payload: { token, username, password: PASSWORD } });
  expect(response.statusCode).toBe(200);
  return { cookie: sessionCookie(response), csrf: response.json<SessionInfo>().csrfToken! };
}

async function login(username: string, password: string) {
  return h.server.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
}

describe('API server: setup and sign-in', () => {
  it('reports that setup is required before any user exists', async () => {
    const response = await h.server.inject({ method: 'GET', url: '/api/session' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ authenticated: false, username: null, role: null, csrfToken: null, setupRequired: true });
  });

  it('setup with a valid token creates the admin and signs in with a HttpOnly, SameSite=Strict cookie', async () => {
    const link = await createSetupLink(h.app.store, h.clock, 'http://localhost:8080');
    expect(link).toMatch(/^http:\/\/localhost:8080\/setup\?token=[A-Za-z0-9_-]{43}$/);
    const token = new URL(link).searchParams.get('token')!;
    const response = await h.server.inject({ method: 'POST', url: '/api/setup', payload: { token, username: 'admin', password: PASSWORD } });
    expect(response.statusCode).toBe(200);
    const info = response.json<SessionInfo>();
    expect(info).toMatchObject({ authenticated: true, username: 'admin', setupRequired: false });
    expect(info.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const cookie = response.cookies.find((c) => c.name === 'zt_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect((await h.app.store.findUserByUsername('admin'))?.passwordHash).toMatch(/^\$argon2id\$/);

    const session = await h.server.inject({ method: 'GET', url: '/api/session', cookies: { zt_session: cookie.value } });
    expect(session.json()).toEqual({ ...info, setupRequired: false });

    // The token worked once.
    const again = await h.server.inject({ method: 'POST', url: '/api/setup', payload: { token, username: 'other', password: PASSWORD } });
    expect(again.statusCode).toBe(403);
    expect(again.json()).toMatchObject({ code: 'setup_token' });
    expect(await h.app.store.findUserByUsername('other')).toBeUndefined();
  });

  it('refuses a wrong setup token, a short password, and a form post', async () => {
    const wrong = await h.server.inject({ method: 'POST', url: '/api/setup', payload: { token: 'not-a-token', username: 'admin', password: PASSWORD } });
    expect(wrong.statusCode).toBe(403);
    const short = await h.server.inject({ method: 'POST', url: '/api/setup', payload: { token: 'x', username: 'admin', password: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().fields).toEqual([expect.objectContaining({ field: 'password' })]);
    const form = await h.server.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': 'text/plain' }, payload: '{"username":"a","password":"b"}' });
    expect(form.statusCode).toBe(415);
    expect(await h.app.store.countUsers()).toBe(0);
  });

  it('sets a Secure cookie when the public URL is https', async () => {
    await h.close();
    h = await harness({ publicUrl: 'https://zoomtrail.example.com' });
    await h.app.store.createUser({ username: 'admin', passwordHash: await hashPassword(PASSWORD) });
    const response = await login('admin', PASSWORD);
    expect(response.cookies.find((c) => c.name === 'zt_session')?.secure).toBe(true);
  });

  it('login works; a wrong password and an unknown user get the same 401', async () => {
    await h.app.store.createUser({ username: 'admin', passwordHash: await hashPassword(PASSWORD) });
    const ok = await login('admin', PASSWORD);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ authenticated: true, username: 'admin' });
    const wrongPassword = await login('admin', 'not the password at all');
    const unknownUser = await login('nobody', PASSWORD);
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownUser.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownUser.json());
    expect(wrongPassword.cookies).toEqual([]);
  });

  it('throttles wrong passwords per user name and client, with growing delays, saying when to retry', async () => {
    await h.app.store.createUser({ username: 'admin', passwordHash: await hashPassword(PASSWORD) });
    const from = (ip: string, password: string) => h.server.inject({ method: 'POST', url: '/api/login', remoteAddress: ip, payload: { username: 'admin', password } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await from('198.51.100.1', `wrong password ${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await from('198.51.100.1', PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'rate_limited', message: 'Too many sign-in attempts: try again in 30 seconds.' });
    // The right password from another client is not held back (nobody can lock the admin out).
    expect((await from('203.0.113.7', PASSWORD)).statusCode).toBe(200);
    // After the wait, one more failure doubles it.
    h.clock.advance(30_000);
    expect((await from('198.51.100.1', 'wrong again')).statusCode).toBe(401);
    expect((await from('198.51.100.1', PASSWORD)).json()).toMatchObject({ message: 'Too many sign-in attempts: try again in 60 seconds.' });
    h.clock.advance(59_000);
    expect((await from('198.51.100.1', PASSWORD)).statusCode).toBe(429);
    h.clock.advance(1_000);
    expect((await from('198.51.100.1', PASSWORD)).statusCode).toBe(200);
    // A success clears that client's count.
    expect((await from('198.51.100.1', 'wrong once more')).statusCode).toBe(401);
  });

  it('an attacker with many addresses is slowed per user name, but the right password from a known browser still signs in', async () => {
    await h.app.store.createUser({ username: 'admin', passwordHash: await hashPassword(PASSWORD) });
    const known = await h.server.inject({ method: 'POST', url: '/api/login', remoteAddress: '192.0.2.50', payload: { username: 'admin', password: PASSWORD } });
    const device = known.cookies.find((c) => c.name === 'zt_device')!;
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/login' });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const response = await h.server.inject({ method: 'POST', url: '/api/login', remoteAddress: `198.51.100.${i + 1}`, payload: { username: 'Admin', password: `guess ${i}` } });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([...Array<number>(20).fill(401), 429]);
    const unknownClient = await h.server.inject({ method: 'POST', url: '/api/login', remoteAddress: '203.0.113.9', payload: { username: 'admin', password: PASSWORD } });
    expect(unknownClient.statusCode).toBe(429);
    // The device cookie of an earlier sign-in is the way in, from any address.
    const login = (cookie: string) =>
      h.server.inject({ method: 'POST', url: '/api/login', remoteAddress: '203.0.113.10', cookies: { zt_device: cookie }, payload: { username: 'admin', password: PASSWORD } });
    expect((await login(device.value)).statusCode).toBe(200);
    // A forged or foreign device cookie is not.
    const [name, nonce] = device.value.split('.');
    expect((await login(`${name}.${nonce}.forged`)).statusCode).toBe(429);
    // Another user is not held back.
    const other = await h.server.inject({ method: 'POST', url: '/api/login', remoteAddress: '198.51.100.99', payload: { username: 'someone', password: 'guess' } });
    expect(other.statusCode).toBe(401);
  });

  it('behind a trusted proxy each client has its own count; without the setting X-Forwarded-For is ignored', async () => {
    const attempts = async (forwardedFor: string, n: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < n; i++) {
        const response = await h.server.inject({
          method: 'POST',
          url: '/api/login',
          remoteAddress: '10.0.0.2',
          headers: { 'x-forwarded-for': forwardedFor },
          payload: { username: 'admin', password: `wrong ${i}` },
        });
        statuses.push(response.statusCode);
      }
      return statuses;
    };
    expect(await attempts('198.51.100.1', 5)).toEqual([401, 401, 401, 401, 401]);
    expect(await attempts('198.51.100.2', 1)).toEqual([429]); // one client: the proxy
    await h.close();
    h = await harness({ trustedProxies: ['10.0.0.0/8'] });
    expect(await attempts('198.51.100.1', 6)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await attempts('198.51.100.2', 1)).toEqual([401]);
  });
});

describe('API server: setup never tells which user names exist', () => {
  it('a bogus setup token gets the same 403 whether the name exists or not; a valid one is checked before the name and kept on a taken name', async () => {
    await h.app.store.createUser({ username: 'admin', passwordHash: await hashPassword(PASSWORD) });
    const setup = (token: string, username: string) => h.server.inject({ method: 'POST', url: '/api/setup', payload: { token, username, password: PASSWORD } });
    const existing = await setup('bogus-token', 'admin');
    const missing = await setup('bogus-token', 'nobody');
    expect(existing.statusCode).toBe(403);
    expect(existing.json()).toEqual(missing.json());
    const link = await createSetupLink(h.app.store, h.clock, 'http://localhost:8080');
    const token = new URL(link).searchParams.get('token')!;
    const taken = await setup(token, 'admin');
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'duplicate_user' });
    expect((await setup(token, 'second-admin')).statusCode).toBe(200);
  });
});

describe('API server: authentication, CSRF, tokens', () => {
  it('a session and a Bearer API token both authenticate; nothing else does', async () => {
    const { cookie, csrf } = await setupAdmin();
    expect((await h.server.inject({ method: 'GET', url: '/api/tokens' })).statusCode).toBe(401);
    expect((await h.server.inject({ method: 'GET', url: '/api/tokens', cookies: { zt_session: 'forged' } })).statusCode).toBe(401);
    expect((await h.server.inject({ method: 'GET', url: '/api/tokens', headers: { authorization: 'Bearer zt_forged' } })).statusCode).toBe(401);
    const unauthenticated = await h.server.inject({ method: 'GET', url: '/api/tokens' });
    expect(unauthenticated.json()).toMatchObject({ code: 'unauthenticated', message: expect.any(String), fix: expect.any(String) });

    const created = await h.server.inject({
      method: 'POST',
      url: '/api/tokens',
      cookies: { zt_session: cookie },
      headers: { 'x-csrf-token': csrf },
      payload: { name: 'siem' },
    });
    expect(created.statusCode).toBe(201);
    const token = created.json<ApiTokenCreated>();
    expect(token.token).toMatch(/^zt_[A-Za-z0-9_-]{43}$/);

    const viaToken = await h.server.inject({ method: 'GET', url: '/api/tokens', headers: { authorization: `Bearer ${token.token}` } });
    expect(viaToken.statusCode).toBe(200);
    expect(viaToken.json()).toEqual({
      tokens: [
        {
          id: token.id,
          name: 'siem',
          username: 'admin',
          scopes: ['read', 'triage', 'admin', 'metrics'],
          createdAt: token.createdAt,
          lastUsedAt: new Date(NOW).toISOString(),
          expiresAt: null,
        },
      ],
    });
    expect(JSON.stringify(viaToken.json())).not.toContain(token.token);

    // Bearer requests need no CSRF token.
    const revoke = await h.server.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: { authorization: `Bearer ${token.token}` } });
    expect(revoke.statusCode).toBe(204);
    expect((await h.server.inject({ method: 'GET', url: '/api/tokens', headers: { authorization: `Bearer ${token.token}` } })).statusCode).toBe(401);
  });

  it('CSRF: a cookie POST without or with a wrong X-CSRF-Token is 403; with the right one it passes', async () => {
    const { cookie, csrf } = await setupAdmin();
    const post = (headers: Record<string, string>) => h.server.inject({ method: 'POST', url: '/api/tokens', cookies: { zt_session: cookie }, headers, payload: { name: 'x' } });
    const missing = await post({});
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({ code: 'csrf' });
    expect((await post({ 'x-csrf-token': `${csrf.slice(0, -1)}A` === csrf ? `${csrf.slice(0, -1)}B` : `${csrf.slice(0, -1)}A` })).statusCode).toBe(403);
    expect((await post({ 'x-csrf-token': csrf })).statusCode).toBe(201);
    // Another session's token does not fit this session.
    const other = await login('admin', PASSWORD);
    expect((await post({ 'x-csrf-token': other.json<SessionInfo>().csrfToken! })).statusCode).toBe(403);
    expect((await h.app.store.listApiTokens()).length).toBe(1);
  });

  it('text holding NUL (U+0000) in a body, query or path is a 400 naming the field, never a 500 from the store', async () => {
    const { cookie, csrf } = await setupAdmin();
    const headers = { 'x-csrf-token': csrf };
    const token = await h.server.inject({ method: 'POST', url: '/api/tokens', cookies: { zt_session: cookie }, headers, payload: { name: 'ci\u0000bot' } });
    expect(token.statusCode).toBe(400);
    expect(token.json()).toMatchObject({ code: 'invalid_text', fields: [{ field: 'name' }], fix: expect.any(String) });
    const search = await h.server.inject({ method: 'GET', url: '/api/events?text=a%00b', cookies: { zt_session: cookie } });
    expect(search.statusCode).toBe(400);
    expect(search.json()).toMatchObject({ fields: [{ field: 'query.text' }] });
    const path = await h.server.inject({ method: 'DELETE', url: '/api/tokens/x%00y', cookies: { zt_session: cookie }, headers });
    expect(path.statusCode).toBe(400);
    expect(await h.app.store.listApiTokens()).toEqual([]);
  });

  it('CSRF covers every unsafe method: PATCH and DELETE with the session cookie need the token too', async () => {
    const { cookie, csrf } = await setupAdmin();
    const created = await h.server.inject({ method: 'POST', url: '/api/tokens', cookies: { zt_session: cookie }, headers: { 'x-csrf-token': csrf }, payload: { name: 'ci' } });
    const tokenId = created.json<ApiTokenCreated>().id;
    const ruleId = 'Zoom.Two.Factor.Authentication.Disabled';
    const patch = (headers: Record<string, string>) =>
      h.server.inject({ method: 'PATCH', url: `/api/rules/${ruleId}`, cookies: { zt_session: cookie }, headers, payload: { enabled: false } });
    const remove = (headers: Record<string, string>) => h.server.inject({ method: 'DELETE', url: `/api/tokens/${tokenId}`, cookies: { zt_session: cookie }, headers });
    expect((await patch({})).statusCode).toBe(403);
    expect((await remove({})).statusCode).toBe(403);
    expect((await h.app.store.listApiTokens()).map((t) => t.id)).toEqual([tokenId]);
    expect((await patch({ 'x-csrf-token': csrf })).statusCode).toBe(200);
    expect((await remove({ 'x-csrf-token': csrf })).statusCode).toBe(204);
  });

  it('logout ends the session', async () => {
    const { cookie, csrf } = await setupAdmin();
    const withoutCsrf = await h.server.inject({ method: 'POST', url: '/api/logout', cookies: { zt_session: cookie } });
    expect(withoutCsrf.statusCode).toBe(403);
    const out = await h.server.inject({ method: 'POST', url: '/api/logout', cookies: { zt_session: cookie }, headers: { 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'zt_session')?.value).toBe('');
    expect((await h.server.inject({ method: 'GET', url: '/api/tokens', cookies: { zt_session: cookie } })).statusCode).toBe(401);
    expect((await h.server.inject({ method: 'GET', url: '/api/session', cookies: { zt_session: cookie } })).json()).toMatchObject({ authenticated: false });
  });

  it('a session ends after 12 idle hours', async () => {
    const { cookie } = await setupAdmin();
    h.clock.advance(11 * 3_600_000);
    expect((await h.server.inject({ method: 'GET', url: '/api/tokens', cookies: { zt_session: cookie } })).statusCode).toBe(200);
    h.clock.advance(12 * 3_600_000 + 1);
    expect((await h.server.inject({ method: 'GET', url: '/api/tokens', cookies: { zt_session: cookie } })).statusCode).toBe(401);
  });

  it('/api/openapi.json needs authentication and lists the paths', async () => {
    expect((await h.server.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(401);
    const { cookie } = await setupAdmin();
    const response = await h.server.inject({ method: 'GET', url: '/api/openapi.json', cookies: { zt_session: cookie } });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/session', '/api/login', '/api/setup', '/api/tokens', '/api/tokens/{id}']));
  });

  it('unknown /api paths answer 401 without credentials, 404 with them', async () => {
    expect((await h.server.inject({ method: 'GET', url: '/api/nope' })).statusCode).toBe(401);
    expect((await h.server.inject({ method: 'DELETE', url: '/api/nope/x' })).statusCode).toBe(401);
    const { cookie } = await setupAdmin();
    const known = await h.server.inject({ method: 'GET', url: '/api/nope', cookies: { zt_session: cookie } });
    expect(known.statusCode).toBe(404);
    expect(known.json()).toMatchObject({ code: 'not_found' });
  });
});

describe('API server: console and headers', () => {
  it('serves the console publicly (files and the SPA fallback) while /api stays 401', async () => {
    const root = await h.server.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('Zoomtrail console');
    const deep = await h.server.inject({ method: 'GET', url: '/sources/src_1/setup?step=check' });
    expect(deep.statusCode).toBe(200);
    expect(deep.headers['content-type']).toMatch(/text\/html/);
    expect(deep.body).toContain('Zoomtrail console');
    const file = await h.server.inject({ method: 'GET', url: '/app.js' });
    expect(file.statusCode).toBe(200);
    expect(file.body).toContain('console.log');
    expect((await h.server.inject({ method: 'GET', url: '/missing.js' })).statusCode).toBe(404);
    expect((await h.server.inject({ method: 'GET', url: '/api/events' })).statusCode).toBe(401);
    expect((await h.server.inject({ method: 'GET', url: '/api/x/y' })).statusCode).toBe(401);
  });

  it('a slow client cannot hold a connection: a body that never finishes gets 408 and the connection closes', async () => {
    await h.close();
    h = await harness({ timeouts: { requestMs: 400, headersMs: 300, checkEveryMs: 50 } });
    await h.server.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.server.server.address() as { port: number };
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user');
      });
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        reject(new Error(`the connection was still open after 10 s (received ${JSON.stringify(received)})`));
      }, 10_000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('sets the security headers on every response', async () => {
    for (const url of ['/', '/api/session', '/api/tokens', '/api/nope']) {
      const response = await h.server.inject({ method: 'GET', url });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['content-security-policy']).toContain("form-action 'self'");
      expect(response.headers['content-security-policy']).toContain("base-uri 'none'");
    }
  });

  it('says how to build the console when it is not built', async () => {
    await h.close();
    h = await harness({ console: false });
    const response = await h.server.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('The console is not built: run npm run build');
  });
});

describe('API server: console assets', () => {
  it('caches hashed assets for a year and revalidates everything else', () => {
    expect(consoleCacheControl('assets/index-BPVuPWhB.js')).toBe('public, max-age=31536000, immutable');
    expect(consoleCacheControl('assets/index-BPVuPWhB.js.br')).toBe('public, max-age=31536000, immutable');
    expect(consoleCacheControl('index.html')).toBe('no-cache');
    expect(consoleCacheControl('favicon.svg')).toBe('no-cache');
    expect(consoleCacheControl('assets/logo.svg')).toBe('no-cache');
  });

  it('sends the precompressed copy the client accepts, with the immutable cache header; index.html is not cached', async () => {
    const body = 'export const x = 1;'.repeat(200);
    mkdirSync(join(h.consoleDir, 'assets'));
    writeFileSync(join(h.consoleDir, 'assets', 'index-AbCdEf12.js'), body);
    writeFileSync(join(h.consoleDir, 'assets', 'index-AbCdEf12.js.br'), brotliCompressSync(body));
    writeFileSync(join(h.consoleDir, 'assets', 'index-AbCdEf12.js.gz'), gzipSync(body));

    const br = await h.server.inject({ method: 'GET', url: '/assets/index-AbCdEf12.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(body);

    const gz = await h.server.inject({ method: 'GET', url: '/assets/index-AbCdEf12.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(body);

    const plain = await h.server.inject({ method: 'GET', url: '/assets/index-AbCdEf12.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(body);

    const index = await h.server.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    const deepLink = await h.server.inject({ method: 'GET', url: '/events' });
    expect(deepLink.headers['cache-control']).toBe('no-cache');
    // A page whose path holds a dot (rule ids do) is a page when a browser navigates to it; a missing asset stays a 404.
    const rulePage = await h.server.inject({ method: 'GET', url: '/detections/Zoom.PasscodeDisabled', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(rulePage.statusCode).toBe(200);
    expect(rulePage.body).toContain('Zoomtrail console');
    const missingAsset = await h.server.inject({ method: 'GET', url: '/assets/missing-AbCdEf12.js', headers: { accept: '*/*' } });
    expect(missingAsset.statusCode).toBe(404);
  });
});
