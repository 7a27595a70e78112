import type { Store, SourceRecord } from '../store/store.js';
import { UnknownSourceError } from '../store/store-errors.js';
import { revokeToken } from '../zoom/authorization-code-flow.js';

/**
 * What is done to a source, the same way from the console (src/api/) and from
 * the shell (src/cli/): the rules live here, not in a route or a command.
 */

/** Revoking at Zoom when a source is removed is best effort: never hold the removal longer than this. */
export const REVOKE_TIMEOUT_MS = 10_000;

export interface SourceServiceDeps {
  store: Store;
  /** Zoom's OAuth endpoint is reached through this (tests and the simulator pass their own). */
  fetch: typeof fetch;
  logger: { warn(details: object, message: string): void };
}

/** What became of the source's authorization at Zoom: `none` when it held no refresh token. */
export type Revocation = 'revoked' | 'refused' | 'failed' | 'none';

/**
 * Removes a source and everything collected from it. An OAuth app's stored
 * refresh token is revoked at Zoom first (best effort: a refusal or a network
 * failure is logged and the source is removed anyway), so removing a source
 * does not leave a live grant behind. Throws UnknownSourceError.
 */
export async function removeSource(deps: SourceServiceDeps, id: string): Promise<{ source: SourceRecord; revocation: Revocation }> {
  const source = await deps.store.getSource(id);
  if (!source) throw new UnknownSourceError(id);
  const revocation = await revokeStoredGrant(deps, source);
  if (!(await deps.store.removeSource(source.id))) throw new UnknownSourceError(id);
  return { source, revocation };
}

async function revokeStoredGrant(deps: SourceServiceDeps, source: SourceRecord): Promise<Revocation> {
  if (source.authKind !== 'authorization_code' || !source.hasRefreshToken) return 'none';
  try {
    const credentials = await deps.store.getSourceCredentials(source.id);
    if (!credentials.refreshToken) return 'none';
    const revoked = await revokeToken({
      endpoints: { apiUrl: source.apiUrl, oauthUrl: source.oauthUrl },
      credentials: { clientId: source.clientId, clientSecret: credentials.clientSecret },
      token: credentials.refreshToken,
      fetchImpl: (input, init) => deps.fetch(input, { ...init, signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS) }),
    });
    if (!revoked) deps.logger.warn({ sourceId: source.id }, 'Zoom did not accept revoking the refresh token; removing the source anyway');
    return revoked ? 'revoked' : 'refused';
  } catch (error) {
    deps.logger.warn(
      { sourceId: source.id, err: error instanceof Error ? error.message : String(error) },
      'could not revoke the refresh token at Zoom; removing the source anyway',
    );
    return 'failed';
  }
}
