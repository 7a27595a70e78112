import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { addDays } from '../domain/utc-days.js';
import { utcDay, type Clock } from '../shared/clock.js';
import type { RetentionStore } from '../store/retention-store.js';
import type { SinkStore } from '../store/sink-store.js';
import { LOG_TYPES, type LogType } from '../zoom/report-records.js';

/** How often the running service applies retention. */
export const RETENTION_INTERVAL_MS = 3_600_000;
/** Rows (events with their indicators and queue rows, or failures) deleted per transaction. */
export const RETENTION_BATCH_ROWS = 1_000;
/** The forward log (forwarding's outbox) is kept this long after every sink passed it... */
export const FORWARD_LOG_KEEP_MS = 7 * 86_400_000;
/** ...or, with no sink, this long. */
export const FORWARD_LOG_KEEP_NO_SINK_MS = 86_400_000;
/** Free database pages given back per step (4 MiB with SQLite's 4 KiB pages). */
export const RELEASE_PAGES_PER_STEP = 1_000;

/** Days kept per log type; a log type absent is kept forever. */
export type RetentionDays = Partial<Record<LogType, number>>;

/** The retention settings (ZOOMTRAIL_RETENTION_*_DAYS) by log type. */
export function retentionDaysFromConfig(config: Pick<RuntimeConfig, 'retentionActivityDays' | 'retentionOperationDays'>): RetentionDays {
  const days: RetentionDays = {};
  if (config.retentionActivityDays !== undefined) days['Zoom.Activity'] = config.retentionActivityDays;
  if (config.retentionOperationDays !== undefined) days['Zoom.Operation'] = config.retentionOperationDays;
  return days;
}

/**
 * The first UTC day kept when `days` are kept at `nowMs`: today and the
 * `days` days before it. Earlier days are purged, so nothing younger than
 * `days` x 24 hours is ever deleted.
 */
export function retentionCutoffDay(nowMs: number, days: number): string {
  return addDays(utcDay(nowMs), -days);
}

export interface RetentionOutcome {
  logType: LogType;
  /** Days before this one were purged. */
  beforeDay: string;
  events: number;
  failures: number;
  /** Coverage rows newly marked `purged`. */
  days: number;
  /** Transactions it took. */
  batches: number;
}

export interface RetentionReport {
  /** One per log type with a retention. */
  purged: RetentionOutcome[];
  /** Free database pages given back to the file system. */
  releasedPages: number;
  /** Forward-log rows deleted. */
  forwardLogRows: number;
}

export interface RetentionJobDeps {
  store: RetentionStore;
  clock: Clock;
  logger: Logger;
  retentionDays: RetentionDays;
  /** When given, each pass also trims the forward log (rows every sink passed, FORWARD_LOG_KEEP_MS). */
  forwardLog?: Pick<SinkStore, 'purgeForwardLog'>;
  /** Default RETENTION_BATCH_ROWS. */
  batchRows?: number;
  /** Default RETENTION_INTERVAL_MS. */
  intervalMs?: number;
}

/**
 * Applies retention in the running service: every RETENTION_INTERVAL_MS (on
 * the injected clock) and once at start, per log type with a retention, it
 * deletes the days before `retentionCutoffDay` one small transaction at a
 * time (RetentionStore.purgeBefore) and lets the event loop run between two
 * (`setImmediate`), so collection, detection and API requests go on while
 * it works. Then it gives the freed space back (RetentionStore.releaseFreeSpace),
 * a step at a time the same way. Logs what it purged.
 */
export class RetentionJob {
  readonly #deps: RetentionJobDeps;

  constructor(deps: RetentionJobDeps) {
    this.#deps = deps;
  }

  /** Whether any log type has a retention (else `run` returns at once). */
  get enabled(): boolean {
    return LOG_TYPES.some((logType) => this.#deps.retentionDays[logType] !== undefined);
  }

  /** One pass over every log type with a retention; stops between batches when `signal` aborts. */
  async runOnce(signal?: AbortSignal): Promise<RetentionReport> {
    const { store, clock, logger, retentionDays } = this.#deps;
    const batchRows = this.#deps.batchRows ?? RETENTION_BATCH_ROWS;
    const report: RetentionReport = { purged: [], releasedPages: 0, forwardLogRows: 0 };
    for (const logType of LOG_TYPES) {
      const days = retentionDays[logType];
      if (days === undefined) continue;
      const outcome: RetentionOutcome = { logType, beforeDay: retentionCutoffDay(clock.now(), days), events: 0, failures: 0, days: 0, batches: 0 };
      report.purged.push(outcome);
      while (!signal?.aborted) {
        const batch = await store.purgeBefore(logType, outcome.beforeDay, batchRows);
        outcome.batches += 1;
        outcome.events += batch.events;
        outcome.failures += batch.failures;
        outcome.days += batch.days;
        await nextTurn();
        if (batch.done) break;
      }
      if (outcome.events + outcome.failures + outcome.days > 0) {
        logger.info(
          { logType, beforeDay: outcome.beforeDay, events: outcome.events, failures: outcome.failures, days: outcome.days, batches: outcome.batches },
          `retention: deleted ${outcome.events} ${logType} event(s) and ${outcome.failures} classification failure(s) before ${outcome.beforeDay} (kept ${days} days); ${outcome.days} day(s) now purged`,
        );
      }
    }
    report.forwardLogRows = await this.#purgeForwardLog(signal);
    if (report.purged.some((o) => o.events + o.failures > 0)) report.releasedPages = await this.#releaseFreeSpace(signal);
    return report;
  }

  /** `runOnce` now and every interval until `signal` aborts; a failed pass is logged and tried again next time. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, logger, retentionDays } = this.#deps;
    if (!this.enabled && !this.#deps.forwardLog) return;
    if (this.enabled)
      logger.info({ retentionDays }, `retention: ${LOG_TYPES.map((t) => `${t} kept ${retentionDays[t] === undefined ? 'forever' : `${retentionDays[t]} days`}`).join(', ')}`);
    while (!signal.aborted) {
      try {
        await this.runOnce(signal);
      } catch (error) {
        logger.error({ err: error }, 'retention pass failed; trying again at the next one');
      }
      await clock.sleep(this.#deps.intervalMs ?? RETENTION_INTERVAL_MS, signal).catch(() => undefined);
    }
  }

  /** Forward-log rows no sink needs, in batches of `batchRows` with the event loop running between them. */
  async #purgeForwardLog(signal: AbortSignal | undefined): Promise<number> {
    const forwardLog = this.#deps.forwardLog;
    if (!forwardLog) return 0;
    const limit = this.#deps.batchRows ?? RETENTION_BATCH_ROWS;
    let purged = 0;
    while (!signal?.aborted) {
      const now = this.#deps.clock.now();
      const rows = await forwardLog.purgeForwardLog({ olderThanMs: now - FORWARD_LOG_KEEP_MS, noSinkOlderThanMs: now - FORWARD_LOG_KEEP_NO_SINK_MS, limit });
      purged += rows;
      await nextTurn();
      if (rows < limit) break;
    }
    if (purged > 0) this.#deps.logger.info({ rows: purged }, `retention: deleted ${purged} forward-log row(s) every sink had passed`);
    return purged;
  }

  async #releaseFreeSpace(signal: AbortSignal | undefined): Promise<number> {
    let released = 0;
    while (!signal?.aborted) {
      const step = await this.#deps.store.releaseFreeSpace(RELEASE_PAGES_PER_STEP);
      released += step.released;
      await nextTurn();
      if (step.released === 0 || step.remaining === 0) break;
    }
    if (released > 0) this.#deps.logger.info({ pages: released }, `retention: gave ${released} free database page(s) back to the file system`);
    return released;
  }
}

/** Lets every other callback waiting on the event loop (I/O, timers, requests) run first. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
