import type { Clock } from '../shared/clock.js';
import type { LeaseStore } from '../store/lease-store.js';
import { MAX_HOLD_WAIT_MS, type RequestBudget, type RequestBudgetLimits } from '../zoom/request-budget.js';
import { DailyBudgetExhaustedError } from '../zoom/zoom-errors.js';

/**
 * A Zoom account's request budget kept in the store, so every instance (and
 * every source on the account) draws from one share: ten instances never
 * spend ten budgets. Requests per second become a window of at least one
 * second holding at least one request (0.5/s = one request per 2 s); the day
 * is the UTC day, as Zoom's. A 429 holds the whole account for everyone.
 */
export class SharedRequestBudget implements RequestBudget {
  readonly #store: Pick<LeaseStore, 'takeBudgetSlot' | 'holdBudget'>;
  readonly #key: string;
  readonly #clock: Clock;
  readonly #limits: { windowMs: number; perWindow: number; perDay: number };
  #localHold = 0;

  constructor(store: Pick<LeaseStore, 'takeBudgetSlot' | 'holdBudget'>, key: string, clock: Clock, limits: RequestBudgetLimits) {
    if (!(limits.requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be greater than 0');
    this.#store = store;
    this.#key = key;
    this.#clock = clock;
    const windowMs = Math.max(1000, Math.ceil(1000 / limits.requestsPerSecond));
    this.#limits = { windowMs, perWindow: Math.max(1, Math.floor((limits.requestsPerSecond * windowMs) / 1000)), perDay: Math.max(1, Math.floor(limits.requestsPerDay)) };
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const now = this.#clock.now();
      if (this.#localHold - now > MAX_HOLD_WAIT_MS) throw new DailyBudgetExhaustedError(this.#localHold, 'zoom');
      if (this.#localHold > now) {
        await this.#clock.sleep(this.#localHold - now, signal);
        continue;
      }
      const slot = await this.#store.takeBudgetSlot(this.#key, this.#limits);
      if (slot.ok) return;
      if (slot.reason === 'day') throw new DailyBudgetExhaustedError(slot.retryAt, 'local');
      // Another instance met Zoom's daily cap: the same as meeting it here.
      if (slot.retryAt - this.#clock.now() > MAX_HOLD_WAIT_MS) throw new DailyBudgetExhaustedError(slot.retryAt, 'zoom');
      await this.#clock.sleep(Math.max(1, slot.retryAt - this.#clock.now()), signal);
    }
  }

  holdUntil(untilMs: number): void {
    this.#localHold = Math.max(this.#localHold, untilMs);
    // Shared with the other instances; a failure to record it only costs them a 429 of their own.
    this.#store.holdBudget(this.#key, untilMs).catch(() => undefined);
  }
}

/** The budget key of a Zoom account: every source on it, in every instance, shares one budget. */
export function zoomAccountBudgetKey(source: { apiUrl: string; zoomAccountId: string | null; clientId: string }): string {
  return `${source.apiUrl}|${source.zoomAccountId ?? `client:${source.clientId}`}`;
}
