import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { pino } from 'pino';
import type { AppContext } from '../app/app-context.js';
import { grantedScopes } from '../domain/access-scope.js';
import { createPipeline } from '../app/pipeline.js';
import { sharedIpLocator } from '../normalize/ip-locator.js';
import { DEFAULT_SCHEMA_DIR, loadNormalizers } from '../normalize/log-type-registry.js';
import { ManualClock } from '../shared/clock.js';
import type { OutboundAccess } from '../shared/guarded-fetch.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { ApiContext, ApiUser } from './api-context.js';
import { loopbackOutbound } from '../app/outbound-access.test-support.js';
import { API_AJV_OPTIONS } from './build-server.js';

export const ROUTE_TEST_NOW = Date.parse('2026-03-10T12:00:00Z');
const TEST_USER: ApiUser = { id: 'user-1', username: 'admin', via: 'session', sessionId: 'session-1', role: 'admin', scopes: grantedScopes('admin'), token: null };

export interface RouteTestServer {
  server: FastifyInstance;
  context: ApiContext;
  app: AppContext;
  clock: ManualClock;
  close(): Promise<void>;
}

/**
 * A bare Fastify server with route plugins registered as the real server
 * registers them (under their prefix, with an ApiContext over an in-memory
 * store), and every request already signed in as `admin` (authentication and
 * CSRF are the real server's job, tested there). For testing one resource's
 * routes with `server.inject`.
 */
export async function startRouteTestServer(
  plugins: ReadonlyArray<{ plugin: FastifyPluginAsync<ApiContext>; prefix: string }>,
  options: {
    fetch?: typeof fetch;
    /** The outbound address policy and guarded fetch; default loopback allowed (loopbackOutbound), as the receivers in tests need. */
    outbound?: OutboundAccess;
    publicUrl?: string;
    clock?: ManualClock;
    /** The rules directory (loaded before the routes); default none (built-in rules only). */
    rulesDir?: string;
    /** Called before the plugins are registered (to add hooks that see every route). */ beforeRoutes?: (server: FastifyInstance) => void;
  } = {},
): Promise<RouteTestServer> {
  const clock = options.clock ?? new ManualClock(ROUTE_TEST_NOW);
  const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {} });
  const logger = pino({ level: 'silent' });
  const app: AppContext = {
    config: {
      dataDir: ':memory:',
      rulesDir: options.rulesDir ?? '/nonexistent/zoomtrail-rules',
      databaseUrl: undefined,
      logLevel: 'silent',
      configFile: undefined,
      port: 0,
      publicUrl: options.publicUrl ?? 'http://localhost:8080',
    },
    store,
    // Enriched as in production (packaged databases; opened on the first public address).
    normalizers: loadNormalizers(DEFAULT_SCHEMA_DIR, sharedIpLocator()),
    ipLocator: sharedIpLocator(),
    logger,
    clock,
    outbound: options.outbound ?? loopbackOutbound(),
    close: () => store.close(),
  };
  const context: ApiContext = {
    app,
    pipeline: createPipeline(app, options.fetch ? { fetch: options.fetch } : {}),
    publicUrl: app.config.publicUrl,
    fetch: options.fetch ?? app.outbound.fetch,
  };
  if (options.rulesDir !== undefined) await context.pipeline.rules.load();
  const server = Fastify({ logger: false, ajv: API_AJV_OPTIONS });
  server.decorateRequest('user', null);
  server.addHook('onRequest', async (request) => {
    request.user = TEST_USER;
  });
  options.beforeRoutes?.(server);
  for (const { plugin, prefix } of plugins) await server.register(plugin, { ...context, prefix });
  await server.ready();
  return {
    server,
    context,
    app,
    clock,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}
