/**
 * Time as the rest of Zoomtrail sees it. Everything that reads the time or waits
 * takes a Clock, so tests can run token expiry, page-token expiry, rate-limit
 * windows and the 00:00 UTC daily reset in virtual time, independent of the
 * wall clock's day.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Waits `ms` milliseconds; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock that only moves when told to. `sleep` advances it instantly, so code
 * that backs off for an hour finishes at once while still seeing the hour pass.
 *
 * @example
 * const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
 * await clock.sleep(60_000); // clock.now() is now 12:01
 */
export class ManualClock implements Clock {
  #now: number;
  /** Every sleep requested, in ms, in order: lets tests assert on backoff. */
  readonly sleeps: number[] = [];

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.#now += Math.max(0, ms);
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  set(ms: number): void {
    this.#now = ms;
  }
}

const DAY_MS = 86_400_000;
/** The last day `utcDay` formatted (a page's events mostly share their day): its first ms and its text. */
let lastDayStart = Number.NaN;
let lastDay = '';

/** `yyyy-mm-dd` of the UTC day containing `ms`. */
export function utcDay(ms: number): string {
  const start = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
  if (start !== lastDayStart) {
    lastDay = new Date(ms).toISOString().slice(0, 10); // throws for an invalid time, before it is remembered
    lastDayStart = start;
  }
  return lastDay;
}

/** Epoch ms of the next 00:00 UTC strictly after `ms`. */
export function nextUtcMidnight(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/**
 * A real-time clock that starts at `startMs` instead of now: time flows, but
 * the day is fixed. For reproducible runs (tests, demos) via ZOOMTRAIL_CLOCK_START.
 */
export function shiftedClock(startMs: number, base: Clock = systemClock): Clock {
  const offset = startMs - base.now();
  return { now: () => base.now() + offset, sleep: (ms, signal) => base.sleep(ms, signal) };
}
