import { createHash } from 'node:crypto';
import type { PendingAuthorization } from '../domain/pending-authorization.js';

/** SHA-256 (hex) of a random secret: what the store keeps instead of the secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The store's part for the console and the JSON API: users, sessions, API
 * tokens, one-time setup tokens and pending OAuth authorizations. Random
 * secrets (session ids, API tokens, setup tokens, OAuth states) are never
 * stored: callers pass their SHA-256 (`hashSecret` below)
 * and look them up by it. Times are ms since the epoch; "now" is the store's clock.
 */
export interface AuthStore {
  // --- users -----------------------------------------------------------------
  countUsers(): Promise<number>;
  /** Throws DuplicateUserError when the username is taken. */
  createUser(input: NewUser): Promise<UserRecord>;
  /** Exact (case-sensitive) username. */
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  getUser(id: string): Promise<UserRecord | undefined>;

  // --- sessions --------------------------------------------------------------
  createSession(input: NewSession): Promise<SessionRecord>;
  /**
   * The session if it is still valid (not idle longer than `idleMs`, not older
   * than `maxAgeMs`), with its expiry pushed to min(now + idleMs, createdAt +
   * maxAgeMs) and `lastSeenAt` set to now; undefined (and the row removed) otherwise.
   */
  touchSession(idHash: string, policy: SessionPolicy): Promise<SessionRecord | undefined>;
  /** False if there was no such session. */
  deleteSession(idHash: string): Promise<boolean>;
  /** Removes expired sessions, setup tokens and pending authorizations; returns how many rows went. */
  deleteExpiredAuth(): Promise<number>;

  // --- API tokens --------------------------------------------------------------
  createApiToken(input: NewApiToken): Promise<ApiTokenRecord>;
  /** Every token (all users), newest first. */
  listApiTokens(): Promise<ApiTokenRecord[]>;
  /** False if there was no such token. */
  deleteApiToken(id: string): Promise<boolean>;
  /** The token with that hash and its owner, `lastUsedAt` set to now; undefined if unknown or its user is gone. */
  useApiToken(tokenHash: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | undefined>;

  // --- the server's address ------------------------------------------------------
  /** Keeps the public URL a running `zoomtrail start` serves at (so `admin create` links to it, whatever port it listens on). */
  recordServedUrl(url: string): Promise<void>;
  /** The last URL recorded by recordServedUrl; undefined before any. */
  servedUrl(): Promise<string | undefined>;

  // --- setup tokens ------------------------------------------------------------
  createSetupToken(tokenHash: string, expiresAt: number): Promise<void>;
  /** Whether the token exists, is unused and unexpired (nothing changes). */
  isSetupTokenValid(tokenHash: string): Promise<boolean>;
  /** Marks the token used, atomically (one UPDATE ... WHERE used_at IS NULL AND expires_at > now); true only for the one caller that used it. */
  consumeSetupToken(tokenHash: string): Promise<boolean>;

  // --- pending OAuth authorizations ----------------------------------------------
  /** Keeps `pending` (sealed: it holds the PKCE verifier) under the hash of `pending.state`, bound to a session and a source. */
  savePendingAuthorization(sessionIdHash: string, sourceId: string, pending: PendingAuthorization, expiresAt: number): Promise<void>;
  /** The source of the unexpired authorization started with `state`, whatever its session; nothing is taken. */
  pendingAuthorizationSource(state: string): Promise<string | undefined>;
  /**
   * Takes the authorization started with `state` (the raw value from the callback) in the session `sessionIdHash`:
   * single-use, deleted in the same statement; undefined if unknown, used, expired or started in another session
   * (which then keeps it).
   */
  takePendingAuthorization(state: string, sessionIdHash: string): Promise<TakenAuthorization | undefined>;
}

export interface NewUser {
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
}

export interface UserRecord extends NewUser {
  id: string;
  createdAt: number;
}

export interface SessionPolicy {
  /** Expiry after this long without a request. */
  idleMs: number;
  /** Expiry this long after sign-in, whatever the activity. */
  maxAgeMs: number;
}

export interface NewSession {
  /** SHA-256 (hex) of the session id in the cookie. */
  idHash: string;
  userId: string;
  /** Secret the CSRF token is derived from. */
  csrfSecret: string;
  expiresAt: number;
}

export interface SessionRecord extends NewSession {
  username: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface NewApiToken {
  name: string;
  tokenHash: string;
  userId: string;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface TakenAuthorization {
  sessionIdHash: string;
  sourceId: string;
  pending: PendingAuthorization;
}
