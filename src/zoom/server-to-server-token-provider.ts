import type { Clock } from '../shared/clock.js';
import { CachedAccessTokenProvider } from './access-token-provider.js';
import { type OAuthClientCredentials, requestToken, type TokenSet } from './oauth-token-endpoint.js';
import type { SecretRedactor } from './secret-redactor.js';
import type { ZoomEndpoints } from './zoom-endpoints.js';

export interface ServerToServerCredentials extends OAuthClientCredentials {
  accountId: string;
}

/**
 * Server-to-Server OAuth: `grant_type=account_credentials`, a one-hour token
 * and no refresh token. No user is involved, so it survives the authorizing
 * admin leaving. Historically a new token revoked the previous one; today
 * several coexist. Either way one cached token per source is right: renewing
 * only when due never invalidates a token another request still uses.
 */
export class ServerToServerTokenProvider extends CachedAccessTokenProvider {
  constructor(
    private readonly endpoints: ZoomEndpoints,
    private readonly credentials: ServerToServerCredentials,
    clock: Clock,
    private readonly redactor: SecretRedactor,
    private readonly fetchImpl?: typeof fetch,
  ) {
    super(clock);
    redactor.add(credentials.clientSecret);
  }

  protected renew(signal?: AbortSignal): Promise<TokenSet> {
    return requestToken(
      { endpoints: this.endpoints, credentials: this.credentials, clock: this.clock, redactor: this.redactor, fetchImpl: this.fetchImpl, signal },
      'account_credentials',
      { account_id: this.credentials.accountId },
    );
  }
}
