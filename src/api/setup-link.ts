import { hashSecret, type SetupPurpose } from '../store/auth-store.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../shared/clock.js';
import { randomSecret } from './auth-session.js';

/** How long a setup link works (once). */
export const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

/**
 * A new one-time setup link: `${publicUrl}/setup?token=...`, valid 24 hours. Only the token's hash is stored.
 * Without `purpose` it creates an admin; an invitation creates a user with its role; a reset link sets
 * one user's password (POST /api/setup with that user's name).
 */
export async function createSetupLink(store: Store, clock: Clock, publicUrl: string, purpose?: SetupPurpose): Promise<string> {
  const token = randomSecret();
  await store.createSetupToken(hashSecret(token), clock.now() + SETUP_TOKEN_TTL_MS, purpose);
  return `${publicUrl}/setup?token=${token}`;
}

/** When no user exists yet: a setup link for the first admin; otherwise undefined. */
export async function firstStartSetupLink(store: Store, clock: Clock, publicUrl: string): Promise<string | undefined> {
  if ((await store.countUsers()) > 0) return undefined;
  await store.deleteExpiredAuth();
  return createSetupLink(store, clock, publicUrl);
}
