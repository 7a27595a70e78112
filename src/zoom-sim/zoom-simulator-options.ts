import type { Logger } from 'pino';
import { systemClock, type Clock } from '../shared/clock.js';
import type { FaultSettings } from './fault-injector.js';
import type { RetryAfterFormat } from './sim-responses.js';

export interface ZoomSimulatorOptions {
  /** Every time rule (token, code and page-token expiry, rate windows, 00:00 UTC reset, 6-month window, "today") reads this clock. Default systemClock. */
  clock?: Clock;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Default 900 (Zoom: 15 minutes). */
  pageTokenTtlSeconds?: number;
  /** Default 300 (Zoom: 5 minutes). */
  authCodeTtlSeconds?: number;
  /** Form of Retry-After on 429. Default 'seconds'. */
  retryAfterFormat?: RetryAfterFormat;
  /** Default true; false omits the X-RateLimit-* headers (each may be missing in real Zoom). */
  rateLimitHeaders?: boolean;
  /** Default false: several S2S tokens coexist (today); true: a new one invalidates the previous (historic). */
  s2sTokenInvalidatesPrevious?: boolean;
  /** Default true: the `to` day is included (unconfirmed in Zoom). */
  toInclusive?: boolean;
  /** Default 0 = days cut in UTC; -300 cuts days in UTC-5 (unconfirmed in Zoom). */
  dayCutOffsetMinutes?: number;
  /**
   * Default false: a `to` after the account's today is accepted (nothing is
   * there yet). true refuses it with a code 300 validation error on `to`
   * (unconfirmed in Zoom).
   */
  refuseFutureTo?: boolean;
  /**
   * Default false: a `to` after the account's today is served as asked. true
   * moves it back to today, and the response echoes today as `to` (what
   * Zoom does; a `to` earlier than asked). `refuseFutureTo` wins when both are set.
   */
  clampFutureTo?: boolean;
  /**
   * Default false: a range longer than one month is clamped silently to
   * `from` + 1 month (the response's `to` shows it). true refuses it with a
   * code 300 validation error on `to` (which Zoom does is unconfirmed).
   */
  refuseLongRange?: boolean;
  /**
   * Form of the `from`/`to` the response echoes. Default 'date' (`2026-03-10`,
   * as real responses show); 'dateTime' echoes `2026-03-10T00:00:00Z`, as in
   * Zoom's own documented example.
   */
  echoedDateForm?: 'date' | 'dateTime';
  /**
   * Default 'snapshot': a page token pins the result list of its first page.
   * 'live' re-evaluates the window on every page and pages by offset, so records
   * added mid-paging shift pages (duplicates across pages).
   */
  pagingConsistency?: 'snapshot' | 'live';
  /** Order among records of one second. Default 'stable'; 'shuffled' reorders per request (Zoom's order is undocumented). */
  tieOrder?: 'stable' | 'shuffled';
  /**
   * Order of the records in a window. Default 'newestFirst' (what collectors
   * see; undocumented by Zoom); 'oldestFirst' lists the window the other way.
   */
  recordOrder?: 'newestFirst' | 'oldestFirst';
  /**
   * Default false: every stored record is served, whatever its time. true
   * serves only records timed at or before clock.now() (Zoom cannot report what
   * has not happened), so generated days fill in as the clock moves; the demo
   * uses it. Off by default so a test's data does not change when its clock moves.
   */
  hideFutureRecords?: boolean;
  /** Seeds fault and tie-shuffle randomness. Default 1. */
  seed?: number;
  /** Initial fault rates; mutable later through `sim.faults`. */
  faults?: Partial<FaultSettings>;
  /** A pino logger for Fastify's request log; default false (silent). */
  logger?: Logger | false;
}

export type ResolvedSimulatorOptions = Required<Omit<ZoomSimulatorOptions, 'faults' | 'logger'>> & Pick<ZoomSimulatorOptions, 'faults' | 'logger'>;

export function resolveSimulatorOptions(options: ZoomSimulatorOptions = {}): ResolvedSimulatorOptions {
  const resolved: ResolvedSimulatorOptions = {
    clock: options.clock ?? systemClock,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    pageTokenTtlSeconds: options.pageTokenTtlSeconds ?? 900,
    authCodeTtlSeconds: options.authCodeTtlSeconds ?? 300,
    retryAfterFormat: options.retryAfterFormat ?? 'seconds',
    rateLimitHeaders: options.rateLimitHeaders ?? true,
    s2sTokenInvalidatesPrevious: options.s2sTokenInvalidatesPrevious ?? false,
    toInclusive: options.toInclusive ?? true,
    dayCutOffsetMinutes: options.dayCutOffsetMinutes ?? 0,
    refuseFutureTo: options.refuseFutureTo ?? false,
    clampFutureTo: options.clampFutureTo ?? false,
    refuseLongRange: options.refuseLongRange ?? false,
    echoedDateForm: options.echoedDateForm ?? 'date',
    pagingConsistency: options.pagingConsistency ?? 'snapshot',
    tieOrder: options.tieOrder ?? 'stable',
    recordOrder: options.recordOrder ?? 'newestFirst',
    hideFutureRecords: options.hideFutureRecords ?? false,
    seed: options.seed ?? 1,
    faults: options.faults,
    logger: options.logger ?? false,
  };
  if (!Number.isInteger(resolved.dayCutOffsetMinutes) || Math.abs(resolved.dayCutOffsetMinutes) > 14 * 60) {
    throw new Error('dayCutOffsetMinutes must be an integer number of minutes within ±14 h');
  }
  for (const key of ['accessTokenTtlSeconds', 'pageTokenTtlSeconds', 'authCodeTtlSeconds'] as const) {
    if (!(resolved[key] > 0)) throw new Error(`${key} must be positive`);
  }
  return resolved;
}
