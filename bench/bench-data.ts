/**
 * The data every benchmark shares, fixed by seed: the same generated Zoom
 * records feed the normalize+detect+store run and the rules run (in process) and the simulator the
 * backfills read (in a child), so the figures are about the same records.
 */
import { addDays } from '../src/domain/utc-days.js';
import { sharedIpLocator } from '../src/normalize/ip-locator.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import type { Normalizer } from '../src/normalize/normalizer.js';
import { systemClock, type Clock } from '../src/shared/clock.js';
import type { NewSource } from '../src/store/store.js';
import type { LogType } from '../src/zoom/report-records.js';
import type { DayVolume } from '../src/zoom-sim/record-generator.js';

/** "Now" of every run: the day the figures in BENCHMARKS.md were taken, at noon UTC. */
export const BENCH_NOW = Date.parse('2026-11-25T12:00:00Z');
export const BENCH_TODAY = '2026-11-25';
export const BENCH_SEED = 20261125;

/** The default backfill reads 7 days (today and 6 before). */
export const BACKFILL_DAYS = 7;
/** Share of sign-in/out records; the rest are operation logs. */
export const ACTIVITY_SHARE = 0.85;

/**
 * Per-day volume for `total` records over `days` days (the simulator takes one
 * volume for every generated day): `days * volume` is `total` give or take
 * `days - 1` records, so the run reports the exact count it used.
 */
export function dayVolume(total: number, days: number): DayVolume {
  const perDay = Math.max(1, Math.round(total / days));
  const activities = Math.round(perDay * ACTIVITY_SHARE);
  return { activities, operations: perDay - activities };
}

/**
 * Days with generated records for the 7-day backfill: the 7 full days before
 * today. The backfill's window runs from the day before its first core day,
 * so every one of them is read; today stays empty for the steady-state polls
 * to fill with "a few new records".
 */
export function backfillHistory(total: number): { fromDay: string; toDay: string; volume: DayVolume; days: number } {
  return { fromDay: addDays(BENCH_TODAY, -BACKFILL_DAYS), toDay: addDays(BENCH_TODAY, -1), volume: dayVolume(total, BACKFILL_DAYS), days: BACKFILL_DAYS };
}

/** The 180-day backfill reads smaller volume: 180 full days before today. */
export const LONG_BACKFILL_DAYS = 180;
export function longBackfillHistory(perDay: number): { fromDay: string; toDay: string; volume: DayVolume; days: number } {
  return {
    fromDay: addDays(BENCH_TODAY, -LONG_BACKFILL_DAYS),
    toDay: addDays(BENCH_TODAY, -1),
    volume: dayVolume(perDay * LONG_BACKFILL_DAYS, LONG_BACKFILL_DAYS),
    days: LONG_BACKFILL_DAYS,
  };
}

export const BENCH_ACCOUNT_ID = 'bench-account';
export const BENCH_S2S = { clientId: 'bench-s2s-client', clientSecret: 'bench-s2s-secret-0123456789' } as const;
export const BENCH_SECRET_KEY = '0f'.repeat(32);

/**
 * The repo's schemas/: from dist-bench/bench/ (and from bench/) that is two
 * levels up. The registry's default would look in dist-bench/schemas/.
 */
export const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);

/** As the collector normalizes: with IP enrichment from the packaged databases (one locator per process). */
export function benchNormalizers(): Map<LogType, Normalizer> {
  return loadNormalizers(SCHEMA_DIR, sharedIpLocator());
}

/**
 * A real-time clock pinned to a fixed day that a benchmark can move forward.
 * Two processes given the same `startMs` and `anchorRealMs` read the same time,
 * and stay in step when both `advance` by the same amounts.
 */
export class BenchClock implements Clock {
  #offset: number;

  constructor(startMs: number, anchorRealMs: number) {
    this.#offset = startMs - anchorRealMs;
  }

  now(): number {
    return Date.now() + this.#offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }

  advance(ms: number): void {
    this.#offset += ms;
  }
}

/** The Server-to-Server source every bench store collects into (Zoom itself is never called). */
export function benchSourceInput(name: string, backfillDays: number): NewSource {
  return {
    name,
    authKind: 's2s',
    zoomAccountId: 'bench-account',
    clientId: 'bench-client',
    apiUrl: 'http://127.0.0.1:1/v2',
    oauthUrl: 'http://127.0.0.1:1',
    backfillDays,
    pollIntervalMs: 300_000,
    settleDays: 2,
    reconcileIntervalMs: 3_600_000,
    requestsPerSecond: 2,
    requestsPerDay: 3000,
    paused: false,
    dropOffAlarmMinutes: null,
    credentials: { clientSecret: 'bench-secret' },
  };
}
