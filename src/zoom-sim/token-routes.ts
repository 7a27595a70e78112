import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateClient } from './basic-auth.js';
import { playEdgeFault } from './edge-faults.js';
import { verifyPkce } from './pkce.js';
import type { RequestContext } from './request-log.js';
import { requestParams } from './request-params.js';
import type { SimApp } from './sim-app.js';
import { sendJson } from './sim-responses.js';
import type { SimState } from './sim-state.js';
import type { IssuedTokens } from './token-store.js';
import { oauthErrors } from './zoom-errors.js';

type Answer = { status: number; body: unknown };

const badRequest = (body: unknown): Answer => ({ status: 400, body });

function tokenResponse(tokens: IssuedTokens, app: SimApp, state: SimState): Record<string, unknown> {
  return {
    access_token: tokens.access.token,
    token_type: 'bearer',
    ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
    expires_in: state.tokens.accessTokenTtlSeconds,
    scope: app.scopes.join(' '),
  };
}

function authorizationCodeGrant(app: SimApp, params: Record<string, string>, state: SimState): Answer {
  if (app.kind !== 'oauth') return badRequest(oauthErrors.unsupportedGrant());
  const grant = state.tokens.findRedeemableCode(params['code'] ?? '', app.clientId);
  if (!grant) return badRequest(oauthErrors.invalidCode());
  if (params['redirect_uri'] !== grant.redirectUri) return badRequest(oauthErrors.redirectMismatch());
  if (grant.codeChallenge !== undefined && !verifyPkce(grant.codeChallenge, grant.codeChallengeMethod ?? 'plain', params['code_verifier'])) {
    return badRequest(oauthErrors.invalidCodeVerifier());
  }
  // Only a successful redemption uses the code up; a refused attempt can be corrected.
  grant.used = true;
  return { status: 200, body: tokenResponse(state.tokens.issue(app.clientId, grant.accountId, true), app, state) };
}

function refreshTokenGrant(app: SimApp, params: Record<string, string>, state: SimState): Answer {
  const rotated = state.tokens.rotate(params['refresh_token'] ?? '', app.clientId);
  if (!rotated) return badRequest(oauthErrors.invalidRefreshToken());
  return { status: 200, body: tokenResponse(rotated, app, state) };
}

function accountCredentialsGrant(app: SimApp, params: Record<string, string>, state: SimState): Answer {
  if (app.kind !== 's2s') return badRequest(oauthErrors.unsupportedGrant());
  const accountId = params['account_id'];
  if (accountId === undefined || accountId === '') return badRequest(oauthErrors.missingParameter('account_id'));
  if (accountId !== app.accountId) return badRequest(oauthErrors.invalidAccountId());
  const tokens = state.tokens.issue(app.clientId, app.accountId, false);
  if (state.options.s2sTokenInvalidatesPrevious) state.tokens.revokeAccessTokensOf(app.clientId, tokens.access.token);
  // Zoom's api_url is the API host without /v2 (https://api.zoom.us).
  return { status: 200, body: { ...tokenResponse(tokens, app, state), api_url: state.baseUrl } };
}

function grantToken(app: SimApp, params: Record<string, string>, state: SimState): Answer {
  switch (params['grant_type']) {
    case 'authorization_code':
      return authorizationCodeGrant(app, params, state);
    case 'refresh_token':
      return refreshTokenGrant(app, params, state);
    case 'account_credentials':
      return accountCredentialsGrant(app, params, state);
    case undefined:
    case '':
      return badRequest(oauthErrors.missingParameter('grant_type'));
    default:
      return badRequest(oauthErrors.unsupportedGrant());
  }
}

function revokeToken(app: SimApp, params: Record<string, string>, state: SimState): Answer {
  const token = params['token'];
  if (token === undefined || token === '') return badRequest(oauthErrors.missingParameter('token'));
  if (!state.tokens.revoke(token, app.clientId)) return badRequest(oauthErrors.invalidRevokeToken());
  return { status: 200, body: { status: 'success' } };
}

type Operation = (app: SimApp, params: Record<string, string>, state: SimState) => Answer;

/** Both endpoints authenticate the client with HTTP Basic; OAuth calls never spend the API budget. */
function clientRoute(state: SimState, operation: Operation) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const context = state.log.context(request.raw) as RequestContext;
    if (await playEdgeFault(request, reply, context, state, { isReport: false, hasPageToken: false })) return reply;
    reply.header('Cache-Control', 'no-store');
    const app = authenticateClient(request, state.apps);
    if (!app) {
      sendJson(reply, context, state.log, 401, oauthErrors.invalidClient());
      return reply;
    }
    context.entry.clientId = app.clientId;
    context.entry.accountId = app.accountId;
    const answer = operation(app, requestParams(request), state);
    sendJson(reply, context, state.log, answer.status, answer.body);
    return reply;
  };
}

export function registerTokenRoutes(app: FastifyInstance, state: SimState): void {
  app.post('/oauth/token', clientRoute(state, grantToken));
  app.post('/oauth/revoke', clientRoute(state, revokeToken));
}
