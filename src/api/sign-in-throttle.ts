import type { Clock } from '../shared/clock.js';

/**
 * Slows password guessing without letting anyone lock a user out.
 *
 * - Per (user name, client address): the first FREE_FAILURES wrong passwords
 *   cost nothing; each one after that makes that pair wait, twice as long each
 *   time (30 s, 1 min, 2 min ... up to 15 min). Another client is not affected.
 * - Per user name, across clients (an attacker with many addresses): after
 *   ACCOUNT_FREE_FAILURES failures the same growing delay applies to every
 *   client that is not a known device for that user. A known device (a browser
 *   that signed in as that user before, proven by its device cookie) is only
 *   held back by its own failures, so the right password from a known client
 *   always has a way in.
 * - A success clears the pair's count only (an attacker spraying many addresses gets no fresh start).
 * - Counts are forgotten FORGET_AFTER_MS after the last failure.
 *
 * Kept in memory, per process: several instances each keep their own counts.
 */
export const FREE_FAILURES = 5;
export const ACCOUNT_FREE_FAILURES = 20;
export const FIRST_DELAY_MS = 30_000;
export const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
/** Entries kept at most (each failure with a new name or address adds one); the oldest go first. */
const MAX_ENTRIES = 100_000;

interface FailureCount {
  failures: number;
  lastFailureAt: number;
}

export interface SignInAttempt {
  /** As typed; compared lower-cased. */
  username: string;
  /** The client's address (request.ip, which honours the trusted-proxy setting). */
  client: string;
  /** The request carries a valid device cookie for this user name. */
  knownDevice: boolean;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** How long `count` failures make the next attempt wait after the last one; 0 within the free failures. */
export function delayAfter(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - freeFailures));
}

export class SignInThrottle {
  private readonly pairs = new Map<string, FailureCount>();
  private readonly accounts = new Map<string, FailureCount>();

  constructor(private readonly clock: Clock) {}

  /** Whether this attempt may check a password now; if not, how long to wait. */
  check(attempt: SignInAttempt): ThrottleDecision {
    const now = this.clock.now();
    const name = attempt.username.toLowerCase();
    let wait = this.remaining(this.pairs, pairKey(name, attempt.client), FREE_FAILURES, now);
    if (!attempt.knownDevice) wait = Math.max(wait, this.remaining(this.accounts, name, ACCOUNT_FREE_FAILURES, now));
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
  }

  recordFailure(attempt: SignInAttempt): void {
    const now = this.clock.now();
    const name = attempt.username.toLowerCase();
    this.bump(this.pairs, pairKey(name, attempt.client), now);
    if (!attempt.knownDevice) this.bump(this.accounts, name, now);
  }

  recordSuccess(attempt: SignInAttempt): void {
    // The account's count stays: a success does not give a spraying attacker a fresh start.
    this.pairs.delete(pairKey(attempt.username.toLowerCase(), attempt.client));
  }

  private remaining(map: Map<string, FailureCount>, key: string, free: number, now: number): number {
    const count = map.get(key);
    if (!count) return 0;
    if (now - count.lastFailureAt >= FORGET_AFTER_MS) {
      map.delete(key);
      return 0;
    }
    return Math.max(0, count.lastFailureAt + delayAfter(count.failures, free) - now);
  }

  private bump(map: Map<string, FailureCount>, key: string, now: number): void {
    const count = map.get(key);
    const fresh = !count || now - count.lastFailureAt >= FORGET_AFTER_MS;
    map.delete(key); // re-insert: Map order is then oldest failure first
    map.set(key, { failures: fresh ? 1 : count.failures + 1, lastFailureAt: now });
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  }
}

function pairKey(name: string, client: string): string {
  return `${name}\n${client}`;
}
