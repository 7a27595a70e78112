import type { Clock } from '../shared/clock.js';
import { randomToken } from './random-token.js';

export interface AccessTokenRecord {
  readonly token: string;
  readonly clientId: string;
  readonly accountId: string;
  readonly expiresAtMs: number;
  revoked: boolean;
  /** The refresh token issued alongside (authorization-code apps only). */
  readonly refreshToken?: string;
}

interface RefreshTokenRecord {
  readonly token: string;
  readonly clientId: string;
  readonly accountId: string;
  revoked: boolean;
  readonly accessTokens: Set<string>;
}

export interface AuthCodeRecord {
  readonly code: string;
  readonly clientId: string;
  readonly accountId: string;
  readonly redirectUri: string;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: 'S256' | 'plain';
  readonly expiresAtMs: number;
  used: boolean;
}

export type AccessCheck = { ok: true; record: AccessTokenRecord } | { ok: false; reason: 'invalid' | 'expired' };

export interface IssuedTokens {
  access: AccessTokenRecord;
  refreshToken?: string;
}

export interface TokenStoreOptions {
  accessTokenTtlSeconds: number;
  authCodeTtlSeconds: number;
}

/**
 * Every credential the OAuth endpoints hand out: authorization codes, access
 * tokens and (rotating) refresh tokens. Expiry is judged on the injected clock.
 */
export class TokenStore {
  readonly #clock: Clock;
  readonly #options: TokenStoreOptions;
  readonly #codes = new Map<string, AuthCodeRecord>();
  readonly #access = new Map<string, AccessTokenRecord>();
  readonly #refresh = new Map<string, RefreshTokenRecord>();

  constructor(clock: Clock, options: TokenStoreOptions) {
    this.#clock = clock;
    this.#options = options;
  }

  get accessTokenTtlSeconds(): number {
    return this.#options.accessTokenTtlSeconds;
  }

  issueCode(grant: Omit<AuthCodeRecord, 'code' | 'expiresAtMs' | 'used'>): string {
    const code = randomToken(32);
    this.#codes.set(code, {
      ...grant,
      code,
      expiresAtMs: this.#clock.now() + this.#options.authCodeTtlSeconds * 1000,
      used: false,
    });
    return code;
  }

  /** A code this client may still redeem, or undefined when unknown, used, expired or someone else's. */
  findRedeemableCode(code: string, clientId: string): AuthCodeRecord | undefined {
    const record = this.#codes.get(code);
    if (!record || record.used || record.clientId !== clientId) return undefined;
    if (this.#clock.now() >= record.expiresAtMs) return undefined;
    return record;
  }

  issue(clientId: string, accountId: string, withRefreshToken: boolean): IssuedTokens {
    let refresh: RefreshTokenRecord | undefined;
    if (withRefreshToken) {
      refresh = { token: randomToken(48), clientId, accountId, revoked: false, accessTokens: new Set() };
      this.#refresh.set(refresh.token, refresh);
    }
    const access: AccessTokenRecord = {
      token: randomToken(48),
      clientId,
      accountId,
      expiresAtMs: this.#clock.now() + this.#options.accessTokenTtlSeconds * 1000,
      revoked: false,
      ...(refresh ? { refreshToken: refresh.token } : {}),
    };
    this.#access.set(access.token, access);
    refresh?.accessTokens.add(access.token);
    return { access, ...(refresh ? { refreshToken: refresh.token } : {}) };
  }

  /**
   * Zoom rotates refresh tokens: the presented one dies and a new pair is
   * issued. Access tokens issued earlier keep working until they expire.
   */
  rotate(refreshToken: string, clientId: string): IssuedTokens | undefined {
    const record = this.#refresh.get(refreshToken);
    if (!record || record.revoked || record.clientId !== clientId) return undefined;
    record.revoked = true;
    return this.issue(record.clientId, record.accountId, true);
  }

  check(token: string): AccessCheck {
    const record = this.#access.get(token);
    if (!record || record.revoked) return { ok: false, reason: 'invalid' };
    if (this.#clock.now() >= record.expiresAtMs) return { ok: false, reason: 'expired' };
    return { ok: true, record };
  }

  /** Historic S2S behaviour: a new token invalidates the client's earlier ones. */
  revokeAccessTokensOf(clientId: string, except: string): void {
    for (const record of this.#access.values()) {
      if (record.clientId === clientId && record.token !== except) record.revoked = true;
    }
  }

  /** The admin removed the app: every token and unredeemed code of the client dies. */
  revokeClient(clientId: string): void {
    for (const record of this.#access.values()) if (record.clientId === clientId) record.revoked = true;
    for (const record of this.#refresh.values()) if (record.clientId === clientId) record.revoked = true;
    for (const record of this.#codes.values()) if (record.clientId === clientId) record.used = true;
  }

  /**
   * /oauth/revoke: an access token dies alone; a refresh token takes the
   * access tokens issued with it along. Returns false for a token this client
   * never received.
   */
  revoke(token: string, clientId: string): boolean {
    const access = this.#access.get(token);
    if (access && access.clientId === clientId) {
      access.revoked = true;
      return true;
    }
    const refresh = this.#refresh.get(token);
    if (refresh && refresh.clientId === clientId) {
      refresh.revoked = true;
      for (const accessToken of refresh.accessTokens) {
        const record = this.#access.get(accessToken);
        if (record) record.revoked = true;
      }
      return true;
    }
    return false;
  }
}
