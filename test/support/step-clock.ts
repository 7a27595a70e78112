import type { Clock } from '../../src/shared/clock.js';

interface Sleeper {
  at: number;
  wake: () => void;
}

/**
 * A virtual clock whose sleeps wait until the test moves time past them
 * (`next()`), unlike ManualClock, whose sleeps return at once. Code that
 * loops on sleeps (the collector, the renewal of a lease) then stops in each
 * sleep, and the test decides when time passes. Counts every sleep asked for.
 */
export class StepClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];
  /** Sleeps asked for so far. */
  sleepCalls = 0;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleepCalls += 1;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Sleeps now waiting. */
  get waiting(): number {
    return this.#sleepers.length;
  }

  /** Moves time to the earliest wake-up and wakes every sleeper due by then; false when nobody sleeps. */
  next(): boolean {
    if (this.#sleepers.length === 0) return false;
    const at = Math.min(...this.#sleepers.map((s) => s.at));
    this.#now = Math.max(this.#now, at);
    const due = this.#sleepers.filter((s) => s.at <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.at > this.#now);
    for (const sleeper of due) sleeper.wake();
    return true;
  }
}
