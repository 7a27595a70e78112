import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { Normalizer } from '../normalize/normalizer.js';
import type { EventStore, SourceStore } from '../store/store.js';
import { PAGE_SIZE, readReportWindow, type ReportPage, type ReportWindow } from '../zoom/report-reader.js';
import type { ReportStream } from '../zoom/report-records.js';
import type { ZoomApiClient } from '../zoom/zoom-api-client.js';
import { WindowIngest, type EventsStoredListener } from './page-ingest.js';
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
}

export interface WindowOutcome {
  pages: number;
  received: number;
  inserted: number;
  /** Days proven complete (fully read), empty when stopped early. */
  provenDays: string[];
  stoppedEarly: boolean;
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
  let pass = 0;
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

  for await (const page of readReportWindow(ctx.client, stream, request.window, { pageSize: request.pageSize, signal: ctx.signal })) {
    if (page.pass !== pass) {
      // A restarted window (expired page token): count occurrences afresh.
      pass = page.pass;
      ingest.restartCounting();
    }
    const nowMs = clock.now();
    const core = page.last ? request.coreFor(page.zoomWindow.to) : null;
    const provenDays = core ? daysFrom(core.first, core.last) : [];
    const { eventTimes } = await ingest.ingestPage({ records: page.records, nowMs, last: page.last, provenDays });
    const { pages, received, inserted, oldestSeenMs } = ingest;

    const stop = !page.last && (request.stopAfter?.(page, eventTimes) ?? false);
    ctx.onProgress?.({ sourceId, logType, window: request.window, pages, received, stored: inserted, oldestSeenMs, done: page.last || stop });
    if (page.last) return { pages, received, inserted, provenDays, stoppedEarly: false };
    if (stop) {
      await ingest.flush();
      await store.updateStream(sourceId, logType, { readingWindow: null, readingPages: 0, lastSuccessAt: nowMs, lastError: null, consecutiveFailures: 0, nextAttemptAt: null });
      // The flush has just committed the last batch: count what it inserted.
      return { pages, received, inserted: ingest.inserted, provenDays: [], stoppedEarly: true };
    }
  }
  // The reader always ends on a last page; reaching here means it was aborted.
  return { pages: ingest.pages, received: ingest.received, inserted: ingest.inserted, provenDays: [], stoppedEarly: true };
}
