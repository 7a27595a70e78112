import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import type { Logger } from 'pino';
import { grantedScopes } from '../domain/access-scope.js';
import { findNulPath } from '../domain/nul-character.js';
import { ActionableError } from '../shared/actionable-error.js';
import { hashSecret } from '../store/auth-store.js';
import { ZoomError } from '../zoom/zoom-errors.js';
import type { ApiContext, ApiUser, RouteAccess } from './api-context.js';
import { installAuditTrail } from './audit-trail.js';
import { recordAudit } from '../app/audit-events.js';
import { ZOOMTRAIL_AUDIT_LOG_TYPE } from '../zoom/report-records.js';
import type { ApiError } from './api-types.js';
import { httpStatusOf } from './error-status.js';
import { csrfTokenMatches, SESSION_COOKIE, SESSION_POLICY, sessionOf as sessionOfRequest, setSessionOf } from './auth-session.js';
import { ROUTE_PLUGINS } from './route-plugins.js';
import { ApiHttpError } from './routes/route-support.js';

/** The built console (vite's output): `dist-web/` at the repository root, beside `dist/`. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../dist-web/', import.meta.url));

export interface BuildApiServerOptions {
  /** The built console's directory; default DEFAULT_CONSOLE_DIR; null serves no console. */
  consoleDir?: string | null;
  /** Default: the app's logger. */
  logger?: Logger;
  /** Sees every route as it is added (tests enumerate the routes with it). */
  onRoute?: (route: RouteOptions) => void;
  /** Default REQUEST_TIMEOUTS; tests shorten them. */
  timeouts?: RequestTimeouts;
}

export interface RequestTimeouts {
  /** Whole request (headers and body) received within this, else 408 and the connection closes. */
  requestMs: number;
  /** Headers received within this. */
  headersMs: number;
  /** How often the server checks the two above. */
  checkEveryMs: number;
}

/** A slow client (slowloris: headers or a body sent a byte at a time) cannot hold a connection: 30 s for a request, 15 s for its headers. */
export const REQUEST_TIMEOUTS: RequestTimeouts = { requestMs: 30_000, headersMs: 15_000, checkEveryMs: 5_000 };

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
};

/** Unknown fields are refused with 400 naming them, never dropped silently (Fastify's default removes them). Route tests use it too. */
export const API_AJV_OPTIONS = { customOptions: { removeAdditional: false as const } };

const NOT_BUILT_PAGE = 'Zoomtrail is running. The console is not built: run npm run build, then restart. The JSON API is at /api.\n';

/**
 * The HTTP server: the JSON API (every entry of ROUTE_PLUGINS) and the web
 * console, behind one authentication hook.
 *
 * - Every route needs a session cookie (`zt_session`, HttpOnly, SameSite=Strict)
 *   or `Authorization: Bearer <API token>`, unless it declares
 *   `config: { public: true }`; unknown /api and /oauth paths answer 401 too.
 * - POST/PUT/PATCH/DELETE with the session cookie need `X-CSRF-Token` (from
 *   GET /api/session); public POSTs need `Content-Type: application/json`.
 * - Errors are `ApiError` JSON; a 500 says nothing but that it failed (the log has it).
 */
export async function buildApiServer(context: ApiContext, options: BuildApiServerOptions = {}): Promise<FastifyInstance> {
  const { store } = context.app;
  const logger = options.logger ?? context.app.logger.child({ component: 'api' });
  const server = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: context.app.config.trustedProxies ?? false,
    requestTimeout: (options.timeouts ?? REQUEST_TIMEOUTS).requestMs,
    http: { headersTimeout: (options.timeouts ?? REQUEST_TIMEOUTS).headersMs, connectionsCheckingInterval: (options.timeouts ?? REQUEST_TIMEOUTS).checkEveryMs },
    bodyLimit: 1_048_576,
    ajv: API_AJV_OPTIONS,
  }) as unknown as FastifyInstance;
  server.decorateRequest('user', null);
  if (options.onRoute) server.addHook('onRoute', options.onRoute);

  server.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (pathOf(request).startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  server.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: pathOf(request), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  await server.register(fastifyCookie);
  await server.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, limit) =>
      new ApiHttpError(429, 'rate_limited', `Too many attempts: try again in ${limit.after}.`, undefined, `Wait ${limit.after}, then try again.`),
  });
  await server.register(fastifySwagger, {
    openapi: {
      info: { title: 'Zoomtrail API', version: '0.1.0', description: 'Zoom audit log collection, detections and alerts.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (zt_...) created in the console or with POST /api/tokens.' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The console session; state-changing requests also need X-CSRF-Token.' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });

  // --- authentication and CSRF -------------------------------------------------------
  async function authenticate(request: FastifyRequest): Promise<ApiUser | null> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) return null;
      const found = await store.useApiToken(hashSecret(match[1]!));
      if (!found) return null;
      const { user, token } = found;
      return {
        id: user.id,
        username: user.username,
        via: 'token',
        sessionId: null,
        role: user.role,
        scopes: grantedScopes(user.role, token.scopes),
        token: { id: token.id, name: token.name },
      };
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (!sessionId) return null;
    const session = await store.touchSession(hashSecret(sessionId), SESSION_POLICY);
    if (!session) return null;
    setSessionOf(request, session);
    return { id: session.userId, username: session.username, via: 'session', sessionId, role: session.role, scopes: grantedScopes(session.role), token: null };
  }

  // No text holding NUL (U+0000) gets past here: PostgreSQL cannot store it (a 500 deep in a query otherwise).
  server.addHook('preValidation', async (request, reply) => {
    const field = findNulPath(request.params, 'params') ?? findNulPath(request.query, 'query') ?? findNulPath(request.body);
    if (field === undefined) return;
    return sendError(reply, 400, {
      code: 'invalid_text',
      message: `"${field}" holds a NUL character (U+0000), which Zoomtrail does not accept in text.`,
      fields: [{ field, message: 'holds a NUL character (U+0000)' }],
      fix: 'Remove the NUL character and send the request again.',
    });
  });

  server.addHook('onRequest', async (request, reply) => {
    const url = pathOf(request);
    const guarded = isGuardedPath(url);
    // The console's routes (static files, SPA fallback) hold no data.
    if (request.is404 && !guarded) return;
    const isPublic = request.routeOptions.config?.public === true && !(request.is404 && guarded);
    request.user = await authenticate(request);
    if (isPublic) {
      if (UNSAFE_METHODS.has(request.method) && !isJson(request)) {
        return sendError(reply, 415, { code: 'unsupported_media_type', message: 'Send this request as JSON.', fix: 'Set the header Content-Type: application/json.' });
      }
      return;
    }
    if (!request.user) return sendError(reply, 401, UNAUTHENTICATED);
    if (request.user.via === 'session' && UNSAFE_METHODS.has(request.method)) {
      const session = sessionOfRequest(request);
      if (!session || !csrfTokenMatches(session, request.headers['x-csrf-token'])) {
        return sendError(reply, 403, {
          code: 'csrf',
          message: "This request lacks the session's CSRF token.",
          fix: 'Send the csrfToken from GET /api/session as the X-CSRF-Token header (reload the console if it was open before you signed in again).',
        });
      }
    }
    // Authorization: every route declares what it needs at registration (default deny).
    const access = request.is404 ? 'signed-in' : request.routeOptions.config?.access;
    if (access === undefined || (access !== 'signed-in' && !request.user.scopes.has(access))) {
      return sendError(reply, 403, forbidden(request.user, access));
    }
  });

  server.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = errorResponse(error);
    if (status >= 500) request.log.error({ err: error, method: request.method, url: pathOf(request) }, 'request failed');
    return reply.code(status).send(body);
  });

  // --- the audit trail (every state-changing request; see audit-trail.ts) --------------------
  installAuditTrail(server, store, (entry) =>
    recordAudit({ store, clock: context.app.clock, logger, normalizer: context.app.normalizers.get(ZOOMTRAIL_AUDIT_LOG_TYPE), onStored: context.pipeline.onEventsStored }, entry),
  );

  // --- the API ---------------------------------------------------------------------------
  server.get('/api/openapi.json', { config: { access: 'signed-in' }, schema: { hide: true } }, async () => server.swagger());
  for (const { plugin, prefix } of ROUTE_PLUGINS) await server.register(plugin, { ...context, prefix });

  // --- the console -------------------------------------------------------------------------
  const consoleDir = options.consoleDir === undefined ? DEFAULT_CONSOLE_DIR : options.consoleDir;
  const consoleBuilt = consoleDir !== null && existsSync(path.join(consoleDir, 'index.html')) && statSync(consoleDir).isDirectory();
  if (consoleBuilt) {
    await server.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), public: true };
      });
      await scope.register(fastifyStatic, {
        root: consoleDir,
        prefix: '/',
        wildcard: true,
        index: ['index.html'],
        decorateReply: false,
        // The build writes .br and .gz beside each asset (web/vite.config.ts); the one the client accepts is sent.
        preCompressed: true,
        setHeaders: (reply, filePath) => void reply.header('cache-control', consoleCacheControl(path.relative(consoleDir, filePath))),
      });
    });
  }

  server.setNotFoundHandler(async (request, reply) => {
    const url = pathOf(request);
    if (isGuardedPath(url)) {
      if (!request.user) return sendError(reply, 401, UNAUTHENTICATED);
      return sendError(reply, 404, { code: 'not_found', message: `There is no ${request.method} ${url}.`, fix: 'See GET /api/openapi.json for the routes.' });
    }
    // A console page (any path a browser navigates to, e.g. /detections/Zoom.PasscodeDisabled: rule ids hold dots)
    // gets index.html; a missing file (a path with an extension asked for by a script or stylesheet) a 404.
    const lastSegment = url.slice(url.lastIndexOf('/') + 1);
    const navigation = (request.headers.accept ?? '').includes('text/html');
    if ((request.method === 'GET' || request.method === 'HEAD') && (navigation || !lastSegment.includes('.'))) {
      if (consoleBuilt) {
        const html = await readFile(path.join(consoleDir, 'index.html'));
        return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
      }
      if (url === '/') return reply.code(200).type('text/plain; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found.\n');
  });

  return server;
}

/** Vite's hashed assets (`assets/<name>-<hash>.<ext>`) never change: cached for a year. Anything else, index.html first, is revalidated. */
export function consoleCacheControl(relativePath: string): string {
  return /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(\.(br|gz))?$/.test(relativePath.split(path.sep).join('/')) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

const UNAUTHENTICATED: ApiError = {
  code: 'unauthenticated',
  message: 'You are not signed in.',
  fix: 'Sign in to the console, or send an API token as the header Authorization: Bearer <token>.',
};

function forbidden(user: ApiUser, access: RouteAccess | undefined): ApiError {
  if (access === undefined) {
    return { code: 'forbidden', message: 'This route declares no access rule, so nobody may use it.', fix: 'Report this: every route must declare config.access.' };
  }
  const who = user.via === 'token' ? `The API token "${user.token?.name ?? ''}"` : `Your role (${user.role})`;
  return {
    code: 'forbidden',
    message: `${who} does not allow this: it needs the "${access}" scope.`,
    fix: user.via === 'token' ? 'Use a token with that scope (its owner must hold it too).' : 'Ask an admin for a role that allows it.',
  };
}

function sendError(reply: FastifyReply, status: number, body: ApiError): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

function pathOf(request: FastifyRequest): string {
  const url = request.raw.url ?? request.url;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Paths that never fall back to the console: the API and the OAuth callback. */
function isGuardedPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url === '/oauth' || url.startsWith('/oauth/');
}

function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && /^application\/json\s*(;|$)/i.test(type.trim());
}

/** Status and ApiError body for a thrown error; never a stack or a secret. */
export function errorResponse(error: unknown): { status: number; body: ApiError } {
  if (error instanceof ApiHttpError) return { status: error.statusCode, body: error.body() };
  const fastifyError = error as Partial<FastifyError>;
  if (Array.isArray(fastifyError.validation)) {
    const where = fastifyError.validationContext ?? 'request';
    const fields = fastifyError.validation.map((v) => {
      const params = v.params ?? {};
      const base = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const extra = typeof params.missingProperty === 'string' ? params.missingProperty : typeof params.additionalProperty === 'string' ? params.additionalProperty : '';
      const field = [base, extra].filter(Boolean).join('.') || where;
      return { field, message: `${field} ${v.message ?? 'is invalid'}` };
    });
    return { status: 400, body: { code: 'invalid_request', message: `Invalid ${where}: ${fields.map((f) => f.message).join('; ')}.`, fields } };
  }
  if (error instanceof ZoomError) return { status: 502, body: { code: String(error.code), message: error.message, fix: error.fix } };
  if (error instanceof ActionableError) return { status: httpStatusOf(error), body: { code: error.code, message: error.message, fix: error.fix } };
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (bad JSON, wrong content type, body too large): their messages hold no data of ours.
    return { status, body: { code: (fastifyError.code ?? 'bad_request').toLowerCase(), message: fastifyError.message ?? 'Bad request.' } };
  }
  return { status: 500, body: { code: 'internal', message: 'Zoomtrail failed to handle this request.', fix: 'Check the server log for the cause; report it if it persists.' } };
}
