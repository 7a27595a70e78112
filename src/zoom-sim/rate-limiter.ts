import { nextUtcMidnight, utcDay } from '../shared/clock.js';
import type { PlanLimits } from './plan-limits.js';

export type RateLimitDecision = { allowed: true; dailyRemaining: number } | { allowed: false; type: 'QPS' | 'Daily-limit'; limit: number; retryAtMs: number };

/**
 * The Heavy limits of one account, shared by every app on it. The per-second
 * window is the clock's whole second; the daily count belongs to the UTC day
 * and resets at 00:00 UTC whatever the account's time zone. A refused request
 * consumes nothing.
 */
export class AccountRateLimiter {
  #second = Number.NaN;
  #secondCount = 0;
  #day = '';
  #dayCount = 0;

  /** Counts one request at `nowMs` if the limits allow it. */
  tryConsume(nowMs: number, limits: PlanLimits): RateLimitDecision {
    this.#roll(nowMs);
    if (this.#dayCount >= limits.daily) {
      return { allowed: false, type: 'Daily-limit', limit: limits.daily, retryAtMs: nextUtcMidnight(nowMs) };
    }
    if (this.#secondCount >= limits.perSecond) {
      return { allowed: false, type: 'QPS', limit: limits.perSecond, retryAtMs: (this.#second + 1) * 1000 };
    }
    this.#secondCount += 1;
    this.#dayCount += 1;
    return { allowed: true, dailyRemaining: limits.daily - this.#dayCount };
  }

  /** Requests counted today (UTC). */
  usedToday(nowMs: number): number {
    this.#roll(nowMs);
    return this.#dayCount;
  }

  #roll(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#secondCount = 0;
    }
    const day = utcDay(nowMs);
    if (day !== this.#day) {
      this.#day = day;
      this.#dayCount = 0;
    }
  }
}
