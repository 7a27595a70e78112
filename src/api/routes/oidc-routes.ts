import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../app/audit-events.js';
import { hashSecret } from '../../store/auth-store.js';
import { LastAdminError } from '../../store/store-errors.js';
import type { ApiContext } from '../api-context.js';
import { randomSecret, secureCookies, startSession } from '../auth-session.js';
import { OidcClient, OidcRefusedError, type OidcIdentity } from '../oidc-client.js';
import { OidcCallbackQuerySchema } from '../schemas/auth.js';
import { ApiHttpError, installApiErrorHandler } from './route-support.js';

export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';
/** Binds a login in progress to the browser that started it (HttpOnly; Lax: the provider's redirect back is a cross-site navigation). */
const BINDING_COOKIE = 'zt_oidc';
const LOGIN_TTL_MS = 10 * 60_000;
/** Placed where a password hash goes for a user made by single sign-on: no password matches it. */
const NO_PASSWORD = '!sso-only';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page that sends the browser on (a same-site navigation, so the strict session cookie goes with it). */
function onwardPage(reply: FastifyReply, status: number, to: string, text: string): FastifyReply {
  const next = escapeHtml(to);
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${next}"><title>Zoomtrail: single sign-on</title></head>` +
        `<body><p>${escapeHtml(text)} <a href="${next}">Continue</a></p></body></html>`,
    );
}

/**
 * Single sign-on with OpenID Connect (ZOOMTRAIL_OIDC_*), public routes under `/api`:
 * GET /auth/oidc/start sends the browser to the provider (authorization code, PKCE S256, state, nonce; the
 * login kept server-side, single-use, sealed, bound to this browser by a cookie); GET /auth/oidc/callback
 * exchanges the code, checks the ID token, maps the role claim (no role: refused), finds or creates the user
 * by issuer + subject, starts a session like a password sign-in. Both outcomes are in the audit trail
 * (`auth.oidc.login`, `auth.oidc.login.failed` with the reason).
 */
export const oidcRoutes: FastifyPluginAsync<ApiContext> = async (plugin, ctx) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = ctx.app;
  const settings = ctx.app.config.oidc;
  const client = settings ? new OidcClient(settings, { fetch: ctx.app.outbound.fetch, clock, redirectUri: `${ctx.publicUrl}${OIDC_CALLBACK_PATH}` }) : undefined;
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, path: '/api/auth/oidc/', secure: secureCookies(ctx.publicUrl) };

  const audit = async (
    request: FastifyRequest,
    outcome: { ok: true; username: string; userId: string; role: string; created: boolean } | { ok: false; reason: string; name?: string },
  ) => {
    await recordAudit(
      { store, clock, logger: ctx.app.logger, onStored: ctx.pipeline.onEventsStored },
      {
        actor: outcome.ok ? outcome.username : (outcome.name ?? 'anonymous').slice(0, 64),
        actorKind: outcome.ok ? 'user' : 'anonymous',
        address: request.ip ?? null,
        action: outcome.ok ? 'auth.oidc.login' : 'auth.oidc.login.failed',
        objectType: 'users',
        objectId: outcome.ok ? outcome.userId : null,
        outcome: outcome.ok ? 'ok' : 'failed',
        status: outcome.ok ? 200 : 403,
        before: null,
        after: outcome.ok ? { id: outcome.userId, username: outcome.username, role: outcome.role, created: outcome.created } : null,
        change: outcome.ok ? { issuer: settings?.issuer } : { issuer: settings?.issuer, reason: outcome.reason },
      },
    ).catch((error: unknown) => request.log.error({ err: error }, 'audit trail: the single sign-on could not be recorded'));
  };

  fastify.get(
    '/auth/oidc/start',
    { config: { public: true }, schema: { hide: true, summary: 'Start single sign-on (OpenID Connect): redirects to the identity provider' } },
    async (request, reply) => {
      if (!client) throw new ApiHttpError(404, 'sso_not_configured', 'Single sign-on is not configured.', undefined, 'Set ZOOMTRAIL_OIDC_ISSUER and ZOOMTRAIL_OIDC_CLIENT_ID.');
      let started: Awaited<ReturnType<OidcClient['start']>>;
      try {
        started = await client.start();
      } catch (error) {
        const reason = error instanceof OidcRefusedError ? error.reason : 'provider_unreachable';
        request.log.warn({ reason }, 'single sign-on could not start');
        return onwardPage(reply, 502, `/login?sso_error=${reason}`, 'The identity provider could not be reached.');
      }
      const binding = randomSecret();
      await store.saveOidcLogin(started.state, hashSecret(binding), started.pending, clock.now() + LOGIN_TTL_MS);
      reply.setCookie(BINDING_COOKIE, binding, { ...cookieOptions, maxAge: LOGIN_TTL_MS / 1000 });
      return reply.header('cache-control', 'no-store').redirect(started.url, 302);
    },
  );

  fastify.get(
    '/auth/oidc/callback',
    {
      config: { public: true },
      schema: { hide: true, summary: 'Single sign-on (OpenID Connect): where the identity provider sends the browser back', querystring: OidcCallbackQuerySchema },
    },
    async (request, reply) => {
      const refuse = async (reason: string, name?: string) => {
        request.log.warn({ reason }, 'single sign-on refused');
        await audit(request, { ok: false, reason, ...(name === undefined ? {} : { name }) });
        reply.clearCookie(BINDING_COOKIE, cookieOptions);
        return onwardPage(reply, 403, `/login?sso_error=${reason}`, 'Single sign-on was refused.');
      };
      if (!client || !settings) return refuse('not_configured');
      const { state } = request.query;
      // The state first, single-use: a replayed or forged callback finds nothing.
      const login = state ? await store.takeOidcLogin(state) : undefined;
      if (!login || !state) return refuse('unknown_state');
      const binding = request.cookies[BINDING_COOKIE];
      if (!binding || hashSecret(binding) !== login.bindingHash) return refuse('wrong_browser');
      let identity: OidcIdentity;
      try {
        identity = await client.finish(new URL(`${ctx.publicUrl}${request.url.slice(request.url.indexOf(OIDC_CALLBACK_PATH))}`), state, login.pending);
      } catch (error) {
        if (error instanceof OidcRefusedError) return refuse(error.reason);
        throw error;
      }
      const linked = await store.findOidcUser(identity.issuer, identity.subject);
      let user = linked === undefined ? undefined : await store.getUser(linked);
      let created = false;
      if (!user) {
        user = await store.createUser({ username: await freeUsername(identity), passwordHash: NO_PASSWORD, role: identity.role });
        await store.linkOidcIdentity(identity.issuer, identity.subject, user.id);
        created = true;
      }
      if (user.disabledAt !== null) return refuse('disabled_user', user.username);
      if (user.role !== identity.role) {
        // The provider's claim is the role; the last enabled admin keeps theirs (LastAdminError).
        try {
          user = (await store.updateUser(user.id, { role: identity.role })) ?? user;
        } catch (error) {
          if (!(error instanceof LastAdminError)) throw error;
        }
      }
      reply.clearCookie(BINDING_COOKIE, cookieOptions);
      await startSession(store, reply, user.id, ctx.publicUrl, clock.now());
      await audit(request, { ok: true, username: user.username, userId: user.id, role: user.role, created });
      return onwardPage(reply, 200, '/', `Signed in as ${user.username}.`);
    },
  );

  /** The provider's user name when free, else with a number: a new user never takes over an existing one. */
  async function freeUsername(identity: OidcIdentity): Promise<string> {
    const base = (identity.name ?? `sso-${identity.subject}`).replace(/[^\p{L}\p{N}._@+-]/gu, '').slice(0, 56) || `sso-user`;
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (!(await store.findUserByUsername(candidate))) return candidate;
    }
  }
};
