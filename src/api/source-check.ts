import type { CheckResult } from './api-types.js';
import type { ApiContext } from './api-context.js';
import { checkZoomSource, NOT_CHECKED } from '../collect/source-check.js';
import type { SourceRecord } from '../store/store.js';
import type { ZoomAuth } from '../zoom/zoom-client-factory.js';

/**
 * POST /api/sources/:id/check: the live check of a stored source. For an
 * OAuth app the stored refresh token is used (and the rotated one stored
 * before the new access token is used), so run it while the source is paused
 * during setup, or accept that it shares the token chain with the collector.
 */
export async function checkStoredSource(ctx: ApiContext, source: SourceRecord): Promise<CheckResult> {
  const { store, clock, logger } = ctx.app;
  const credentials = await store.getSourceCredentials(source.id);
  let auth: ZoomAuth;
  if (source.authKind === 's2s') {
    if (!source.zoomAccountId)
      return notReady(
        'The source has no Zoom Account ID.',
        "Copy the Account ID from the Server-to-Server app's App Credentials page in the Zoom App Marketplace and set it on the source.",
      );
    auth = { kind: 's2s', accountId: source.zoomAccountId, clientId: source.clientId, clientSecret: credentials.clientSecret };
  } else {
    if (!credentials.refreshToken)
      return notReady('The source is not authorized in Zoom yet.', "Authorize it first: an admin with the report permissions approves the app on Zoom's consent page.");
    auth = {
      kind: 'authorization_code',
      clientId: source.clientId,
      clientSecret: credentials.clientSecret,
      refreshToken: credentials.refreshToken,
      persist: async (tokens) => {
        if (tokens.refreshToken) await store.setSourceCredentials(source.id, { refreshToken: tokens.refreshToken });
      },
    };
  }
  const outcome = await checkZoomSource({
    endpoints: { apiUrl: source.apiUrl, oauthUrl: source.oauthUrl },
    auth,
    clock,
    logger,
    fetchImpl: ctx.fetch,
    requestsPerSecond: source.requestsPerSecond,
    requestsPerDay: source.requestsPerDay,
  });
  return { ok: outcome.ok, steps: outcome.steps };
}

function notReady(message: string, fix: string): CheckResult {
  const rest = (['scopes', 'plan', 'activity_report', 'operation_report'] as const).map((name) => ({ name, ok: false, message: NOT_CHECKED, fix: null }));
  return { ok: false, steps: [{ name: 'token', ok: false, message, fix }, ...rest] };
}
