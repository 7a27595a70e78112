import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { secureCookies } from './auth-session.js';

/**
 * The device cookie (OWASP's "device cookies" against online guessing): a
 * browser that signed in as a user gets `zt_device` = `<name>.<nonce>.<mac>`,
 * the MAC keyed by that user's password hash. It proves "this browser knew the
 * password before", so the per-account throttle (sign-in-throttle.ts) does not
 * hold it back. It changes nothing else: it is no session and grants nothing.
 * Changing the password invalidates every device cookie of the user.
 */
export const DEVICE_COOKIE = 'zt_device';
const DEVICE_COOKIE_MAX_AGE_S = 180 * 24 * 3600;

function macOf(passwordHash: string, name: string, nonce: string): string {
  return createHmac('sha256', passwordHash).update(`zoomtrail-device:${name}:${nonce}`).digest('base64url');
}

/** Whether the request's device cookie was issued to `username` under its current password hash. */
export function isKnownDevice(request: FastifyRequest, username: string, passwordHash: string | undefined): boolean {
  const value = request.cookies[DEVICE_COOKIE];
  if (!value || passwordHash === undefined) return false;
  const [encodedName, nonce, mac, ...rest] = value.split('.');
  if (!encodedName || !nonce || !mac || rest.length > 0) return false;
  const name = Buffer.from(encodedName, 'base64url').toString('utf8');
  if (name !== username.toLowerCase()) return false;
  const expected = Buffer.from(macOf(passwordHash, name, nonce));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Sets the device cookie after a successful sign-in as `username`. */
export function setDeviceCookie(reply: FastifyReply, username: string, passwordHash: string, publicUrl: string): void {
  const name = username.toLowerCase();
  const nonce = randomBytes(16).toString('base64url');
  const value = `${Buffer.from(name, 'utf8').toString('base64url')}.${nonce}.${macOf(passwordHash, name, nonce)}`;
  reply.setCookie(DEVICE_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: '/api/login', secure: secureCookies(publicUrl), maxAge: DEVICE_COOKIE_MAX_AGE_S });
}
