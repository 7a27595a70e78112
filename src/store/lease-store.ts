/**
 * Leases on sources, shared by every instance on one database. A source is
 * collected by the instance holding its lease; the lease's fencing token goes
 * with every commit, and the store refuses a commit whose token is no longer
 * the source's (the lease expired and another instance took it), so a paused
 * or partitioned process can never write over its successor.
 */
export interface LeaseStore {
  /**
   * Takes the lease if it is free, expired, already ours, or `force` (its
   * owner is known dead); a new owner gets token + 1. Null when another live
   * owner holds it.
   */
  acquireLease(sourceId: string, owner: string, ttlMs: number, options?: { force?: boolean }): Promise<Lease | null>;
  /** Extends a lease still held with this token; false when it was lost. */
  renewLease(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once (clean shutdown), keeping the token. */
  releaseLease(lease: Lease): Promise<void>;
  /** Who holds what, for `zoomtrail instances` and tests. */
  listLeases(): Promise<LeaseRecord[]>;

  /**
   * One request slot of the shared Zoom budget `key`: at most `perWindow`
   * requests per window of `windowMs`, and `perDay` per UTC day. Atomic
   * across instances.
   */
  takeBudgetSlot(key: string, limits: { windowMs: number; perWindow: number; perDay: number }): Promise<BudgetSlot>;
  /** Zoom answered 429: no instance asks on `key` before `untilMs`. */
  holdBudget(key: string, untilMs: number): Promise<void>;
}

export interface Lease {
  sourceId: string;
  owner: string;
  token: number;
  expiresAt: number;
}

export interface LeaseRecord extends Lease {
  acquiredAt: number;
}

export type BudgetSlot =
  | { ok: true }
  /** `window`: wait for the next window; `hold`: Zoom said wait; `day`: the day's share is spent. */
  | { ok: false; reason: 'window' | 'hold' | 'day'; retryAt: number };
