import type { FastifyInstance, RouteOptions } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenOf, SESSION_COOKIE } from '../src/api/auth-session.js';
import { buildApiServer } from '../src/api/build-server.js';
import type { AppContext } from '../src/app/app-context.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';
import { createPipeline } from '../src/app/pipeline.js';
import { ROLES, type Role, type Scope } from '../src/domain/access-scope.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { ManualClock } from '../src/shared/clock.js';
import { hashSecret } from '../src/store/auth-store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';

/**
 * The role matrix (issue 17, part 2): what every route needs, written out here by hand, independently of the
 * routes' own `config.access`. Every route the real server registers must be in this table (a new route fails
 * until someone decides who may use it), and every role and every token scope gets the answer the table says:
 * 403 `forbidden` where it lacks the scope, anything but 403 where it has it.
 */
type Need = Scope | 'signed-in';
const NEEDS: Readonly<Record<string, Need>> = {
  'GET /api/openapi.json': 'signed-in',
  'POST /api/logout': 'signed-in',
  'POST /api/me/password': 'signed-in',
  'GET /api/tokens': 'signed-in',
  'POST /api/tokens': 'signed-in',
  'DELETE /api/tokens/:id': 'signed-in',
  'GET /api/sources': 'read',
  'GET /api/sources/:id': 'read',
  'GET /api/sources/:id/coverage': 'read',
  'GET /api/setup-info': 'read',
  'POST /api/sources': 'admin',
  'PATCH /api/sources/:id': 'admin',
  'DELETE /api/sources/:id': 'admin',
  'POST /api/sources/:id/pause': 'admin',
  'POST /api/sources/:id/resume': 'admin',
  'POST /api/sources/:id/backfill': 'admin',
  'POST /api/sources/:id/authorize': 'admin',
  'POST /api/sources/:id/check': 'admin',
  'POST /api/sources/:id/finish': 'admin',
  'GET /api/health': 'read',
  'GET /api/events': 'read',
  'GET /api/events/histogram': 'read',
  'GET /api/events/export': 'read',
  'GET /api/events/:rowId': 'read',
  'GET /api/failures': 'read',
  'GET /api/rules': 'read',
  'PATCH /api/rules/:id': 'admin',
  'GET /api/rules/:id': 'read',
  'DELETE /api/rules/:id/tuning': 'admin',
  'GET /api/rules/:id/source': 'read',
  'GET /api/rules/:id/backtest': 'triage',
  'GET /api/suppressions': 'read',
  'POST /api/suppressions': 'admin',
  'DELETE /api/suppressions/:id': 'admin',
  'GET /api/saved-searches': 'read',
  'POST /api/saved-searches': 'read',
  'PATCH /api/saved-searches/:id': 'read',
  'DELETE /api/saved-searches/:id': 'read',
  'GET /api/saved-searches/:id/detection': 'read',
  'POST /api/saved-searches/:id/detection': 'admin',
  'GET /api/users/:email/activity': 'read',
  'GET /api/sign-ins/map': 'read',
  'GET /api/rule-errors': 'read',
  'GET /api/alerts': 'read',
  'GET /api/alerts/:id': 'read',
  'POST /api/alerts/:id/status': 'triage',
  'GET /api/alerts/assignees': 'read',
  'PATCH /api/alerts/:id': 'triage',
  'POST /api/alerts/:id/comments': 'triage',
  'GET /api/alerts/:id/history': 'read',
  'POST /api/alerts/bulk': 'triage',
  'GET /api/overview': 'read',
  'GET /api/destinations': 'read',
  'POST /api/destinations': 'admin',
  'PATCH /api/destinations/:id': 'admin',
  'DELETE /api/destinations/:id': 'admin',
  'POST /api/destinations/:id/test': 'admin',
  'GET /api/sinks': 'read',
  'POST /api/sinks': 'admin',
  'GET /api/sinks/:id': 'read',
  'PATCH /api/sinks/:id': 'admin',
  'DELETE /api/sinks/:id': 'admin',
  'POST /api/sinks/:id/test': 'admin',
  'POST /api/sinks/:id/pause': 'admin',
  'POST /api/sinks/:id/resume': 'admin',
  'POST /api/sinks/:id/replay': 'admin',
  'GET /api/sinks/:id/dead-letters': 'read',
  'POST /api/sinks/:id/dead-letters/retry': 'admin',
  'GET /api/users': 'admin',
  'POST /api/users/invitations': 'admin',
  'PATCH /api/users/:id': 'admin',
  'POST /api/users/:id/password-reset': 'admin',
  'DELETE /api/users/:id/sessions': 'admin',
  'GET /api/audit': 'admin',
  'GET /api/audit/export': 'admin',
  'GET /metrics': 'metrics',
};

/**
 * Routes anyone may call (no session yet), checked below to be exactly these: sign-in, setup, single sign-on
 * (OpenID Connect: its callback checks the state, the browser binding and the ID token), the Zoom OAuth
 * callback (and the console's files, not served here). Every other route is in NEEDS.
 */
const PUBLIC: readonly string[] = [
  'GET /api/session',
  'POST /api/setup',
  'POST /api/login',
  'GET /api/auth/oidc/start',
  'GET /api/auth/oidc/callback',
  'GET /oauth/callback',
  'GET /oauth/complete',
];

/** The roles, spelled out: admin everything; analyst searches, triages, backtests; viewer reads. Metrics for all. */
const ROLE_MAY: Readonly<Record<Role, ReadonlySet<Need>>> = {
  admin: new Set(['signed-in', 'read', 'triage', 'admin', 'metrics']),
  analyst: new Set(['signed-in', 'read', 'triage', 'metrics']),
  viewer: new Set(['signed-in', 'read', 'metrics']),
};

/** Tokens (owned by an admin) by their one scope: `admin` includes triage and read; `metrics` is only /metrics. */
const SCOPE_MAY: Readonly<Record<Scope, ReadonlySet<Need>>> = {
  admin: new Set(['signed-in', 'read', 'triage', 'admin', 'metrics']),
  triage: new Set(['signed-in', 'read', 'triage']),
  read: new Set(['signed-in', 'read']),
  metrics: new Set(['signed-in', 'metrics']),
};

describe('role matrix: every route, every role, every token scope', () => {
  const routes: RouteOptions[] = [];
  let server: FastifyInstance;
  let store: Store;
  const userIds = new Map<Role, string>();
  let sessionCount = 0;

  beforeAll(async () => {
    const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
    store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {} });
    const app: AppContext = {
      config: { dataDir: ':memory:', databaseUrl: undefined, logLevel: 'silent', configFile: undefined, port: 0, publicUrl: 'http://localhost:8080' },
      store,
      normalizers: loadNormalizers(),
      logger: pino({ level: 'silent' }),
      clock,
      outbound: loopbackOutbound(),
      close: () => store.close(),
    };
    const fetchRefused: typeof fetch = async () => {
      throw new Error('no network in this test');
    };
    server = await buildApiServer(
      { app, pipeline: createPipeline(app, { fetch: fetchRefused }), publicUrl: app.config.publicUrl, fetch: fetchRefused },
      { consoleDir: null, onRoute: (route) => routes.push(route) },
    );
    // A route that forgets to declare its access: nobody may use it, not even an admin.
    server.get('/api/undeclared', async () => ({ leaked: true }));
    await server.ready();
    for (const role of ROLES) userIds.set(role, (await store.createUser({ username: `${role}-user`, passwordHash: 'h', role })).id);
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  function guardedRoutes(): { method: string; url: string; key: string }[] {
    return routes
      .filter((route) => route.config?.public !== true && route.url !== '/api/undeclared')
      .flatMap((route) => [route.method].flat().map((method) => ({ method: String(method), url: route.url, key: `${String(method === 'HEAD' ? 'GET' : method)} ${route.url}` })));
  }

  /** A fresh session per request (so POST /api/logout ends nobody else's). */
  async function sessionHeaders(role: Role): Promise<Record<string, string>> {
    const sessionId = `session-${++sessionCount}`;
    const session = await store.createSession({
      idHash: hashSecret(sessionId),
      userId: userIds.get(role)!,
      csrfSecret: `csrf-${sessionCount}`,
      expiresAt: Date.parse('2026-03-11T00:00:00Z'),
    });
    return { cookie: `${SESSION_COOKIE}=${sessionId}`, 'x-csrf-token': csrfTokenOf(session) };
  }

  async function tokenHeaders(scope: Scope): Promise<Record<string, string>> {
    const value = `zt_matrix_${scope}_${++sessionCount}`;
    await store.createApiToken({ name: `matrix-${scope}`, tokenHash: hashSecret(value), userId: userIds.get('admin')!, scopes: [scope] });
    return { authorization: `Bearer ${value}` };
  }

  async function call(method: string, url: string, headers: Record<string, string>) {
    const filled = url.replace(/:[A-Za-z0-9_]+/g, 'x');
    const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
    return server.inject({
      method: method as 'GET',
      url: filled,
      headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      ...(hasBody ? { payload: '{}' } : {}),
    });
  }

  it('the public routes are exactly the PUBLIC list (single sign-on included)', () => {
    const publicKeys = new Set(
      routes
        .filter((route) => route.config?.public === true)
        .flatMap((route) =>
          [route.method]
            .flat()
            .filter((m) => m !== 'HEAD')
            .map((m) => `${String(m)} ${route.url}`),
        ),
    );
    expect([...publicKeys].sort()).toEqual([...PUBLIC].sort());
  });

  it('every registered route is in the table, and the table names no route that does not exist', () => {
    const keys = new Set(guardedRoutes().map((r) => r.key));
    expect([...keys].filter((k) => !(k in NEEDS))).toEqual([]);
    expect(Object.keys(NEEDS).filter((k) => !keys.has(k))).toEqual([]);
    expect(keys.size).toBeGreaterThan(35);
  });

  it.each(ROLES)('role %s gets 403 exactly where the table says it lacks the scope', async (role) => {
    const failures: string[] = [];
    for (const { method, url, key } of guardedRoutes()) {
      const response = await call(method, url, await sessionHeaders(role));
      const allowed = ROLE_MAY[role].has(NEEDS[key]!);
      if (allowed && response.statusCode === 403) failures.push(`${role} ${method} ${url}: 403 but allowed (${response.body})`);
      if (!allowed && (response.statusCode !== 403 || (method !== 'HEAD' && response.json().code !== 'forbidden'))) {
        failures.push(`${role} ${method} ${url}: ${response.statusCode} but forbidden`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(['read', 'triage', 'admin', 'metrics'] as const)('a token with only the %s scope gets 403 exactly where it lacks it', async (scope) => {
    const failures: string[] = [];
    const headers = await tokenHeaders(scope);
    for (const { method, url, key } of guardedRoutes()) {
      const response = await call(method, url, headers);
      const allowed = SCOPE_MAY[scope].has(NEEDS[key]!);
      if (allowed && response.statusCode === 403) failures.push(`${scope} ${method} ${url}: 403 but allowed (${response.body})`);
      if (!allowed && response.statusCode !== 403) failures.push(`${scope} ${method} ${url}: ${response.statusCode} but forbidden`);
    }
    expect(failures).toEqual([]);
  });

  it("a token never does more than its owner's role: a viewer's admin-scoped token still only reads", async () => {
    const value = 'zt_viewer_admin_scope';
    await store.createApiToken({ name: 'overreach', tokenHash: hashSecret(value), userId: userIds.get('viewer')!, scopes: ['admin'] });
    const headers = { authorization: `Bearer ${value}` };
    expect((await call('GET', '/api/sources', headers)).statusCode).toBe(200);
    expect((await call('POST', '/api/sources', headers)).statusCode).toBe(403);
    expect((await call('POST', '/api/alerts/:id/status', headers)).statusCode).toBe(403);
  });

  it('a route that declares no access answers 403 to everyone (default deny)', async () => {
    const response = await call('GET', '/api/undeclared', await sessionHeaders('admin'));
    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('leaked');
  });
});
