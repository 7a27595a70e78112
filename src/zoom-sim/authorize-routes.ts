import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderAuthorizeError, renderConsentPage, type RefusedRedirect } from './consent-page.js';
import { playEdgeFault } from './edge-faults.js';
import { requestParams } from './request-params.js';
import type { SimApp } from './sim-app.js';
import type { SimState } from './sim-state.js';

const HTML_TYPE = 'text/html;charset=UTF-8';

type AuthorizeCheck =
  | { ok: true; app: SimApp; params: Record<string, string>; method?: 'S256' | 'plain' }
  /** Redirected errors go back to the client; the others are shown to the user. */
  | { ok: false; redirect?: string; message: string; refused?: RefusedRedirect };

function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * Validates an authorization request. An unknown client or a redirect URI not
 * registered for it is never redirected to (that would make the simulator an
 * open redirector, as it would Zoom); other errors go back to the client.
 */
function checkAuthorize(params: Record<string, string>, state: SimState): AuthorizeCheck {
  const app = state.apps.get(params['client_id'] ?? '');
  if (!app || app.kind !== 'oauth') return { ok: false, message: 'Invalid client_id.' };
  const redirectUri = params['redirect_uri'] ?? '';
  if (!app.redirectUris.includes(redirectUri)) {
    return {
      ok: false,
      message: 'Invalid redirect: redirect_uri is not registered for this app.',
      refused: { received: redirectUri, registered: app.redirectUris, homeUrl: app.homeUrl },
    };
  }
  const backTo = (error: string) => withQuery(redirectUri, { error, state: params['state'] });
  if (params['response_type'] !== 'code') {
    return { ok: false, redirect: backTo('unsupported_response_type'), message: 'response_type must be code' };
  }
  const challenge = params['code_challenge'];
  if (challenge === undefined || challenge === '') return { ok: true, app, params };
  const method = params['code_challenge_method'] ?? 'plain';
  if (method !== 'S256' && method !== 'plain') {
    return { ok: false, redirect: backTo('invalid_request'), message: 'unsupported code_challenge_method' };
  }
  return { ok: true, app, params, method };
}

function refuse(reply: FastifyReply, check: Extract<AuthorizeCheck, { ok: false }>): FastifyReply {
  if (check.redirect) return reply.redirect(check.redirect, 302);
  return reply.code(400).type(HTML_TYPE).send(renderAuthorizeError(check.message, check.refused));
}

/**
 * What both authorize routes do first: play an edge fault if one is due, then
 * check client and redirect URI. Undefined means the reply was already sent.
 */
async function admitAuthorize(request: FastifyRequest, reply: FastifyReply, state: SimState) {
  const context = state.log.context(request.raw);
  if (context && (await playEdgeFault(request, reply, context, state, { isReport: false, hasPageToken: false }))) return undefined;
  const check = checkAuthorize(requestParams(request), state);
  if (!check.ok) {
    refuse(reply, check);
    return undefined;
  }
  if (context) context.entry.clientId = check.app.clientId;
  return check;
}

const FORWARDED = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method'];

/** GET shows the consent page; its form POSTs back here with the admin's decision. */
export function registerAuthorizeRoutes(app: FastifyInstance, state: SimState): void {
  app.get('/oauth/authorize', async (request: FastifyRequest, reply: FastifyReply) => {
    const check = await admitAuthorize(request, reply, state);
    if (!check) return reply;
    const { params } = check;
    const hidden: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = params[name];
      if (value !== undefined) hidden[name] = value;
    }
    return reply.type(HTML_TYPE).send(renderConsentPage({ clientId: check.app.clientId, accountId: check.app.accountId, scopes: check.app.scopes, hidden }));
  });

  app.post('/oauth/authorize', async (request: FastifyRequest, reply: FastifyReply) => {
    // The hidden fields came back through the browser: validate them again.
    const check = await admitAuthorize(request, reply, state);
    if (!check) return reply;
    const { params } = check;
    const redirectUri = params['redirect_uri'] as string;
    const decision = params['decision'];
    if (decision === 'deny') {
      return reply.redirect(withQuery(redirectUri, { error: 'access_denied', state: params['state'] }), 302);
    }
    if (decision !== 'approve') return reply.code(400).type(HTML_TYPE).send(renderAuthorizeError('Missing decision.'));
    const challenge = params['code_challenge'];
    const code = state.tokens.issueCode({
      clientId: check.app.clientId,
      accountId: check.app.accountId,
      redirectUri,
      ...(challenge && check.method ? { codeChallenge: challenge, codeChallengeMethod: check.method } : {}),
    });
    return reply.redirect(withQuery(redirectUri, { code, state: params['state'] }), 302);
  });
}
