import type { Logger } from 'pino';
import { utcDay, type Clock } from '../shared/clock.js';
import type { Normalizer } from '../normalize/normalizer.js';
import type { DayUpdate, EventRow, FailureRow, Store } from '../store/store.js';
import { PAGE_SIZE, readReportWindow, type ReportPage, type ReportWindow } from '../zoom/report-reader.js';
import type { ReportStream } from '../zoom/report-records.js';
import type { ZoomApiClient } from '../zoom/zoom-api-client.js';
import { OccurrenceCounter } from './occurrence-counter.js';
import { contentHash, rowIdFor } from './row-identity.js';
import { daysFrom } from './utc-days.js';
import { settleAtMs } from './window-planner.js';

/** Everything one stream's reads need; built once per source. */
export interface StreamContext {
  store: Store;
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
 * Reads one window page by page. Each page is normalized and committed in one
 * transaction with the stream's cursor and the day coverage, so a crash at any
 * moment loses nothing (the window is read again) and doubles nothing (row
 * ids are deterministic and existing ids are skipped).
 */
export async function collectWindow(ctx: StreamContext, request: WindowRequest): Promise<WindowOutcome> {
  const { store, stream, sourceId, clock } = ctx;
  const logType = stream.logType;
  const windowLabel = `${request.window.from}..${request.window.to}`;
  let counter = new OccurrenceCounter();
  let pass = 0;
  let ambiguousDays = new Set<string>();
  let pages = 0;
  let received = 0;
  let inserted = 0;
  let oldestSeenMs: number | null = null;
  const anchorDay = request.window.from;
  let newestStored = (await store.getStreamState(sourceId, logType)).newestEventTimeMs;

  for await (const page of readReportWindow(ctx.client, stream, request.window, { pageSize: request.pageSize, signal: ctx.signal })) {
    if (page.pass !== pass) {
      // A restarted window (expired page token): count occurrences afresh.
      pass = page.pass;
      counter = new OccurrenceCounter();
      ambiguousDays = new Set();
    }
    const nowMs = clock.now();
    const { counted, ambiguous } = counter.addPage(page.records, contentHash);
    const events: EventRow[] = [];
    const failures: FailureRow[] = [];
    const eventTimes: number[] = [];
    let newest: number | null = null;

    for (const { record, hash, occurrence } of counted) {
      const rowId = rowIdFor(sourceId, logType, hash, occurrence);
      const result = ctx.normalizer.normalize(record, { sourceId, sourceLabel: ctx.sourceLabel, rowId, parseTimeMs: nowMs });
      if (result.ok) {
        const { event, eventTimeMs, emails, ipAddresses } = result.value;
        events.push({ rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event });
        eventTimes.push(eventTimeMs);
        if (newest === null || eventTimeMs > newest) newest = eventTimeMs;
        if (oldestSeenMs === null || eventTimeMs < oldestSeenMs) oldestSeenMs = eventTimeMs;
      } else {
        const { problem } = result;
        failures.push({
          rowId,
          day: problem.eventTimeMs === null ? anchorDay : utcDay(problem.eventTimeMs),
          raw: rawText(record),
          reason: problem.reason,
          field: problem.field,
          failedAt: nowMs,
        });
      }
    }
    if (ambiguous.size > 0) {
      for (const record of page.records) {
        if (!ambiguous.has(contentHash(record))) continue;
        const time = eventTimeOf(ctx.normalizer, record, sourceId, nowMs);
        ambiguousDays.add(time === null ? anchorDay : utcDay(time));
      }
    }

    pages += 1;
    received += page.records.length;
    const days: DayUpdate[] = [];
    let provenDays: string[] = [];
    if (page.last) {
      const core = request.coreFor(page.zoomWindow.to);
      if (core) {
        provenDays = daysFrom(core.first, core.last);
        for (const day of provenDays) {
          days.push({
            day,
            lastFullReadAt: nowMs,
            state: nowMs >= settleAtMs(day, ctx.settleDays) ? 'complete' : 'open',
            // A confirmation read (other page boundaries) settles the doubt; a normal read reports its own.
            ambiguous: request.pageSize === PAGE_SIZE ? ambiguousDays.has(day) : false,
            lastError: null,
          });
        }
      }
    }
    const newer = newest !== null && (newestStored === null || newest > newestStored);
    if (newer) newestStored = newest;
    const result = await store.commitPage({
      sourceId,
      logType,
      events,
      failures,
      days,
      stream: {
        readingWindow: page.last ? null : windowLabel,
        readingPages: page.last ? 0 : pages,
        ...(newer ? { newestEventTimeMs: newest } : {}),
        ...(page.last ? { lastSuccessAt: nowMs, lastError: null, consecutiveFailures: 0, nextAttemptAt: null } : {}),
      },
    });
    inserted += result.insertedEventIds.length + result.insertedFailures;
    for (const [day, gained] of result.gainedAfterComplete) {
      ctx.logger.warn({ sourceId, logType, day, gained }, `day ${day} was complete and gained ${gained} late record(s); stored`);
    }
    if (failures.length > 0 && result.insertedFailures > 0) {
      ctx.logger.warn({ sourceId, logType, failures: result.insertedFailures, window: windowLabel }, 'records that fail their schema were kept as classification failures');
    }

    const stop = !page.last && (request.stopAfter?.(page, eventTimes) ?? false);
    ctx.onProgress?.({ sourceId, logType, window: request.window, pages, received, stored: inserted, oldestSeenMs, done: page.last || stop });
    if (page.last) return { pages, received, inserted, provenDays, stoppedEarly: false };
    if (stop) {
      await store.updateStream(sourceId, logType, { readingWindow: null, readingPages: 0, lastSuccessAt: nowMs, lastError: null, consecutiveFailures: 0, nextAttemptAt: null });
      return { pages, received, inserted, provenDays: [], stoppedEarly: true };
    }
  }
  // The reader always ends on a last page; reaching here means it was aborted.
  return { pages, received, inserted, provenDays: [], stoppedEarly: true };
}

function rawText(record: unknown): string {
  if (typeof record === 'string') return record;
  return JSON.stringify(record) ?? String(record);
}

/** The event time of a record if its schema can read one; for placing ambiguity on a day. */
function eventTimeOf(normalizer: Normalizer, record: unknown, sourceId: string, nowMs: number): number | null {
  const result = normalizer.normalize(record, { sourceId, sourceLabel: '', rowId: '', parseTimeMs: nowMs });
  return result.ok ? result.value.eventTimeMs : result.problem.eventTimeMs;
}
