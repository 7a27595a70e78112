import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { registerAuthorizeRoutes } from './authorize-routes.js';
import { defaultFaultSettings, type FaultKind, type FaultMatch, type FaultSettings } from './fault-injector.js';
import { registerReportRoutes } from './report-routes.js';
import type { SimRequestLogEntry } from './request-log.js';
import { SimAccount, type SimAccountOptions } from './sim-account.js';
import { SimApp, type SimAppOptions } from './sim-app.js';
import { sendJson } from './sim-responses.js';
import { createSimState, type SimState } from './sim-state.js';
import { registerTokenRoutes } from './token-routes.js';
import { newTrackingId } from './tracking-id.js';
import { zoomErrors } from './zoom-errors.js';
import { resolveSimulatorOptions, type ZoomSimulatorOptions } from './zoom-simulator-options.js';

export type { ZoomSimulatorOptions } from './zoom-simulator-options.js';
export type { SimAccountOptions, GeneratedHistory } from './sim-account.js';
export type { SimAppOptions } from './sim-app.js';
export type { FaultKind, FaultMatch, FaultSettings } from './fault-injector.js';
export type { SimRequestLogEntry } from './request-log.js';
export type { SimPlan } from './plan-limits.js';
export { SimAccount, SimApp };

function firstValues(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof query !== 'object' || query === null) return out;
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    const first = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first === 'string') out[name] = first;
  }
  return out;
}

/**
 * Zoom as documented in shared/zoom-api.md, on a loopback port: OAuth
 * (authorization code with PKCE, rotating refresh tokens, Server-to-Server),
 * the two report endpoints with their window, paging and rate-limit rules, and
 * injectable faults. Every time rule runs on the injected clock.
 *
 * @example
 * const sim = await ZoomSimulator.start({ clock: new ManualClock(Date.parse('2026-03-01T12:00:00Z')) });
 * sim.addAccount({ accountId: 'acc' });
 * sim.addApp({ clientId: 'id', clientSecret: 'secret', accountId: 'acc', kind: 's2s' });
 * // POST `${sim.baseUrl}/oauth/token`, GET `${sim.apiUrl}/report/activities` ...
 * await sim.close();
 */
export class ZoomSimulator {
  /** OAuth base URL: the client appends /oauth/token, /oauth/authorize, /oauth/revoke. */
  readonly baseUrl: string;
  /** API base URL (baseUrl + /v2): the client appends /report/activities, /report/operationlogs. */
  readonly apiUrl: string;
  readonly #server: FastifyInstance;
  readonly #state: SimState;

  private constructor(server: FastifyInstance, state: SimState, baseUrl: string) {
    this.#server = server;
    this.#state = state;
    this.baseUrl = baseUrl;
    this.apiUrl = `${baseUrl}/v2`;
  }

  static async start(options?: ZoomSimulatorOptions): Promise<ZoomSimulator> {
    const resolved = resolveSimulatorOptions(options);
    const state = createSimState(resolved);
    const server = (
      resolved.logger ? Fastify({ loggerInstance: resolved.logger, forceCloseConnections: true }) : Fastify({ logger: false, forceCloseConnections: true })
    ) as FastifyInstance;
    await server.register(formbody);

    server.addHook('onRequest', async (request, reply) => {
      const [path = '/'] = request.url.split('?');
      state.log.begin(request.raw, {
        at: state.clock.now(),
        method: request.method,
        path,
        query: firstValues(request.query),
      });
      reply.header('x-zm-trackingid', newTrackingId());
    });
    server.addHook('onResponse', async (request, reply) => {
      const context = state.log.context(request.raw);
      if (context) state.log.finish(context, reply.statusCode);
    });
    server.setNotFoundHandler((request, reply) => {
      const context = state.log.context(request.raw);
      if (context) sendJson(reply, context, state.log, 404, zoomErrors.notFound());
      else reply.code(404).send(zoomErrors.notFound());
    });
    server.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
      reply.code(status).send({ code: status, message: error.message ?? 'Internal error' });
    });

    registerAuthorizeRoutes(server, state);
    registerTokenRoutes(server, state);
    registerReportRoutes(server, state);

    await server.listen({ host: resolved.host, port: resolved.port });
    const address = server.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const baseUrl = `http://${host}:${address.port}`;
    state.baseUrl = baseUrl;
    return new ZoomSimulator(server, state, baseUrl);
  }

  addAccount(options: SimAccountOptions): SimAccount {
    if (this.#state.accounts.has(options.accountId)) throw new Error(`account ${options.accountId} already exists`);
    const account = new SimAccount(options, {
      clock: this.#state.clock,
      calendar: this.#state.calendar,
      toInclusive: this.#state.options.toInclusive,
      hideFutureRecords: this.#state.options.hideFutureRecords,
    });
    this.#state.accounts.set(account.accountId, account);
    return account;
  }

  /** Registers an OAuth app in an existing account. */
  addApp(options: SimAppOptions): SimApp {
    const account = this.account(options.accountId);
    if (this.#state.apps.has(options.clientId)) throw new Error(`app ${options.clientId} already exists`);
    for (const uri of options.redirectUris ?? []) new URL(uri);
    if (options.homeUrl !== undefined && !/^https?:$/.test(new URL(options.homeUrl).protocol)) throw new Error(`homeUrl ${options.homeUrl} is not an http(s) URL`);
    const app = new SimApp(options);
    this.#state.apps.set(app.clientId, app);
    account.registerApp(app);
    return app;
  }

  account(accountId: string): SimAccount {
    const account = this.#state.accounts.get(accountId);
    if (!account) throw new Error(`unknown account ${accountId}`);
    return account;
  }

  /** Fault rates and latency; mutate fields at runtime, or assign a partial set (unset fields return to 0). */
  get faults(): FaultSettings {
    return this.#state.faults.settings;
  }

  set faults(settings: Partial<FaultSettings>) {
    Object.assign(this.#state.faults.settings, defaultFaultSettings(), settings);
  }

  /**
   * Plays `kind` on the next `count` matching requests, ahead of random faults.
   * Without `match.path` only report requests match; `{ path: '/oauth/token' }`
   * targets the token endpoint. `expirePageToken` waits for a request carrying a page token.
   */
  failNext(kind: FaultKind, count = 1, match?: FaultMatch): void {
    this.#state.faults.failNext(kind, count, match);
  }

  /** Every answered request, in answer order. */
  get requests(): ReadonlyArray<SimRequestLogEntry> {
    return this.#state.log.entries;
  }

  requestCount(filter?: { pathPrefix?: string; status?: number }): number {
    return this.#state.log.count(filter);
  }

  /** The admin removed the app in the Marketplace: all its tokens (access and refresh) and pending codes die. */
  revokeAllTokens(clientId: string): void {
    this.#state.tokens.revokeClient(clientId);
  }

  async close(): Promise<void> {
    await this.#server.close();
  }
}
