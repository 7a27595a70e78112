import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../src/api/build-server.js';
import { ROUTE_PLUGINS } from '../src/api/route-plugins.js';
import type { AppContext } from '../src/app/app-context.js';
import { createPipeline } from '../src/app/pipeline.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { ManualClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { runCli, spawnCli, waitUntil, type CliChild } from './support/cli-child.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';

/**
 * Every route the real server registers (whatever ROUTE_PLUGINS holds) is
 * either on the short list of public routes or answers 401 without
 * credentials: a route added without thinking about authentication fails here.
 */
describe('every API route needs authentication unless it is on the public list', () => {
  const routes: RouteOptions[] = [];
  let server: FastifyInstance;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
    const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {} });
    const app: AppContext = {
      config: { dataDir: ':memory:', databaseUrl: undefined, logLevel: 'silent', configFile: undefined, port: 0, publicUrl: 'http://localhost:8080' },
      store,
      normalizers: loadNormalizers(),
      logger: pino({ level: 'silent' }),
      clock,
      outbound: loopbackOutbound(),
      close: () => store.close(),
    };
    const consoleDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-console-'));
    writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    const fetchRefused: typeof fetch = async () => {
      throw new Error('no network in this test');
    };
    server = await buildApiServer(
      { app, pipeline: createPipeline(app, { fetch: fetchRefused }), publicUrl: app.config.publicUrl, fetch: fetchRefused },
      { consoleDir, onRoute: (route) => routes.push(route) },
    );
    await server.ready();
    close = async () => {
      await server.close();
      await store.close();
      rmSync(consoleDir, { recursive: true, force: true });
    };
  });
  afterAll(async () => close());

  /** `METHOD url` of every route, with whether it is public (read after ready: the console scope marks its routes). */
  function enumerate(): { method: string; url: string; isPublic: boolean }[] {
    return routes.flatMap((route) => [route.method].flat().map((method) => ({ method: String(method), url: route.url, isPublic: route.config?.public === true })));
  }

  it('registers every route plugin', () => {
    expect(ROUTE_PLUGINS.map((p) => p.name)).toContain('auth');
    const urls = new Set(enumerate().map((r) => r.url));
    expect(urls.has('/api/session')).toBe(true);
    expect(urls.has('/api/openapi.json')).toBe(true);
    expect(enumerate().length).toBeGreaterThan(10);
  });

  it('the only public routes are session, setup, login, single sign-on, the OAuth callback and the console', () => {
    // /oauth/callback bounces the browser to /oauth/complete (the SameSite=Strict cookie is only sent on the
    // second, same-site navigation), which checks the state's session binding itself.
    const allowed = new Set([
      'GET /api/session',
      'HEAD /api/session',
      'POST /api/setup',
      'POST /api/login',
      // Single sign-on: the start (no session yet) and the provider's redirect back (state, browser binding, ID token checked there).
      'GET /api/auth/oidc/start',
      'HEAD /api/auth/oidc/start',
      'GET /api/auth/oidc/callback',
      'HEAD /api/auth/oidc/callback',
      'GET /oauth/callback',
      'HEAD /oauth/callback',
      'GET /oauth/complete',
      'HEAD /oauth/complete',
      'GET /*',
      'HEAD /*',
    ]);
    const publicRoutes = enumerate()
      .filter((r) => r.isPublic)
      .map((r) => `${r.method} ${r.url}`);
    expect(publicRoutes.filter((r) => !allowed.has(r))).toEqual([]);
    expect(publicRoutes).toEqual(expect.arrayContaining(['GET /api/session', 'POST /api/setup', 'POST /api/login', 'GET /*']));
  });

  it('every other route answers 401 without credentials', async () => {
    const guarded = enumerate().filter((r) => !r.isPublic);
    expect(guarded.length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const { method, url } of guarded) {
      const filled = url.replace(/:[A-Za-z0-9_]+/g, 'x').replace(/\*/g, 'x');
      const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
      const response = await server.inject({
        method: method as 'GET',
        url: filled,
        ...(hasBody ? { headers: { 'content-type': 'application/json' }, payload: '{}' } : {}),
      });
      if (response.statusCode !== 401) failures.push(`${method} ${url} -> ${response.statusCode}`);
      else if (method !== 'HEAD') expect(response.json()).toMatchObject({ code: 'unauthenticated' });
      // A forged cookie or token is no better.
      const forged = await server.inject({ method: method as 'GET', url: filled, headers: { authorization: 'Bearer zt_forged' } });
      if (forged.statusCode !== 401) failures.push(`${method} ${url} with a forged token -> ${forged.statusCode}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('CLI: the first admin', () => {
  const dirs: string[] = [];
  const children: CliChild[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (!child.done()) child.child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-admin-'));
    dirs.push(dir);
    return dir;
  };

  it('`admin create` prints a one-time setup link; with --password-stdin it creates the user', async () => {
    const dataDir = tempDir();
    const out = await runCli(['admin', 'create', '--data-dir', dataDir], { ZOOMTRAIL_PUBLIC_URL: 'https://zt.example.com' });
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toMatch(/^https:\/\/zt\.example\.com\/setup\?token=[A-Za-z0-9_-]{43}$/);

    const admin = (input: string) => runCli(['admin', 'create', '--data-dir', dataDir, '--username', 'ops', '--password-stdin'], {}, { input });
    const refused = await admin('short\n');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/at least 12 characters/);
    const created = await admin('a long enough password\n');
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/Created the admin account "ops"/);
    expect(created.stdout + created.stderr).not.toContain('a long enough password');
    const store = await openSqliteStore({ dataDir, clock: new ManualClock(Date.now()), env: {} });
    try {
      expect((await store.findUserByUsername('ops'))?.passwordHash).toMatch(/^\$argon2id\$/);
    } finally {
      await store.close();
    }
    expect((await admin('a long enough password\n')).stderr).toMatch(/exists already/);
  });

  it('`start` on a fresh data dir prints a setup link and serves the API on the port', async () => {
    const dataDir = tempDir();
    const child = spawnCli(['start', '--port', '0', '--data-dir', dataDir], { ZOOMTRAIL_LOG_LEVEL: 'warn' });
    children.push(child);
    expect(await waitUntil(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(child.stderr()) || child.done(), 20_000, 20)).toBe(true);
    const stderr = child.stderr();
    expect(stderr).toMatch(/Open this link to create the admin account: http:\/\/localhost:\d+\/setup\?token=[A-Za-z0-9_-]{43}/);
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)![1];
    expect(stderr).toContain(`console at http://localhost:${port}`);
    // `admin create` in another shell links to the port this server listens on, not the default 8080.
    const link = await runCli(['admin', 'create', '--data-dir', dataDir], { ZOOMTRAIL_LOG_LEVEL: 'warn' });
    expect(link.stdout.trim()).toMatch(new RegExp(`^http://localhost:${port}/setup\\?token=[A-Za-z0-9_-]{43}$`));
    const session = await fetch(`http://127.0.0.1:${port}/api/session`);
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ authenticated: false, username: null, role: null, csrfToken: null, setupRequired: true });
    expect((await fetch(`http://127.0.0.1:${port}/api/sources`)).status).toBe(401);
    child.child.kill('SIGTERM');
    const result = await child.exited;
    expect(result.code).toBe(0);
  });
});
