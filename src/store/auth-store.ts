import { createHash } from 'node:crypto';
import type { Role, Scope } from '../domain/access-scope.js';
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
  /** Every user, by username. */
  listUsers(): Promise<UserRecord[]>;
  /**
   * Changes a user's role, disabled state or password hash; undefined if there is no such user.
   * Throws LastAdminError (nothing changes) when it would leave no enabled admin: one statement, so the check cannot go stale.
   */
  updateUser(id: string, change: UserChange): Promise<UserRecord | undefined>;
  /** Ends every session of a user; returns how many there were. */
  deleteSessionsOfUser(userId: string): Promise<number>;

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
  /** Every token (of one user when `userId` is given), newest first. */
  listApiTokens(userId?: string): Promise<ApiTokenRecord[]>;
  getApiToken(id: string): Promise<ApiTokenRecord | undefined>;
  /** False if there was no such token. */
  deleteApiToken(id: string): Promise<boolean>;
  /** The token with that hash and its owner, `lastUsedAt` set to now; undefined if unknown, expired, or its user is gone or disabled. */
  useApiToken(tokenHash: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | undefined>;

  // --- the server's address ------------------------------------------------------
  /** Keeps the public URL a running `zoomtrail start` serves at (so `admin create` links to it, whatever port it listens on). */
  recordServedUrl(url: string): Promise<void>;
  /** The last URL recorded by recordServedUrl; undefined before any. */
  servedUrl(): Promise<string | undefined>;

  // --- setup tokens ------------------------------------------------------------
  /** A one-time link's token: without `purpose`, it creates an admin (the first one, or `admin create`). */
  createSetupToken(tokenHash: string, expiresAt: number, purpose?: SetupPurpose): Promise<void>;
  /** Whether the token exists, is unused and unexpired (nothing changes). */
  isSetupTokenValid(tokenHash: string): Promise<boolean>;
  /** What a valid (unused, unexpired) token is for; undefined otherwise. Nothing changes. */
  setupTokenPurpose(tokenHash: string): Promise<SetupPurpose | undefined>;
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
  /** Default admin. */
  role?: Role;
}

export interface UserRecord extends NewUser {
  id: string;
  role: Role;
  createdAt: number;
  /** Set while the user is disabled (no sign-in, no session, no token works). */
  disabledAt: number | null;
}

export interface UserChange {
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
}

/** What a one-time link does: invite a user with a role, or reset one user's password. */
export type SetupPurpose = { kind: 'invite'; role: Role } | { kind: 'reset'; userId: string };

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
  role: Role;
  createdAt: number;
  lastSeenAt: number;
}

export interface NewApiToken {
  name: string;
  tokenHash: string;
  userId: string;
  /** Default ['admin'] (what every token could do before scopes). */
  scopes?: readonly Scope[];
  /** ms since the epoch; null or absent: never. */
  expiresAt?: number | null;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  userId: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
}

export interface TakenAuthorization {
  sessionIdHash: string;
  sourceId: string;
  pending: PendingAuthorization;
}
