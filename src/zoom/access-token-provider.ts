import type { Clock } from '../shared/clock.js';
import type { TokenSet } from './oauth-token-endpoint.js';

/** Hands the API client a valid access token for one source. */
export interface AccessTokenProvider {
  /** A token valid for a while yet; renewed shortly before expiry. */
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** Zoom refused `token` (code 124): drop it so the next call renews. */
  invalidate(token: string): void;
}

/**
 * The token cache both OAuth flows share: one token per source, renewed a
 * little before it expires (a run longer than the one-hour token must not
 * fail), and at most one renewal in flight however many callers ask.
 */
export abstract class CachedAccessTokenProvider implements AccessTokenProvider {
  #current: TokenSet | undefined;
  #renewAt = 0;
  #inFlight: Promise<TokenSet> | undefined;

  constructor(protected readonly clock: Clock) {}

  /** Obtains a new token set from Zoom. Never called twice at once. */
  protected abstract renew(signal?: AbortSignal): Promise<TokenSet>;

  /** Seeds the cache, e.g. with the tokens of a just-completed authorization. */
  protected seed(tokens: TokenSet): void {
    this.#keep(tokens);
  }

  async getAccessToken(signal?: AbortSignal): Promise<string> {
    const current = this.#current;
    if (current && this.clock.now() < this.#renewAt) return current.accessToken;
    this.#inFlight ??= this.renew(signal).then(
      (tokens) => {
        this.#keep(tokens);
        this.#inFlight = undefined;
        return tokens;
      },
      (error: unknown) => {
        this.#inFlight = undefined;
        throw error;
      },
    );
    return (await this.#inFlight).accessToken;
  }

  invalidate(token: string): void {
    if (this.#current?.accessToken === token) this.#current = undefined;
  }

  /** Scopes granted with the current token, if one was obtained. */
  grantedScopes(): string[] | undefined {
    return this.#current?.scopes;
  }

  #keep(tokens: TokenSet): void {
    // Renew ahead of expiry by a tenth of the lifetime, between 1 s and 5 min.
    const lifetime = tokens.expiresAt - this.clock.now();
    this.#current = tokens;
    this.#renewAt = tokens.expiresAt - Math.min(5 * 60_000, Math.max(1_000, lifetime / 10));
  }
}
