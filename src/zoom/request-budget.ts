import { type Clock, nextUtcMidnight, utcDay } from '../shared/clock.js';
import { DailyBudgetExhaustedError } from './zoom-errors.js';

/**
 * The share of a Zoom account's Heavy API budget that Zoomtrail may spend.
 * Zoom's limits (Pro: 10 requests/s and 30,000 a day, Business+: 40/s and
 * 60,000) are per account and shared by every app on it, so a collector must
 * take a small, configurable share rather than all of it.
 *
 * One budget per Zoom account: every stream of every source on that account
 * acquires from the same one.
 */
export interface RequestBudget {
  /** Waits for the next request slot; throws DailyBudgetExhaustedError once the day's share is spent. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Zoom answered 429: hold every request on this account until `untilMs`. */
  holdUntil(untilMs: number): void;
}

export interface RequestBudgetLimits {
  /** Requests per second; default 2 (a fifth of Pro's 10). */
  requestsPerSecond: number;
  /** Requests per UTC day; default 3,000 (a tenth of Pro's 30,000). */
  requestsPerDay: number;
}

export const DEFAULT_BUDGET_LIMITS: RequestBudgetLimits = { requestsPerSecond: 2, requestsPerDay: 3_000 };

/**
 * A hold longer than this is not waited out inside a request: it is Zoom's
 * daily cap (held until 00:00 UTC), and a request waiting hours would hold its
 * whole cycle (and the other stream, and a lease) with it. The request fails
 * with DailyBudgetExhaustedError instead; the stream records it and retries
 * after the reset.
 */
export const MAX_HOLD_WAIT_MS = 5 * 60_000;

/** A RequestBudget kept in this process (several instances share one through the store). */
export class LocalRequestBudget implements RequestBudget {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #perDay: number;
  #nextSlot = 0;
  #heldUntil = 0;
  #day = '';
  #spentToday = 0;

  constructor(clock: Clock, limits: Partial<RequestBudgetLimits> = {}) {
    const { requestsPerSecond, requestsPerDay } = { ...DEFAULT_BUDGET_LIMITS, ...limits };
    if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be greater than 0');
    if (!(requestsPerDay >= 1)) throw new RangeError('requestsPerDay must be at least 1');
    this.#clock = clock;
    this.#intervalMs = 1000 / requestsPerSecond;
    this.#perDay = Math.floor(requestsPerDay);
  }

  /** Requests spent in the current UTC day. */
  spentToday(): number {
    this.#rollDay(this.#clock.now());
    return this.#spentToday;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const now = this.#clock.now();
    this.#rollDay(now);
    // Slots are reserved synchronously, so concurrent callers queue without a lock.
    if (this.#heldUntil - now > MAX_HOLD_WAIT_MS) throw new DailyBudgetExhaustedError(this.#heldUntil, 'zoom');
    const slot = Math.max(now, this.#nextSlot, this.#heldUntil);
    if (utcDay(slot) !== this.#day) {
      // A hold can push the slot into tomorrow; count it there.
      this.#day = utcDay(slot);
      this.#spentToday = 0;
    }
    if (this.#spentToday >= this.#perDay) {
      throw new DailyBudgetExhaustedError(nextUtcMidnight(slot), 'local');
    }
    this.#spentToday += 1;
    this.#nextSlot = slot + this.#intervalMs;
    if (slot > now) await this.#clock.sleep(slot - now, signal);
  }

  holdUntil(untilMs: number): void {
    this.#heldUntil = Math.max(this.#heldUntil, untilMs);
  }

  #rollDay(now: number): void {
    const day = utcDay(now);
    if (day > this.#day) {
      this.#day = day;
      this.#spentToday = 0;
    }
  }
}
