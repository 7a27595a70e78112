import type { Clock } from '../shared/clock.js';
import type { StoredRecord } from './day-bucket-store.js';
import { randomToken } from './random-token.js';

/** Where a page token points: a position in one endpoint's window. */
export interface PageCursor {
  /** Endpoint, effective (clamped) window and filter: a token is only good for the query that issued it. */
  readonly scope: string;
  readonly accountId: string;
  /** Records already served by earlier pages. */
  readonly offset: number;
  /** The list pinned by the first page ('snapshot' consistency); absent in 'live' mode. */
  readonly snapshot?: readonly StoredRecord[];
}

interface IssuedCursor extends PageCursor {
  readonly expiresAtMs: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Zoom's next_page_token: opaque, 15 minutes of life from issue, reusable until
 * then (so a client can retry a page after a failed response).
 */
export class PageTokenStore {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #cursors = new Map<string, IssuedCursor>();
  #lastSweepMs = Number.NEGATIVE_INFINITY;

  constructor(clock: Clock, ttlSeconds: number) {
    this.#clock = clock;
    this.#ttlMs = ttlSeconds * 1000;
  }

  issue(cursor: PageCursor): string {
    const now = this.#clock.now();
    this.#sweep(now);
    const token = randomToken(35);
    this.#cursors.set(token, { ...cursor, expiresAtMs: now + this.#ttlMs });
    return token;
  }

  /** The cursor, or undefined when the token is unknown, expired, or belongs to another query or account. */
  resolve(token: string, scope: string, accountId: string): PageCursor | undefined {
    const cursor = this.#cursors.get(token);
    if (!cursor || cursor.scope !== scope || cursor.accountId !== accountId) return undefined;
    if (this.#clock.now() >= cursor.expiresAtMs) return undefined;
    return cursor;
  }

  /** Dead tokens hold whole snapshots; drop them now and then. */
  #sweep(now: number): void {
    if (now - this.#lastSweepMs < SWEEP_INTERVAL_MS && now >= this.#lastSweepMs) return;
    this.#lastSweepMs = now;
    for (const [token, cursor] of this.#cursors) if (now >= cursor.expiresAtMs) this.#cursors.delete(token);
  }
}
