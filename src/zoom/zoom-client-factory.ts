import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { AccessTokenProvider } from './access-token-provider.js';
import { AuthorizationCodeTokenProvider, type PersistRotatedTokens } from './authorization-code-token-provider.js';
import type { TokenSet } from './oauth-token-endpoint.js';
import type { RequestBudget } from './request-budget.js';
import { SecretRedactor } from './secret-redactor.js';
import { ServerToServerTokenProvider } from './server-to-server-token-provider.js';
import { ZoomApiClient, type ZoomApiClientOptions } from './zoom-api-client.js';
import type { ZoomEndpoints } from './zoom-endpoints.js';

/** How a source authenticates: one of the two OAuth flows Zoom offers. */
export type ZoomAuth =
  | { kind: 's2s'; accountId: string; clientId: string; clientSecret: string }
  | {
      kind: 'authorization_code';
      clientId: string;
      clientSecret: string;
      refreshToken: string;
      /** Stores rotated tokens durably; awaited before the new access token is used. */
      persist: PersistRotatedTokens;
      initial?: TokenSet;
    };

export interface ZoomConnection {
  client: ZoomApiClient;
  tokens: AccessTokenProvider;
  redactor: SecretRedactor;
}

/**
 * Builds the API client of one source: its redactor, its single token cache
 * and the budget of its Zoom account.
 */
export function connectToZoom(args: {
  endpoints: ZoomEndpoints;
  auth: ZoomAuth;
  budget: RequestBudget;
  clock: Clock;
  logger?: Logger;
  fetchImpl?: typeof fetch;
  retry?: ZoomApiClientOptions['retry'];
  onRequest?: ZoomApiClientOptions['onRequest'];
}): ZoomConnection {
  const redactor = new SecretRedactor();
  const { auth, endpoints, clock, fetchImpl } = args;
  const tokens =
    auth.kind === 's2s'
      ? new ServerToServerTokenProvider(endpoints, auth, clock, redactor, fetchImpl)
      : new AuthorizationCodeTokenProvider({
          endpoints,
          credentials: { clientId: auth.clientId, clientSecret: auth.clientSecret },
          refreshToken: auth.refreshToken,
          persist: auth.persist,
          initial: auth.initial,
          clock,
          redactor,
          fetchImpl,
        });
  const client = new ZoomApiClient({
    endpoints,
    tokens,
    budget: args.budget,
    clock,
    redactor,
    logger: args.logger,
    fetchImpl,
    retry: args.retry,
    onRequest: args.onRequest,
  });
  return { client, tokens, redactor };
}
