import type { Clock } from '../shared/clock.js';
import { CachedAccessTokenProvider } from './access-token-provider.js';
import { type OAuthClientCredentials, requestToken, type TokenSet } from './oauth-token-endpoint.js';
import type { SecretRedactor } from './secret-redactor.js';
import type { ZoomEndpoints } from './zoom-endpoints.js';
import { ReauthorizationRequiredError } from './zoom-errors.js';

/**
 * Stores a rotated token set durably. Called, and awaited, before the new
 * access token is used: Zoom invalidates the old refresh token the moment it
 * issues a new one, so a new refresh token that is not stored is a source
 * that needs re-authorizing after the next restart.
 */
export type PersistRotatedTokens = (tokens: TokenSet) => Promise<void>;

export interface AuthorizationCodeTokenProviderOptions {
  endpoints: ZoomEndpoints;
  credentials: OAuthClientCredentials;
  /** The latest stored refresh token. */
  refreshToken: string;
  persist: PersistRotatedTokens;
  clock: Clock;
  redactor: SecretRedactor;
  /** Tokens just obtained from the code exchange, to avoid an immediate refresh. */
  initial?: TokenSet;
  fetchImpl?: typeof fetch;
}

/**
 * The account-level OAuth app of the seed (authorization code grant). Refresh
 * tokens rotate; `invalid_grant` means a person must authorize again.
 */
export class AuthorizationCodeTokenProvider extends CachedAccessTokenProvider {
  #refreshToken: string;
  /** A rotated set whose persistence failed: stored before anything else happens. */
  #unpersisted: TokenSet | undefined;
  readonly #options: AuthorizationCodeTokenProviderOptions;

  constructor(options: AuthorizationCodeTokenProviderOptions) {
    super(options.clock);
    this.#options = options;
    this.#refreshToken = options.refreshToken;
    options.redactor.add(options.credentials.clientSecret);
    options.redactor.add(options.refreshToken);
    if (options.initial) this.seed(options.initial);
  }

  protected async renew(signal?: AbortSignal): Promise<TokenSet> {
    if (this.#unpersisted) return this.#persistThenUse(this.#unpersisted);
    const { endpoints, credentials, clock, redactor, fetchImpl } = this.#options;
    const tokens = await requestToken({ endpoints, credentials, clock, redactor, fetchImpl, signal }, 'refresh_token', { refresh_token: this.#refreshToken });
    if (!tokens.refreshToken) {
      throw new ReauthorizationRequiredError('Zoom returned no refresh token on refresh');
    }
    // From here the old refresh token is dead at Zoom: remember the new one in
    // memory first so a failed persist can be retried rather than lost.
    this.#refreshToken = tokens.refreshToken;
    this.#unpersisted = tokens;
    return this.#persistThenUse(tokens);
  }

  async #persistThenUse(tokens: TokenSet): Promise<TokenSet> {
    await this.#options.persist(tokens);
    this.#unpersisted = undefined;
    return tokens;
  }
}
