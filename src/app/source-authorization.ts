import type { Clock } from '../shared/clock.js';
import { ConflictError, InvalidInputError } from '../shared/actionable-error.js';
import type { SourceRecord, Store } from '../store/store.js';
import { completeAuthorization, createAuthorizationRequest, PENDING_AUTHORIZATION_TTL_MS } from '../zoom/authorization-code-flow.js';
import { SecretRedactor } from '../zoom/secret-redactor.js';
import { ZoomError } from '../zoom/zoom-errors.js';

/**
 * An OAuth app source's authorization in Zoom (authorization code + PKCE),
 * as rules apart from HTTP: the console's routes (src/api/routes/) only carry
 * the browser there and back. The state is single-use and bound to the
 * browser session that started it (by its id's hash).
 */

export interface SourceAuthorizationDeps {
  store: Store;
  clock: Clock;
  fetch: typeof fetch;
  logger: { info(details: object, message: string): void; warn(details: object, message: string): void; error(details: object, message: string): void };
}

/**
 * Starts an authorization for `source` in the browser session `sessionIdHash`: returns Zoom's authorize page.
 * Throws ConflictError (`not_oauth_app`) for a Server-to-Server source, InvalidInputError (`session_required`) without a session.
 */
export async function startSourceAuthorization(
  deps: SourceAuthorizationDeps,
  source: SourceRecord,
  sessionIdHash: string | undefined,
  redirectUrl: string,
): Promise<{ url: string }> {
  if (source.authKind !== 'authorization_code') {
    throw new ConflictError('not_oauth_app', 'This source uses Server-to-Server OAuth: there is nothing to authorize.', 'Run the check instead.');
  }
  if (sessionIdHash === undefined) {
    throw new InvalidInputError(
      'session_required',
      'Authorizing needs a browser session: the OAuth state is bound to it.',
      "Sign in to the console in a browser and authorize from the source's setup page (not with an API token).",
    );
  }
  const pending = createAuthorizationRequest({ apiUrl: source.apiUrl, oauthUrl: source.oauthUrl }, source.clientId, redirectUrl, deps.clock);
  await deps.store.savePendingAuthorization(sessionIdHash, source.id, pending, pending.createdAt + PENDING_AUTHORIZATION_TTL_MS);
  return { url: pending.url };
}

/**
 * How Zoom's answer ended: `refused` (no source to go back to: the state is
 * missing, unknown, used or its source gone), `retry` (back to the source's
 * authorize step, with why), or `authorized` (the refresh token is stored).
 */
export type AuthorizationOutcome = { kind: 'refused'; message: string } | { kind: 'retry'; sourceId: string; message: string } | { kind: 'authorized'; sourceId: string };

/** Completes an authorization from Zoom's callback, in the browser session `sessionIdHash` (undefined: none). */
export async function completeSourceAuthorization(
  deps: SourceAuthorizationDeps,
  callback: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
  sessionIdHash: string | undefined,
): Promise<AuthorizationOutcome> {
  const { store, clock } = deps;
  const { code, state, error } = callback;
  if (!state) return { kind: 'refused', message: 'The callback carried no state: it did not come from an authorization Zoomtrail started.' };
  // The session first: a callback from another browser must not use up the state of the one that started it.
  const taken = sessionIdHash === undefined ? undefined : await store.takePendingAuthorization(state, sessionIdHash);
  if (!taken) {
    const startedFor = await store.pendingAuthorizationSource(state);
    if (startedFor === undefined) return { kind: 'refused', message: 'This authorization is unknown, already used, or expired: a Zoom link works once, within 10 minutes.' };
    deps.logger.warn({ sourceId: startedFor }, 'OAuth callback from another session refused');
    return { kind: 'retry', sourceId: startedFor, message: 'This authorization was started in another browser session. Start it again here.' };
  }
  const source = await store.getSource(taken.sourceId);
  if (!source) return { kind: 'refused', message: 'The source this authorization was started for no longer exists.' };

  if (clock.now() - taken.pending.createdAt > PENDING_AUTHORIZATION_TTL_MS) {
    return { kind: 'retry', sourceId: source.id, message: 'The authorization took too long and has expired. Start it again.' };
  }
  try {
    const credentials = await store.getSourceCredentials(source.id);
    const tokens = await completeAuthorization({
      endpoints: { apiUrl: source.apiUrl, oauthUrl: source.oauthUrl },
      credentials: { clientId: source.clientId, clientSecret: credentials.clientSecret },
      pending: taken.pending,
      callback: { ...(code === undefined ? {} : { code }), state, ...(error === undefined ? {} : { error }) },
      clock,
      redactor: new SecretRedactor(),
      fetchImpl: deps.fetch,
    });
    await store.setSourceCredentials(source.id, { refreshToken: tokens.refreshToken! });
    deps.logger.info({ sourceId: source.id }, 'source authorized in Zoom');
    return { kind: 'authorized', sourceId: source.id };
  } catch (failure) {
    const message = failure instanceof ZoomError ? `${failure.message} ${failure.fix}` : 'Zoomtrail could not complete the authorization.';
    if (!(failure instanceof ZoomError)) deps.logger.error({ sourceId: source.id, err: failure instanceof Error ? failure.message : String(failure) }, 'OAuth callback failed');
    return { kind: 'retry', sourceId: source.id, message };
  }
}
