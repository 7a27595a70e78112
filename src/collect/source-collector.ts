import type { Logger } from 'pino';
import type { Normalizer } from '../normalize/normalizer.js';
import { ActionableError } from '../shared/actionable-error.js';
import type { Clock } from '../shared/clock.js';
import type { DayCoverage, DayUpdate, SourceRecord, Store, StreamError } from '../store/store.js';
import { backoffDelay } from '../zoom/backoff.js';
import { REPORT_STREAMS, type LogType, type ReportStream } from '../zoom/report-records.js';
import { LocalRequestBudget, type RequestBudget } from '../zoom/request-budget.js';
import { connectToZoom, type ZoomAuth, type ZoomConnection } from '../zoom/zoom-client-factory.js';
import type { ReportWindow } from '../zoom/report-reader.js';
import { DailyBudgetExhaustedError, DateOutOfRangeError, RateLimitedError, ZoomError, ZoomRequestRejectedError } from '../zoom/zoom-errors.js';
import type { EventsStoredListener } from './page-ingest.js';
import { addDays, daysFrom } from '../domain/utc-days.js';
import { collectWindow, type FinishedWindow, type StreamContext, type WindowOutcome, type WindowProgress, type WindowRequest } from './window-collector.js';
import { planStream, provenCore, seamProof, type PlannedRead } from './window-planner.js';
import { ZOOM_RETENTION_DAYS } from '../domain/zoom-retention.js';

export interface SourceCollectorDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  normalizers: ReadonlyMap<LogType, Normalizer>;
  fetchImpl?: typeof fetch;
  onProgress?: (progress: WindowProgress) => void;
  /** The source's Zoom request budget; default one kept in this process (several instances share one through the store). */
  budgetFor?: (source: SourceRecord) => RequestBudget;
  /** Told about newly stored events (detection). */
  onEventsStored?: EventsStoredListener;
  /** The fast path stops this far behind the newest stored event; default 10 minutes. */
  fastPathMarginMs?: number;
  /** Settle identical records split by a page boundary with a probe page during the read (default true); see collectWindow. */
  boundaryProbes?: boolean;
}

export interface StreamCycleReport {
  logType: LogType;
  /** `ok`, `backoff` (skipped until `nextAttemptAt`), or `failed`. */
  outcome: 'ok' | 'backoff' | 'failed';
  reads: number;
  requestsPages: number;
  received: number;
  inserted: number;
  error?: StreamError;
  nextAttemptAt?: number | null;
}

export interface CycleOptions {
  /** Re-read every open day in full. */
  reconcile?: boolean;
  /** Ignore a stream's backoff (a user asked for this cycle). */
  force?: boolean;
  signal?: AbortSignal;
}

const DEFAULT_MARGIN_MS = 10 * 60_000;
/**
 * Retries inside one request stay short (about 15 s in all): a stream that
 * still fails waits for its next cycle, with the backoff below, rather than
 * holding the cycle for minutes.
 */
const REQUEST_RETRY = { maxAttempts: 5, backoff: { baseMs: 500, maxMs: 8000 } };
/** Backoff between failed cycles of a stream: 30 s doubling to 30 min. */
const FAILURE_BACKOFF = { baseMs: 30_000, maxMs: 30 * 60_000 };

/**
 * Collects one source: its own Zoom connection (one token cache), its own
 * request budget, and per stream its own plan, backoff and error state, so a
 * failing source or stream never holds up another.
 */
export class SourceCollector {
  #source: SourceRecord;
  #connection: ZoomConnection | undefined;
  /** Zoom refused a `to` after today once: ask for today at most from then on. */
  #futureToRefused = false;
  readonly #deps: SourceCollectorDeps;

  constructor(source: SourceRecord, deps: SourceCollectorDeps) {
    this.#source = source;
    this.#deps = deps;
  }

  get source(): SourceRecord {
    return this.#source;
  }

  /** Takes new settings; the connection is rebuilt if anything it depends on changed. */
  update(source: SourceRecord): void {
    if (source.updatedAt !== this.#source.updatedAt) this.#connection = undefined;
    this.#source = source;
  }

  async runCycle(options: CycleOptions = {}): Promise<StreamCycleReport[]> {
    const reports: StreamCycleReport[] = [];
    for (const stream of REPORT_STREAMS) {
      if (options.signal?.aborted) break;
      const startedAt = this.#deps.clock.now();
      const report = await this.#runStream(stream, options);
      reports.push(report);
      await this.#recordHeartbeat(report, startedAt);
    }
    return reports;
  }

  /**
   * One heartbeat per stream per cycle, whatever happened: `data`, `empty`
   * (Zoom answered, nothing new), `error`, or `skipped` (backoff or rate-limit
   * wait). A store failure here is logged and never breaks collection.
   */
  async #recordHeartbeat(report: StreamCycleReport, startedAt: number): Promise<void> {
    const { store, clock, logger } = this.#deps;
    const at = clock.now();
    try {
      await store.recordHeartbeat({
        sourceId: this.#source.id,
        logType: report.logType,
        at,
        outcome: report.outcome === 'failed' ? 'error' : report.outcome === 'backoff' ? 'skipped' : report.inserted > 0 ? 'data' : 'empty',
        errorCode: report.error?.code ?? null,
        records: report.inserted,
        durationMs: at - startedAt,
      });
    } catch (error) {
      logger.warn({ sourceId: this.#source.id, logType: report.logType, err: error }, 'could not record the poll heartbeat');
    }
  }

  async #connect(): Promise<ZoomConnection> {
    if (this.#connection) return this.#connection;
    const source = this.#source;
    const { store, clock } = this.#deps;
    const credentials = await store.getSourceCredentials(source.id);
    let auth: ZoomAuth;
    if (source.authKind === 's2s') {
      if (!source.zoomAccountId)
        throw new ActionableError(
          'bad_config',
          `Source ${source.id} uses Server-to-Server OAuth but has no Zoom Account ID.`,
          `Set it with \`zoomtrail source add\` again or in the console.`,
        );
      auth = { kind: 's2s', accountId: source.zoomAccountId, clientId: source.clientId, clientSecret: credentials.clientSecret };
    } else {
      if (!credentials.refreshToken)
        throw new ActionableError(
          'reauthorization_required',
          `Source ${source.id} has not been authorized in Zoom yet.`,
          'Authorize it from the console (Sources > the source > Re-authorize).',
        );
      auth = {
        kind: 'authorization_code',
        clientId: source.clientId,
        clientSecret: credentials.clientSecret,
        refreshToken: credentials.refreshToken,
        persist: async (tokens) => {
          if (tokens.refreshToken) await store.setSourceCredentials(source.id, { refreshToken: tokens.refreshToken });
        },
      };
    }
    this.#connection = connectToZoom({
      endpoints: { apiUrl: source.apiUrl, oauthUrl: source.oauthUrl },
      auth,
      budget: this.#deps.budgetFor?.(source) ?? new LocalRequestBudget(clock, { requestsPerSecond: source.requestsPerSecond, requestsPerDay: source.requestsPerDay }),
      clock,
      logger: this.#deps.logger,
      fetchImpl: this.#deps.fetchImpl,
      retry: REQUEST_RETRY,
    });
    return this.#connection;
  }

  async #runStream(stream: ReportStream, options: CycleOptions): Promise<StreamCycleReport> {
    const { store, clock, logger } = this.#deps;
    const source = this.#source;
    const logType = stream.logType;
    const report: StreamCycleReport = { logType, outcome: 'ok', reads: 0, requestsPages: 0, received: 0, inserted: 0 };
    const state = await store.getStreamState(source.id, logType);
    const startMs = clock.now();
    if (!options.force && state.nextAttemptAt !== null && state.nextAttemptAt > startMs) {
      return { ...report, outcome: 'backoff', nextAttemptAt: state.nextAttemptAt, ...(state.lastError ? { error: state.lastError } : {}) };
    }

    let coverage: DayCoverage[] = [];
    let current: PlannedRead | undefined;
    try {
      const today = new Date(startMs).toISOString().slice(0, 10);
      coverage = await store.listDayCoverage(source.id, logType, addDays(today, -ZOOM_RETENTION_DAYS), today);
      const plan = planStream({
        nowMs: startMs,
        settings: { backfillDays: source.backfillDays, settleDays: source.settleDays, reconcileIntervalMs: source.reconcileIntervalMs, requestsPerDay: source.requestsPerDay },
        coverage,
        reconcile: options.reconcile,
      });
      const normalizer = this.#deps.normalizers.get(logType);
      if (!normalizer) throw new Error(`no normalizer registered for ${logType}`);
      const { client } = await this.#connect();
      const ctx: StreamContext = {
        store,
        client,
        stream,
        normalizer,
        sourceId: source.id,
        sourceLabel: source.name,
        settleDays: source.settleDays,
        clock,
        logger,
        signal: options.signal,
        onProgress: this.#deps.onProgress,
        onEventsStored: this.#deps.onEventsStored,
        ...(this.#deps.boundaryProbes === undefined ? {} : { boundaryProbes: this.#deps.boundaryProbes }),
      };

      // The read before, finished: the newer side of the next read's seam (pairs live only within this cycle).
      let newer: { planned: PlannedRead; finished: FinishedWindow } | undefined;
      for (const read of plan.reads) {
        current = read;
        const partner = newer;
        const outcome = await this.#collect(
          ctx,
          read,
          plan.today,
          partner && read.seam
            ? {
                seamFor: (asked, zoomTo) => {
                  const proof = seamProof({
                    older: read,
                    olderAsked: asked,
                    olderZoomTo: zoomTo,
                    newer: { planned: partner.planned, answered: partner.finished.answered },
                    today: plan.today,
                  });
                  return proof
                    ? { days: daysFrom(proof.first, proof.last), earlierReadAtMs: partner.finished.startedAtMs, earlierAmbiguousDays: partner.finished.ambiguousDays }
                    : null;
                },
              }
            : {},
        );
        newer = outcome.finished ? { planned: read, finished: outcome.finished } : undefined;
        report.reads += 1;
        report.requestsPages += outcome.pages + outcome.probeRequests;
        report.received += outcome.received;
        report.inserted += outcome.inserted;
        logger.info(
          {
            sourceId: source.id,
            logType,
            window: read.window,
            reasons: read.reasons,
            pages: outcome.pages,
            probeRequests: outcome.probeRequests,
            received: outcome.received,
            inserted: outcome.inserted,
          },
          'window read',
        );
      }
      current = undefined;

      if (plan.fastPath) {
        const fast: PlannedRead = { window: plan.fastPath, core: { first: plan.today, last: plan.today }, seam: null, reasons: [], pageSize: 300 };
        current = fast;
        const newestBefore = (await store.getStreamState(source.id, logType)).newestEventTimeMs;
        const margin = this.#deps.fastPathMarginMs ?? DEFAULT_MARGIN_MS;
        const outcome = await this.#collect(ctx, fast, plan.today, {
          // Stop once a newest-first page reaches back past what is stored. Pages in
          // any other order are read to the end: the fast path then is a full read.
          // A page of one second shows no order (an oldest-first list can start so).
          stopAfter: (_page, times) => newestBefore !== null && times.length > 1 && times[0]! > times[times.length - 1]! && Math.min(...times) < newestBefore - margin,
        });
        report.reads += 1;
        report.requestsPages += outcome.pages + outcome.probeRequests;
        report.received += outcome.received;
        report.inserted += outcome.inserted;
        current = undefined;
      }
      await store.updateStream(source.id, logType, { lastPollAt: clock.now() });
      return report;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const failure = await this.#recordFailure(logType, state.consecutiveFailures + 1, error, current, coverage);
      logger.error(
        { sourceId: source.id, logType, code: failure.error.code, nextAttemptAt: new Date(failure.nextAttemptAt).toISOString() },
        `${failure.error.message} Fix: ${failure.error.fix}`,
      );
      return { ...report, outcome: 'failed', error: failure.error, nextAttemptAt: failure.nextAttemptAt };
    }
  }

  /**
   * Reads a planned window, handling two unconfirmed Zoom rules both ways:
   * a `to` after today may be refused (then today is the most Zoom serves, so
   * a window ending today proves what the padded one would), and the oldest
   * day of the six months may already be out of range on Zoom's calendar
   * (then the window starts a day later).
   */
  async #collect(ctx: StreamContext, read: PlannedRead, today: string, extra: Pick<WindowRequest, 'stopAfter' | 'seamFor'> = {}): Promise<WindowOutcome> {
    let window: ReportWindow = this.#futureToRefused && read.window.to > today ? { ...read.window, to: today } : read.window;
    for (let attempt = 0; ; attempt += 1) {
      const asked = window;
      try {
        return await collectWindow(ctx, {
          window: asked,
          pageSize: read.pageSize,
          coreFor: (zoomTo) => provenCore(read, zoomTo, today),
          ...extra,
        });
      } catch (error) {
        const refused = error instanceof DateOutOfRangeError || (error instanceof ZoomRequestRejectedError && error.zoomCode === 300);
        if (!refused || attempt >= 2) throw error;
        if (asked.to > today) {
          this.#futureToRefused = true;
          window = { ...asked, to: today };
          this.#deps.logger.warn({ sourceId: this.#source.id, window: asked }, 'Zoom refused a window ending after today; asking up to today from now on');
        } else if (asked.from <= addDays(today, -(ZOOM_RETENTION_DAYS - 1)) && asked.from < asked.to) {
          window = { ...asked, from: addDays(asked.from, 1) };
          this.#deps.logger.warn({ sourceId: this.#source.id, window: asked }, 'Zoom refused the oldest day of its six months; starting a day later');
        } else {
          throw error;
        }
      }
    }
  }

  async #recordFailure(
    logType: LogType,
    failures: number,
    error: unknown,
    read: PlannedRead | undefined,
    coverage: DayCoverage[],
  ): Promise<{ error: StreamError; nextAttemptAt: number }> {
    const nowMs = this.#deps.clock.now();
    const streamError = describeFailure(error, nowMs);
    const nextAttemptAt =
      error instanceof RateLimitedError
        ? error.retryAt
        : error instanceof DailyBudgetExhaustedError
          ? error.resetAt
          : error instanceof ZoomError && !error.retryable
            ? nowMs + this.#source.pollIntervalMs
            : nowMs + backoffDelay(failures - 1, FAILURE_BACKOFF);
    const complete = new Set(coverage.filter((row) => row.state === 'complete').map((row) => row.day));
    // The read's own days and its seam days (their proof needed it to finish).
    const days: DayUpdate[] = read
      ? [read.core, read.seam]
          .flatMap((range) => (range ? daysFrom(range.first, range.last) : []))
          .filter((day) => !complete.has(day))
          .map((day) => ({ day, state: 'failed' as const, lastError: `${streamError.message} ${streamError.fix}` }))
      : [];
    await this.#deps.store.updateStream(
      this.#source.id,
      logType,
      { lastPollAt: nowMs, lastError: streamError, consecutiveFailures: failures, nextAttemptAt, readingWindow: null, readingPages: 0 },
      days,
    );
    return { error: streamError, nextAttemptAt };
  }
}

/** An error as the user sees it: stable code, message, and what to do. */
export function describeFailure(error: unknown, nowMs: number): StreamError {
  if (error instanceof ZoomError || error instanceof ActionableError) return { code: error.code, message: error.message, fix: error.fix, at: nowMs };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected failure: ${message}`, fix: 'This is a Zoomtrail bug: report it with the log lines around this time.', at: nowMs };
}
