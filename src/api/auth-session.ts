import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashSecret, type SessionPolicy, type SessionRecord } from '../store/auth-store.js';
import type { Store } from '../store/store.js';

/**
 * The pieces of sign-in shared by the server's auth hook (build-server.ts) and
 * the auth routes: the session cookie, CSRF tokens, random secrets and
 * password hashing.
 */

export const SESSION_COOKIE = 'zt_session';
const HOUR = 3_600_000;
/** 12 hours idle, 7 days at most. */
export const SESSION_POLICY: SessionPolicy = { idleMs: 12 * HOUR, maxAgeMs: 7 * 24 * HOUR };
export const API_TOKEN_PREFIX = 'zt_';
/** The shortest password (the schema of POST /api/setup says it too). */
export { MIN_PASSWORD_LENGTH } from './schemas/auth.js';

/** 32 random bytes, base64url: session ids, API tokens, setup tokens, CSRF secrets. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

// --- passwords (argon2id, @node-rs/argon2's default algorithm) ------------------------

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** Computes the dummy hash ahead of the first sign-in (so even the first unknown-user attempt takes the usual time). */
export function prepareDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomSecret());
  return dummyHash;
}

/**
 * Whether `password` matches `passwordHash`. Without a hash (unknown user) the
 * password is checked against a dummy hash anyway, so both failures take the
 * same time.
 */
export async function checkPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  const target = passwordHash ?? (await prepareDummyHash());
  let ok: boolean;
  try {
    ok = await verify(target, password);
  } catch {
    ok = false;
  }
  return ok && passwordHash !== undefined;
}

// --- sessions and CSRF ------------------------------------------------------------------

/** The session a request was authenticated with (set by the auth hook), by request. */
const requestSessions = new WeakMap<FastifyRequest, SessionRecord>();

export function sessionOf(request: FastifyRequest): SessionRecord | undefined {
  return requestSessions.get(request);
}

export function setSessionOf(request: FastifyRequest, session: SessionRecord): void {
  requestSessions.set(request, session);
}

/** The CSRF token of a session: an HMAC of the session (id hash) under its own random secret. */
export function csrfTokenOf(session: SessionRecord): string {
  return createHmac('sha256', session.csrfSecret).update(`csrf:${session.idHash}`).digest('base64url');
}

/** Constant-time check of an `X-CSRF-Token` header against the session's token. */
export function csrfTokenMatches(session: SessionRecord, header: unknown): boolean {
  if (typeof header !== 'string' || header.length === 0) return false;
  const expected = Buffer.from(csrfTokenOf(session));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether cookies must be `Secure`: the console is reached over https. */
export function secureCookies(publicUrl: string): boolean {
  return publicUrl.startsWith('https:');
}

/** Starts a session for `userId`, sets the cookie on `reply`, and returns it. */
export async function startSession(store: Store, reply: FastifyReply, userId: string, publicUrl: string, now: number): Promise<SessionRecord> {
  const sessionId = randomSecret();
  const session = await store.createSession({
    idHash: hashSecret(sessionId),
    userId,
    csrfSecret: randomSecret(),
    expiresAt: now + SESSION_POLICY.idleMs,
  });
  reply.setCookie(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: secureCookies(publicUrl),
    maxAge: Math.floor(SESSION_POLICY.maxAgeMs / 1000),
  });
  return session;
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: secureCookies(publicUrl) });
}
