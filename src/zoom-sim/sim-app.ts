import { CLASSIC_REPORT_SCOPE } from '../zoom/report-records.js';

export interface SimAppOptions {
  clientId: string;
  clientSecret: string;
  /** The account the app is registered in (and, for an OAuth app, the account that authorizes it). */
  accountId: string;
  /** `s2s`: Server-to-Server OAuth (account_credentials); `oauth`: account-level app (authorization code). */
  kind: 's2s' | 'oauth';
  /** Default `['report:read:admin']`. */
  scopes?: string[];
  /** Exact redirect URIs the authorize and token endpoints accept (OAuth apps). */
  redirectUris?: string[];
  /**
   * Where the simulator's authorize error page links back to (the client's own
   * page, e.g. Zoomtrail's sources). Zoom's page has no such link; the simulator's
   * users need a way back when a redirect URI is refused, and it must not be the
   * refused URI itself.
   */
  homeUrl?: string;
}

/** An OAuth app registered in an account, as configured in the Zoom Marketplace. */
export class SimApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accountId: string;
  readonly kind: 's2s' | 'oauth';
  readonly redirectUris: readonly string[];
  readonly homeUrl: string | undefined;
  #scopes: readonly string[];

  constructor(options: SimAppOptions) {
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.accountId = options.accountId;
    this.kind = options.kind;
    this.redirectUris = [...(options.redirectUris ?? [])];
    this.homeUrl = options.homeUrl;
    this.#scopes = [...(options.scopes ?? [CLASSIC_REPORT_SCOPE])];
  }

  /**
   * Scopes are read live on every request: a change made in the Marketplace
   * applies to tokens already issued (the simulator's simplification; see
   * SimAccount.setScopes).
   */
  get scopes(): readonly string[] {
    return this.#scopes;
  }

  setScopes(scopes: readonly string[]): void {
    this.#scopes = [...scopes];
  }
}
