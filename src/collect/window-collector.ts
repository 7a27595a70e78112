import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { Normalizer } from '../normalize/normalizer.js';
import type { EventStore, SourceStore } from '../store/store.js';
import { PAGE_SIZE, readReportWindow, type ReportPage, type ReportWindow } from '../zoom/report-reader.js';
import type { ReportStream } from '../zoom/report-records.js';
import type { ZoomApiClient } from '../zoom/zoom-api-client.js';
import { WindowIngest, type EventsStoredListener, type PairedDays } from './page-ingest.js';
import { daysFrom } from '../domain/utc-days.js';

/** Everything one stream's reads need; built once per source. */
export interface StreamContext {
  store: SourceStore & EventStore;
  client: ZoomApiClient;
  stream: ReportStream;
  normalizer: Normalizer;
  sourceId: string;
  sourceLabel: string;
  settleDays: number;
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (progress: WindowProgress) => void;
  onEventsStored?: EventsStoredListener;
  /**
   * Settle identical records split by a page boundary with a probe page (two
   * requests) during the read; default true. Off: such days wait for a
   * confirmation read of the window.
   */
  boundaryProbes?: boolean;
}

export interface WindowProgress {
  sourceId: string;
  logType: string;
  window: ReportWindow;
  pages: number;
  /** Records received in this read so far. */
  received: number;
  /** Of which new (not stored before). */
  stored: number;
  /** Time span this read has reached, newest-first: oldest event time seen. */
  oldestSeenMs: number | null;
  done: boolean;
}

export interface WindowRequest {
  window: ReportWindow;
  pageSize: number;
  /**
   * Days the read proves complete if it reaches the last page; computed from
   * the window Zoom echoes (a silent clamp proves less).
   */
  coreFor: (zoomTo: string) => { first: string; last: string } | null;
  /**
   * Fast path: called after each committed page; true stops the read there
   * (nothing is proven complete then).
   */
  stopAfter?: (page: ReportPage, eventTimesMs: number[]) => boolean;
  /**
   * Seam days this read proves together with a newer read that finished
   * before it (see seamProof), given the window asked and the `to` Zoom
   * echoed; committed with the last page.
   */
  seamFor?: (asked: ReportWindow, zoomTo: string) => PairedDays | null;
}

export interface WindowOutcome {
  /** Pages of the read itself (probe requests not included). */
  pages: number;
  /** Requests spent on boundary probes (two each). */
  probeRequests: number;
  received: number;
  inserted: number;
  /** Days proven complete (fully read), empty when stopped early. */
  provenDays: string[];
  stoppedEarly: boolean;
  /** Read to its last page: the window Zoom answered then, when the read began, and the days it left ambiguous. */
  finished: FinishedWindow | null;
}

export interface FinishedWindow {
  /** The window Zoom echoed on the last page (the asked one where it echoed nothing readable). */
  answered: ReportWindow;
  /** Before the read's first request: every page it read was asked for after this. */
  startedAtMs: number;
  /** Days with identical records at a page boundary this read left undecided (none for a confirmation read). */
  ambiguousDays: ReadonlySet<string>;
}

/**
 * Reads one window page by page. Pages are normalized and committed (in
 * batches of up to ten) in one transaction with the stream's cursor and the
 * day coverage, so a crash at any moment loses nothing (the window is read
 * again) and doubles nothing (row ids are deterministic and existing ids are
 * skipped).
 */
export async function collectWindow(ctx: StreamContext, request: WindowRequest): Promise<WindowOutcome> {
  const { store, stream, sourceId, clock } = ctx;
  const logType = stream.logType;
  const ingest = new WindowIngest({
    store,
    normalizer: ctx.normalizer,
    logType,
    sourceId,
    sourceLabel: ctx.sourceLabel,
    settleDays: ctx.settleDays,
    logger: ctx.logger,
    windowLabel: `${request.window.from}..${request.window.to}`,
    anchorDay: request.window.from,
    confirmation: request.pageSize !== PAGE_SIZE,
    newestStored: (await store.getStreamState(sourceId, logType)).newestEventTimeMs,
    ...(ctx.onEventsStored ? { onEventsStored: ctx.onEventsStored } : {}),
  });
  const probe = new BoundaryProbe(ctx, request.window, ctx.boundaryProbes ?? true);
  const startedAtMs = clock.now();

  for (;;) {
    let pass = 0;
    let previousToken: string | null = null;
    let outOfOrder = false;
    for await (const page of readReportWindow(ctx.client, stream, request.window, { pageSize: request.pageSize, signal: ctx.signal })) {
      if (page.pass !== pass) {
        // A restarted window (expired page token): count occurrences afresh.
        if (pass !== 0) ingest.restartCounting();
        pass = page.pass;
        previousToken = null;
      }
      const nowMs = clock.now();
      const core = page.last ? request.coreFor(page.zoomWindow.to) : null;
      const provenDays = core ? daysFrom(core.first, core.last) : [];
      const paired = page.last ? (request.seamFor?.(request.window, page.zoomWindow.to) ?? null) : null;
      const tokenBefore = previousToken;
      const result = await ingest.ingestPage({
        records: page.records,
        nowMs,
        last: page.last,
        provenDays,
        readStartedAtMs: startedAtMs,
        ...(paired ? { pairedDays: paired } : {}),
        ...(tokenBefore !== null && probe.enabled ? { probeBoundary: () => probe.read(tokenBefore) } : {}),
      });
      if (result.outOfOrder) {
        outOfOrder = true;
        break;
      }
      previousToken = page.pageToken;
      const { pages, received, inserted, oldestSeenMs } = ingest;

      const stop = !page.last && (request.stopAfter?.(page, result.eventTimes) ?? false);
      ctx.onProgress?.({ sourceId, logType, window: request.window, pages, received, stored: inserted, oldestSeenMs, done: page.last || stop });
      if (page.last) {
        const finished = { answered: page.zoomWindow, startedAtMs, ambiguousDays: ingest.ambiguousDays };
        return { pages, probeRequests: probe.requests, received, inserted, provenDays, stoppedEarly: false, finished };
      }
      if (stop) {
        await ingest.flush();
        await store.updateStream(sourceId, logType, { readingWindow: null, readingPages: 0, lastSuccessAt: nowMs, lastError: null, consecutiveFailures: 0, nextAttemptAt: null });
        // The flush has just committed the last batch: count what it inserted.
        return { pages, probeRequests: probe.requests, received, inserted: ingest.inserted, provenDays: [], stoppedEarly: true, finished: null };
      }
    }
    if (!outOfOrder) break;
    // Records came out of newest-first order after counts were dropped: read
    // the window again keeping every count (what is committed stays: its ids
    // are lower bounds, and the store skips existing ones).
    ctx.logger.warn({ sourceId, logType, window: request.window }, 'Zoom listed records out of newest-first order; reading the window again, keeping every occurrence count');
    ingest.restartCounting({ keepCounts: true });
  }
  // The reader always ends on a last page; reaching here means it was aborted.
  return { pages: ingest.pages, probeRequests: probe.requests, received: ingest.received, inserted: ingest.inserted, provenDays: [], stoppedEarly: true, finished: null };
}

/** Records before the boundary a probe starts with: the probe page holds the boundary in its middle. */
export const PROBE_LEAD = PAGE_SIZE / 2;

/**
 * The probe page of a page boundary (see WindowIngest's `#resolveFromProbe`):
 * the previous page's token asked again with page size PROBE_LEAD, whose
 * next token is then asked with PAGE_SIZE, so the second response runs from
 * PROBE_LEAD records before the boundary to PROBE_LEAD after it. It needs a
 * Zoom that takes another page size with a page token (paging by position);
 * a Zoom that answers with another size, or refuses, gives no probe page and
 * the day waits for a confirmation read: soundness never depends on it.
 */
class BoundaryProbe {
  readonly #ctx: StreamContext;
  readonly #window: ReportWindow;
  #enabled: boolean;
  requests = 0;

  constructor(ctx: StreamContext, window: ReportWindow, enabled: boolean) {
    this.#ctx = ctx;
    this.#window = window;
    this.#enabled = enabled;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  async read(previousPageToken: string): Promise<readonly unknown[] | null> {
    if (!this.#enabled) return null;
    const { client, stream, signal, logger, sourceId } = this.#ctx;
    const query = (pageSize: number, token: string): Record<string, string> => ({
      from: this.#window.from,
      to: this.#window.to,
      page_size: String(pageSize),
      ...(token ? { next_page_token: token } : {}),
    });
    try {
      this.requests += 1;
      const lead = (await client.getJson(stream, query(PROBE_LEAD, previousPageToken), signal)).body;
      const leadRecords = lead[stream.recordsKey];
      const next = lead.next_page_token;
      if (!Array.isArray(leadRecords) || leadRecords.length > PROBE_LEAD) {
        // Zoom keeps the first page size for a token: no probe can move a boundary in this read.
        this.#enabled = false;
        logger.info({ sourceId, logType: stream.logType, window: this.#window }, 'Zoom ignores page_size with a page token; split identical records wait for a confirmation read');
        return null;
      }
      if (typeof next !== 'string' || next === '') return null;
      this.requests += 1;
      const body = (await client.getJson(stream, query(PAGE_SIZE, next), signal)).body;
      const records = body[stream.recordsKey];
      return Array.isArray(records) ? (records as unknown[]) : null;
    } catch (error) {
      if (signal?.aborted) throw error;
      logger.info({ sourceId, logType: stream.logType, window: this.#window, err: error }, 'boundary probe failed; the day waits for a confirmation read');
      return null;
    }
  }
}
