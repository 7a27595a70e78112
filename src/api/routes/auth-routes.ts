import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type {} from '@fastify/rate-limit';
import type {} from '@fastify/swagger';
import type { ApiContext } from '../api-context.js';
import { scopesBeyond, SCOPES } from '../../domain/access-scope.js';
import type { ApiTokenCreated, ApiTokenView, SessionInfo } from '../api-types.js';
import { API_TOKEN_PREFIX, checkPassword, clearSessionCookie, csrfTokenOf, hashPassword, prepareDummyHash, randomSecret, sessionOf, startSession } from '../auth-session.js';
import { hashSecret, type ApiTokenRecord, type SessionRecord, type UserRecord } from '../../store/auth-store.js';
import { isKnownDevice, setDeviceCookie } from '../known-device.js';
import { SignInThrottle } from '../sign-in-throttle.js';
import {
  ApiTokenCreatedSchema,
  ApiTokenListSchema,
  ChangePasswordRequestSchema,
  CreateApiTokenRequestSchema,
  LoginRequestSchema,
  SessionInfoSchema,
  SetupRequestSchema,
} from '../schemas/auth.js';
import { errorResponses, IdParams, NoContent } from '../schemas/common.js';
import { ApiHttpError, installApiErrorHandler, iso, isoOrNull } from './route-support.js';

/** Setup attempts per minute per client address (a setup token is 32 random bytes: this only keeps the noise down). */
export const SETUP_ATTEMPTS_PER_MINUTE = 5;
const SETUP_WINDOW_MS = 60_000;

function sessionInfo(session: SessionRecord | undefined, setupRequired: boolean): SessionInfo {
  return {
    authenticated: session !== undefined,
    username: session?.username ?? null,
    role: session?.role ?? null,
    csrfToken: session ? csrfTokenOf(session) : null,
    setupRequired,
  };
}

function invalidSetupToken(): ApiHttpError {
  return new ApiHttpError(
    403,
    'setup_token',
    'This setup link is invalid, already used, or expired.',
    undefined,
    'Run `zoomtrail admin create` on the server for a fresh setup link (valid 24 hours, usable once).',
  );
}

function tokenView(token: ApiTokenRecord, username: string): ApiTokenView {
  return {
    id: token.id,
    name: token.name,
    username,
    scopes: token.scopes,
    createdAt: iso(token.createdAt),
    lastUsedAt: isoOrNull(token.lastUsedAt),
    expiresAt: isoOrNull(token.expiresAt),
  };
}

function wrongPassword(): ApiHttpError {
  return new ApiHttpError(
    401,
    'bad_credentials',
    'Wrong username or password.',
    undefined,
    'Check both and try again; an admin can send you a password-reset link (`zoomtrail users reset-password`).',
  );
}

function rateLimited(retryAfterMs: number): ApiHttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return new ApiHttpError(429, 'rate_limited', `Too many sign-in attempts: try again in ${wait}.`, undefined, `Wait ${wait}, then try again.`);
}

/**
 * Sign-in and API tokens, under `/api`: GET /session, POST /setup and POST
 * /login are public (the server requires `Content-Type: application/json` on
 * public POSTs and rate-limits these two per IP); POST /logout and /tokens
 * need a session or a token. Passwords are argon2id; session ids, API tokens
 * and setup tokens are 32 random bytes of which only the SHA-256 is stored.
 */
export const authRoutes: FastifyPluginAsync<ApiContext> = async (plugin, ctx) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = ctx.app;
  void prepareDummyHash();
  const perIp = { max: SETUP_ATTEMPTS_PER_MINUTE, timeWindow: SETUP_WINDOW_MS };
  const throttle = new SignInThrottle(clock);

  fastify.get(
    '/session',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'Who is signed in, the CSRF token, and whether setup is needed', response: { 200: SessionInfoSchema } },
    },
    async (request): Promise<SessionInfo> => {
      const setupRequired = (await store.countUsers()) === 0;
      const info = sessionInfo(request.user?.via === 'session' ? sessionOf(request) : undefined, setupRequired);
      return ctx.app.config.oidc ? { ...info, sso: true } : info;
    },
  );

  fastify.post(
    '/setup',
    {
      config: { public: true, rateLimit: perIp },
      schema: {
        tags: ['auth'],
        summary: 'Create an admin with the one-time token of a setup link, and sign in',
        body: SetupRequestSchema,
        response: { 200: SessionInfoSchema, ...errorResponses(400, 403, 409, 415, 429) },
      },
    },
    async (request, reply): Promise<SessionInfo> => {
      const { token, username, password } = request.body;
      const tokenHash = hashSecret(token);
      // The token first: without a valid one, no answer may tell which user names exist.
      const purpose = await store.setupTokenPurpose(tokenHash);
      if (!purpose) throw invalidSetupToken();
      let user: UserRecord | undefined;
      if (purpose.kind === 'reset') {
        // A password-reset link: only for the user it was made for.
        const target = await store.getUser(purpose.userId);
        if (!target || target.username !== username) throw invalidSetupToken();
        if (!(await store.consumeSetupToken(tokenHash))) throw invalidSetupToken();
        user = await store.updateUser(target.id, { passwordHash: await hashPassword(password) });
        if (!user) throw invalidSetupToken();
        await store.deleteSessionsOfUser(user.id);
        request.log.info({ username }, 'password reset');
      } else {
        if (await store.findUserByUsername(username)) {
          throw new ApiHttpError(
            409,
            'duplicate_user',
            `A user named "${username}" exists already.`,
            [{ field: 'username', message: 'username is taken' }],
            'Choose another username, or sign in as that user.',
          );
        }
        if (!(await store.consumeSetupToken(tokenHash))) throw invalidSetupToken();
        user = await store.createUser({ username, passwordHash: await hashPassword(password), role: purpose.role });
        request.log.info({ username, role: purpose.role }, 'account created');
      }
      if (user.disabledAt !== null) throw invalidSetupToken();
      const session = await startSession(store, reply, user.id, ctx.publicUrl, clock.now());
      return sessionInfo(session, false);
    },
  );

  fastify.post(
    '/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password (throttled per user name and client; see README, "Sign-in throttling")',
        body: LoginRequestSchema,
        response: { 200: SessionInfoSchema, ...errorResponses(400, 401, 415, 429) },
      },
    },
    async (request, reply): Promise<SessionInfo> => {
      const { username, password } = request.body;
      const user = await store.findUserByUsername(username);
      const attempt = { username, client: request.ip, knownDevice: isKnownDevice(request, username, user?.passwordHash) };
      const decision = throttle.check(attempt);
      if (!decision.allowed) throw rateLimited(decision.retryAfterMs);
      // Same work and same answer for an unknown user and a wrong password.
      // A disabled user gets the same answer as a wrong password (after the same work).
      if (!(await checkPassword(user?.passwordHash, password)) || !user || user.disabledAt !== null) {
        throttle.recordFailure(attempt);
        request.log.warn({ username: username.slice(0, 64) }, 'sign-in refused');
        throw wrongPassword();
      }
      throttle.recordSuccess(attempt);
      setDeviceCookie(reply, user.username, user.passwordHash, ctx.publicUrl);
      const session = await startSession(store, reply, user.id, ctx.publicUrl, clock.now());
      return sessionInfo(session, false);
    },
  );

  fastify.post('/logout', { config: { access: 'signed-in' }, schema: { tags: ['auth'], summary: 'End this session', response: { 204: NoContent } } }, async (request, reply) => {
    const session = sessionOf(request);
    if (session) await store.deleteSession(session.idHash);
    clearSessionCookie(reply, ctx.publicUrl);
    return reply.code(204).send();
  });

  fastify.post(
    '/me/password',
    {
      config: { access: 'signed-in', rateLimit: perIp },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password (needs the current one); your other sessions and nothing else end',
        body: ChangePasswordRequestSchema,
        response: { 204: NoContent, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const me = await store.getUser(request.user!.id);
      if (!me || !(await checkPassword(me.passwordHash, request.body.currentPassword))) throw wrongPassword();
      await store.updateUser(me.id, { passwordHash: await hashPassword(request.body.newPassword) });
      const current = sessionOf(request);
      await store.deleteSessionsOfUser(me.id);
      if (current) {
        // Keep this browser signed in: a fresh session (the old id is gone with the others).
        await startSession(store, reply, me.id, ctx.publicUrl, clock.now());
      }
      return reply.code(204).send();
    },
  );

  async function usernames(): Promise<Map<string, string>> {
    return new Map((await store.listUsers()).map((u) => [u.id, u.username]));
  }

  fastify.get(
    '/tokens',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['auth'],
        summary: "API tokens: your own; an admin sees everyone's (values are never shown again)",
        response: { 200: ApiTokenListSchema },
      },
    },
    async (request): Promise<{ tokens: ApiTokenView[] }> => {
      const caller = request.user!;
      const names = await usernames();
      const tokens = await store.listApiTokens(caller.scopes.has('admin') ? undefined : caller.id);
      return { tokens: tokens.map((t) => tokenView(t, names.get(t.userId) ?? '')) };
    },
  );

  fastify.post(
    '/tokens',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token for yourself, with at most the scopes you hold; its value is in this response only',
        body: CreateApiTokenRequestSchema,
        response: { 201: ApiTokenCreatedSchema, ...errorResponses(400, 403) },
      },
    },
    async (request, reply): Promise<ApiTokenCreated> => {
      const caller = request.user!;
      const scopes = request.body.scopes ?? SCOPES.filter((s) => caller.scopes.has(s));
      const beyond = scopesBeyond(scopes, caller.scopes);
      if (beyond.length > 0) {
        throw new ApiHttpError(
          403,
          'forbidden',
          `You cannot create a token with more than you have: you lack ${beyond.map((s) => `"${s}"`).join(', ')}.`,
          [{ field: 'scopes', message: `not held: ${beyond.join(', ')}` }],
          'Ask only for scopes you hold.',
        );
      }
      let expiresAt: number | null = null;
      if (request.body.expiresAt !== undefined) {
        expiresAt = Date.parse(request.body.expiresAt);
        if (!Number.isFinite(expiresAt) || expiresAt <= clock.now()) {
          throw new ApiHttpError(400, 'invalid_request', 'expiresAt must be a time in the future.', [{ field: 'expiresAt', message: 'must be in the future' }]);
        }
      }
      const value = `${API_TOKEN_PREFIX}${randomSecret()}`;
      const token = await store.createApiToken({ name: request.body.name, tokenHash: hashSecret(value), userId: caller.id, scopes, expiresAt });
      request.log.info({ tokenId: token.id, name: token.name, scopes }, 'API token created');
      return reply.code(201).send({ ...tokenView(token, caller.username), token: value });
    },
  );

  fastify.delete(
    '/tokens/:id',
    {
      config: { access: 'signed-in' },
      schema: { tags: ['auth'], summary: 'Revoke an API token (your own; an admin any)', params: IdParams, response: { 204: NoContent, ...errorResponses(404) } },
    },
    async (request, reply) => {
      const caller = request.user!;
      const token = await store.getApiToken(request.params.id);
      // Someone else's token is "not found" for a non-admin: no telling which ids exist.
      if (!token || (token.userId !== caller.id && !caller.scopes.has('admin')) || !(await store.deleteApiToken(token.id))) {
        throw new ApiHttpError(404, 'not_found', `There is no API token with id "${request.params.id}".`);
      }
      return reply.code(204).send();
    },
  );
};
