import { readdirSync, readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifySchema, type RouteOptions } from 'fastify';
import type { Static } from 'typebox';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type * as Api from './api-types.js';
import { buildApiServer } from './build-server.js';
import { ROUTE_PLUGINS } from './route-plugins.js';
import { startRouteTestServer, type RouteTestServer } from './route-test-server.test-support.js';
import { activity, createSource, detect, operation, storeRecords, TWO_FACTOR_OFF } from './routes/route-seed.test-support.js';
import * as alerts from './schemas/alerts.js';
import * as audit from './schemas/audit.js';
import * as auth from './schemas/auth.js';
import * as common from './schemas/common.js';
import * as destinations from './schemas/destinations.js';
import * as events from './schemas/events.js';
import * as health from './schemas/health.js';
import * as rules from './schemas/rules.js';
import * as overview from './schemas/overview.js';
import * as signIns from './schemas/sign-ins.js';
import * as sources from './schemas/sources.js';
import * as sinks from './schemas/sinks.js';
import * as users from './schemas/users.js';
import * as savedSearches from './schemas/saved-searches.js';

/**
 * The API's one contract: the console's types (api-types.ts) are derived
 * from the schemas in src/api/schemas/, which are the very values the routes
 * validate and serialize with; and no response loses a field to the
 * serializer.
 */

const SCHEMA_MODULES = { alerts, audit, auth, common, destinations, events, health, overview, rules, savedSearches, signIns, sinks, sources, users };
const exportedSchemas = new Map<unknown, string>();
for (const [file, module] of Object.entries(SCHEMA_MODULES)) {
  for (const [name, value] of Object.entries(module)) if (value !== null && typeof value === 'object') exportedSchemas.set(value, `${file}.${name}`);
}
const schemaNames = new Set([...exportedSchemas.values()].map((n) => n.slice(n.indexOf('.') + 1)));

describe('the console types come from the route schemas', () => {
  it('api-types.ts declares nothing by hand: every type is Static<typeof a schema the routes use>', () => {
    const text = readFileSync(new URL('./api-types.ts', import.meta.url), 'utf8');
    expect(text).not.toMatch(/\binterface\b/);
    const declarations = text.split('\n').filter((line) => /^export\s/.test(line));
    expect(declarations.length).toBeGreaterThan(30);
    for (const line of declarations) {
      const match = /^export type (\w+) = Static<typeof (\w+)>;$/.exec(line);
      expect(match, line).not.toBeNull();
      expect(schemaNames.has(match![2]!), `${match![2]} is exported by a module in src/api/schemas/`).toBe(true);
    }
  });

  it('the console imports exactly these types', () => {
    const text = readFileSync(new URL('../../web/src/types.ts', import.meta.url), 'utf8');
    expect(text.split('\n').filter((line) => line.startsWith('export'))).toEqual(["export type * from '../../src/api/api-types.ts';"]);
  });

  it("the console spells no response shape of its own: it names the contract's types", () => {
    const dir = new URL('../../web/src/', import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(text, file).not.toMatch(/\bapi\.\w+<\s*\{/);
    }
  });

  it('the type system agrees (checked by tsc)', () => {
    expectTypeOf<Api.SourceView>().toEqualTypeOf<Static<typeof sources.SourceViewSchema>>();
    expectTypeOf<Api.AlertPage>().toEqualTypeOf<Static<typeof alerts.AlertPageSchema>>();
    expectTypeOf<Api.EventView>().toEqualTypeOf<Static<typeof events.EventViewSchema>>();
    expectTypeOf<Api.DestinationView>().toEqualTypeOf<Static<typeof destinations.DestinationViewSchema>>();
    expectTypeOf<Api.RuleView>().toEqualTypeOf<Static<typeof rules.RuleViewSchema>>();
    expectTypeOf<Api.HealthView>().toEqualTypeOf<Static<typeof health.HealthViewSchema>>();
    expectTypeOf<Api.SessionInfo>().toEqualTypeOf<Static<typeof auth.SessionInfoSchema>>();
    expectTypeOf<Api.Severity>().toEqualTypeOf<'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'>();
    expectTypeOf<Api.SourceView['lastError']>().toEqualTypeOf<{ code: string; message: string; fix: string; at: string } | null>();
  });
});

describe('every route takes its schemas from src/api/schemas/', () => {
  const routes: RouteOptions[] = [];
  let server: FastifyInstance;
  let t: RouteTestServer;
  beforeAll(async () => {
    t = await startRouteTestServer([]);
    server = await buildApiServer(t.context, { consoleDir: null, onRoute: (route) => routes.push(route) });
    await server.ready();
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it('each part of each schema is one of the exported schemas; each route has a success response; error statuses are ApiError', () => {
    const documented = routes.filter((r) => r.schema && !(r.schema as { hide?: boolean }).hide);
    expect(documented.length).toBeGreaterThan(30);
    for (const route of documented) {
      const where = `${String(route.method)} ${route.url}`;
      const schema = route.schema as FastifySchema & { response?: Record<string, unknown> };
      for (const part of ['body', 'querystring', 'params'] as const) {
        if (schema[part] !== undefined) expect(exportedSchemas.has(schema[part]), `${where} ${part}`).toBe(true);
      }
      const responses = Object.entries(schema.response ?? {});
      expect(
        responses.some(([status]) => /^[23]/.test(status)),
        `${where} declares a success response`,
      ).toBe(true);
      for (const [status, value] of responses) {
        expect(exportedSchemas.has(value), `${where} ${status}`).toBe(true);
        if (/^4|^5/.test(status) && route.url !== '/oauth/complete') expect(value, `${where} ${status}`).toBe(common.ApiErrorSchema);
      }
    }
    // The OpenAPI document is built from the same schemas.
    const paths = (server.swagger() as { paths: Record<string, unknown> }).paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/api/sources', '/api/sources/{id}', '/api/alerts', '/api/events', '/api/destinations', '/api/rules', '/api/health']),
    );
  });
});

/** Hooks recording, per response, the payload the handler gave and the body sent, and whether the status is documented. */
function recordResponses(server: FastifyInstance, seen: { route: string; status: number; payload?: unknown; body?: string; documented: boolean }[]): void {
  server.addHook('preSerialization', async (request, _reply, payload) => {
    (request as unknown as { payloadSeen: unknown }).payloadSeen = payload;
    return payload;
  });
  server.addHook('onSend', async (request, reply, body) => {
    const response = (request.routeOptions.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {};
    seen.push({
      route: `${request.method} ${request.routeOptions.url ?? request.url}`,
      status: reply.statusCode,
      payload: (request as unknown as { payloadSeen?: unknown }).payloadSeen,
      ...(typeof body === 'string' ? { body } : {}),
      documented: String(reply.statusCode) in response,
    });
    return body;
  });
}

/** JSON with object keys sorted (the serializer writes them in the schema's order). */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, x]) => [k, sort(x)]),
          )
        : v;
  return JSON.stringify(sort(value));
}

/** The responses whose body lost (or changed) something the handler sent. */
function dropped(seen: { route: string; payload?: unknown; body?: string }[]): string[] {
  return seen
    .filter((s) => s.payload !== undefined && s.body !== undefined)
    .filter((s) => canonical(JSON.parse(s.body!)) !== canonical(JSON.parse(JSON.stringify(s.payload))))
    .map((s) => `${s.route}: sent ${s.body!.slice(0, 300)} for ${JSON.stringify(s.payload).slice(0, 300)}`);
}

describe('the serializer drops no field', () => {
  it('the check catches a field missing from a response schema', async () => {
    const seen: Parameters<typeof recordResponses>[1] = [];
    const server = Fastify();
    recordResponses(server, seen);
    server.get('/x', { schema: { response: { 200: { type: 'object', properties: { a: { type: 'string' } } } } } }, async () => ({ a: 'kept', b: 'dropped' }));
    const res = await server.inject({ method: 'GET', url: '/x' });
    expect(res.json()).toEqual({ a: 'kept' });
    expect(dropped(seen)).toHaveLength(1);
    await server.close();
  });

  it('every route answers with exactly what its handler sent, with a documented status', async () => {
    const seen: Parameters<typeof recordResponses>[1] = [];
    const t = await startRouteTestServer(ROUTE_PLUGINS, { beforeRoutes: (server) => recordResponses(server, seen) });
    try {
      const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
        const res = await t.server.inject({ method, url, ...(payload ? { payload } : {}) });
        return res;
      };
      const seeded = await createSource(t.app);
      await storeRecords(t.app, seeded, 'Zoom.Operation', [operation('2026-03-10T10:00:00Z', { operation_detail: TWO_FACTOR_OFF }), operation('2026-03-10T10:05:00Z')]);
      const [signIn] = await storeRecords(t.app, seeded, 'Zoom.Activity', [activity('2026-03-10T09:00:00Z'), activity('2026-03-10T09:30:00Z', 'alice@example.com', '84.150.1.2')]);
      await detect(t.app);

      const created = (
        await call('POST', '/api/sources', {
          name: 'S2S',
          authKind: 's2s',
          clientId: 'c',
          clientSecret: 'secret-1',
          zoomAccountId: 'a',
          quietSchedule: { timeZone: 'UTC', days: [0, 6], window: { from: '22:00', to: '06:00' } },
        })
      ).json<Api.SourceView>();
      await call('POST', '/api/sources', { name: 'OAuth', authKind: 'authorization_code', clientId: 'c', clientSecret: 'secret-2' });
      await call('POST', '/api/sources', {});
      for (const url of [
        '/api/sources',
        `/api/sources/${seeded}`,
        `/api/sources/${created.id}`,
        `/api/sources/${seeded}/coverage?days=3`,
        '/api/setup-info',
        '/api/health',
        '/api/sources/nope',
      ])
        await call('GET', url);
      await call('PATCH', `/api/sources/${created.id}`, { name: 'Renamed', dropOffAlarmMinutes: 60 });
      await call('POST', `/api/sources/${created.id}/pause`);
      await call('POST', `/api/sources/${created.id}/resume`);
      await call('POST', `/api/sources/${created.id}/backfill`, { days: 2 });
      await call('POST', `/api/sources/${created.id}/authorize`);
      await call('POST', `/api/sources/${created.id}/finish`, { dropOffAlarmMinutes: null });

      for (const url of [
        '/api/events',
        '/api/events?logType=Zoom.Operation&limit=1',
        '/api/events/histogram?buckets=4',
        `/api/events/${signIn!.rowId}`,
        '/api/events/nope',
        '/api/failures',
        '/api/rules',
        '/api/rule-errors',
        '/api/tokens',
        '/api/session',
        '/api/users/alice@example.com/activity',
        '/api/users/admin@example.com/activity?days=7',
        '/api/users/nope/activity',
        '/api/sign-ins/map',
        '/api/sign-ins/map?email=alice@example.com',
      ])
        await call('GET', url);
      await call('PATCH', '/api/rules/Zoom.Two.Factor.Authentication.Disabled', { enabled: false });
      await call('POST', '/api/tokens', { name: 'ci' });

      const page = (await call('GET', '/api/alerts')).json<Api.AlertPage>();
      expect(page.alerts.length).toBeGreaterThan(0);
      await call('GET', `/api/alerts/${page.alerts[0]!.id}`);
      await call('GET', `/api/sign-ins/map?alertId=${page.alerts[0]!.id}`);
      await call('POST', `/api/alerts/${page.alerts[0]!.id}/status`, { status: 'acknowledged', note: 'looking' });
      await call('GET', '/api/alerts?status=nope');

      const destination = (
        await call('POST', '/api/destinations', { name: 'Hook', kind: 'webhook', url: 'https://hooks.example.com/x', secret: 'hook-secret', minSeverity: 'HIGH' })
      ).json<Api.DestinationView>();
      await call('POST', '/api/destinations', { name: 'Hook', kind: 'webhook', url: 'https://hooks.example.com/y', secret: 'hook-secret' });
      await call('GET', '/api/destinations');
      await call('PATCH', `/api/destinations/${destination.id}`, { ruleIds: ['Zoom.Two.Factor.Authentication.Disabled'] });
      await call('DELETE', `/api/destinations/${destination.id}`);
      await call('DELETE', `/api/sources/${created.id}`);

      expect(seen.length).toBeGreaterThan(35);
      expect(new Set(seen.map((s) => s.status))).toEqual(new Set([200, 201, 204, 400, 404, 409]));
      expect(seen.filter((s) => s.payload !== undefined && s.body !== undefined).length, 'responses compared').toBeGreaterThan(30);
      expect(dropped(seen)).toEqual([]);
      expect(seen.filter((s) => !s.documented).map((s) => `${s.route} ${s.status}`)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
