import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { readCookie, SESSION_COOKIE, sessionIdHash } from '../session-id.js';
import { completeSourceAuthorization } from '../../app/source-authorization.js';
import { recordAudit } from '../../app/audit-events.js';
import { maskSecrets } from '../audit-trail.js';
import { SESSION_POLICY } from '../auth-session.js';
import type { FastifyRequest } from 'fastify';
import { NoContent } from '../schemas/common.js';
import { OAuthCompleteQuerySchema, RefusalPageSchema } from '../schemas/sources.js';
import { OAUTH_CALLBACK_PATH } from './sources-routes.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function refusalPage(reply: FastifyReply, message: string): FastifyReply {
  return reply
    .code(400)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>Zoomtrail: authorization refused</title></head><body>` +
        `<h1>Authorization refused</h1><p>${escapeHtml(message)}</p>` +
        `<p>Start the authorization again from the source's setup page in Zoomtrail, in the same browser session.</p>` +
        `<p><a href="/sources">Back to the sources</a></p></body></html>`,
    );
}

function backToSetup(reply: FastifyReply, sourceId: string, step: 'check' | 'authorize', error?: string): FastifyReply {
  const query = new URLSearchParams({ step, ...(error ? { error } : {}) });
  return reply.header('cache-control', 'no-store').redirect(`/sources/${encodeURIComponent(sourceId)}/setup?${query.toString()}`, 302);
}

/** Where the callback page sends the browser on, from our own origin (see below). */
export const OAUTH_COMPLETE_PATH = '/oauth/complete';

/**
 * GET /oauth/callback (public): where Zoom sends the admin's browser after the
 * consent page. The session cookie is SameSite=Strict, so a browser does not
 * send it on this navigation (it started on zoom.us), nor on a redirect in
 * the same chain. This page therefore only moves the browser on to
 * /oauth/complete with a meta refresh: a navigation started by our own page,
 * on which the cookie is sent. (Referrer-Policy: no-referrer keeps the code
 * out of any Referer.)
 *
 * GET /oauth/complete (public; registered without the `/api` prefix): the state is taken
 * single-use and must belong to this browser's session (the session cookie is
 * read here, since the auth hook does not run on public routes); then the code
 * is exchanged (PKCE) and the refresh token stored encrypted.
 */
export const oauthCallbackRoutes: FastifyPluginAsync<ApiContext> = async (plugin, ctx) => {
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = ctx.app;
  fastify.get(OAUTH_CALLBACK_PATH, { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const next = escapeHtml(`${OAUTH_COMPLETE_PATH}${query}`);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${next}">` +
          `<title>Zoomtrail: completing authorization</title></head><body>` +
          `<p>Completing the Zoom authorization… <a href="${next}">Continue</a></p></body></html>`,
      );
  });

  fastify.get(
    OAUTH_COMPLETE_PATH,
    {
      config: { public: true },
      schema: {
        querystring: OAuthCompleteQuerySchema,
        response: { 302: NoContent, 400: RefusalPageSchema },
      },
    },
    async (request, reply) => {
      const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
      const outcome = await completeSourceAuthorization({ store, clock, fetch: ctx.fetch, logger: request.log }, request.query, cookie ? sessionIdHash(cookie) : undefined);
      if (outcome.kind === 'refused') return refusalPage(reply, outcome.message);
      if (outcome.kind === 'authorized') await auditAuthorized(ctx, request, outcome.sourceId, cookie);
      return outcome.kind === 'authorized' ? backToSetup(reply, outcome.sourceId, 'check') : backToSetup(reply, outcome.sourceId, 'authorize', outcome.message);
    },
  );
};

/**
 * A completed Zoom authorization is a credential change (a new refresh token, maybe of another account):
 * a GET, so the recorder's hooks do not see it; recorded here as `sources.authorized`, by the session's user.
 */
async function auditAuthorized(ctx: ApiContext, request: FastifyRequest, sourceId: string, cookie: string | undefined): Promise<void> {
  const { store, clock } = ctx.app;
  try {
    const session = cookie ? await store.touchSession(sessionIdHash(cookie), SESSION_POLICY) : undefined;
    const source = await store.getSource(sourceId);
    await recordAudit(
      { store, clock, logger: ctx.app.logger, onStored: ctx.pipeline.onEventsStored },
      {
        actor: session?.username ?? 'anonymous',
        actorKind: session ? 'user' : 'anonymous',
        address: request.ip ?? null,
        action: 'sources.authorized',
        objectType: 'sources',
        objectId: sourceId,
        outcome: 'ok',
        status: 302,
        before: null,
        after: maskSecrets(source ?? null),
        change: null,
      },
    );
  } catch (error) {
    request.log.error({ err: error, sourceId }, 'audit trail: the authorization could not be recorded');
  }
}
