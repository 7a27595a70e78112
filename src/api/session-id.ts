import { hashSecret } from '../store/auth-store.js';

/** The browser session cookie set at login (auth-session.ts). */
export { SESSION_COOKIE } from './auth-session.js';

/**
 * How a session id (the raw `zt_session` cookie value, which is also
 * `ApiUser.sessionId`) is kept server-side: only its SHA-256 (hex) is stored, so a
 * leaked database row cannot be replayed as a cookie. OAuth `state` is bound to
 * this hash.
 */
export function sessionIdHash(sessionId: string): string {
  return hashSecret(sessionId);
}

/** Reads one cookie from a raw `Cookie` header (for routes that run before or without the cookie plugin). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}
