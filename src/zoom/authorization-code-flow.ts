import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import type { PendingAuthorization } from '../domain/pending-authorization.js';
import { type OAuthClientCredentials, requestToken, type TokenSet } from './oauth-token-endpoint.js';
import { createPkcePair } from './pkce.js';
import type { SecretRedactor } from './secret-redactor.js';
import { joinUrl, type ZoomEndpoints } from './zoom-endpoints.js';
import { OAuthFlowError } from './zoom-errors.js';

/** Zoom's authorization code lives 5 minutes; a pending request is useless after that. */
export const PENDING_AUTHORIZATION_TTL_MS = 10 * 60_000;

/**
 * Starts the authorization-code flow with a fresh `state` and PKCE (S256).
 *
 * @example
 * const pending = createAuthorizationRequest(ZOOM_COMMERCIAL, clientId, 'https://zt.example.com/oauth/callback', clock);
 * // keep `pending` with the user's session, then redirect to pending.url
 */
export function createAuthorizationRequest(endpoints: ZoomEndpoints, clientId: string, redirectUri: string, clock: Clock): PendingAuthorization {
  const pkce = createPkcePair();
  const state = randomBytes(24).toString('base64url');
  const url = new URL(joinUrl(endpoints.oauthUrl, '/oauth/authorize'));
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state,
    code_challenge: pkce.challenge,
    code_challenge_method: pkce.method,
  }).toString();
  return { url: url.toString(), state, codeVerifier: pkce.verifier, redirectUri, createdAt: clock.now() };
}

export interface AuthorizationCallback {
  code?: string;
  state?: string;
  error?: string;
}

/**
 * Checks the callback against the pending request and exchanges the code.
 * A missing, foreign or replayed state is refused before Zoom is asked.
 */
export async function completeAuthorization(args: {
  endpoints: ZoomEndpoints;
  credentials: OAuthClientCredentials;
  pending: PendingAuthorization;
  callback: AuthorizationCallback;
  clock: Clock;
  redactor: SecretRedactor;
  fetchImpl?: typeof fetch;
}): Promise<TokenSet> {
  const { pending, callback, clock } = args;
  if (!callback.state || !sameText(callback.state, pending.state)) {
    throw new OAuthFlowError(
      "The OAuth callback's state does not match the authorization this browser started.",
      'Start the authorization again from the source page, in the same browser session; do not reuse an old Zoom link.',
    );
  }
  if (clock.now() - pending.createdAt > PENDING_AUTHORIZATION_TTL_MS) {
    throw new OAuthFlowError('The authorization took too long and has expired.', 'Start the authorization again from the source page.');
  }
  if (callback.error) {
    throw new OAuthFlowError(`Zoom did not grant access (${callback.error.slice(0, 100)}).`, "The admin must click Allow on Zoom's consent page. Start the authorization again.");
  }
  if (!callback.code) {
    throw new OAuthFlowError('The OAuth callback carried no authorization code.', 'Start the authorization again from the source page.');
  }
  const tokens = await requestToken({ endpoints: args.endpoints, credentials: args.credentials, clock, redactor: args.redactor, fetchImpl: args.fetchImpl }, 'authorization_code', {
    code: callback.code,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.codeVerifier,
  });
  if (!tokens.refreshToken) {
    throw new OAuthFlowError(
      'Zoom returned no refresh token.',
      'Check that the app in Zoom is an OAuth app (user-managed or account-level), not Server-to-Server, then authorize again.',
    );
  }
  return tokens;
}

/** Revokes a token at Zoom (`POST /oauth/revoke`), e.g. when a source is deleted. */
export async function revokeToken(args: { endpoints: ZoomEndpoints; credentials: OAuthClientCredentials; token: string; fetchImpl?: typeof fetch }): Promise<boolean> {
  const basic = Buffer.from(`${args.credentials.clientId}:${args.credentials.clientSecret}`).toString('base64');
  const response = await (args.fetchImpl ?? fetch)(joinUrl(args.endpoints.oauthUrl, '/oauth/revoke'), {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: args.token }),
    redirect: 'manual',
  });
  await response.arrayBuffer();
  return response.ok;
}

function sameText(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
