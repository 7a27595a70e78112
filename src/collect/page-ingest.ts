import type { Logger } from 'pino';
import { utcDay } from '../shared/clock.js';
import type { Normalizer } from '../normalize/normalizer.js';
import type { DayUpdate, EventRow, EventStore, FailureRow, PageCommitResult } from '../store/store.js';
import type { LogType } from '../zoom/report-records.js';
import { OccurrenceCounter } from './occurrence-counter.js';
import { contentHash, rowIdFor, timelessKey } from './row-identity.js';
import { settleAtMs } from './window-planner.js';
import { metrics } from '../shared/metrics.js';

/** An event a commit stored for the first time. */
export interface NewlyStoredEvent {
  rowId: string;
  sourceId: string;
  logType: LogType;
  eventTimeMs: number;
  event: Readonly<Record<string, unknown>>;
}

/**
 * Told about the events each commit stored for the first time (detection
 * runs on them). A throw is logged and collection goes on: the events stay on
 * the store's detection queue for the next drain.
 */
export type EventsStoredListener = (events: readonly NewlyStoredEvent[]) => Promise<void>;

/** What the pages of one window read are stored with. */
export interface WindowIngestOptions {
  store: EventStore;
  normalizer: Normalizer;
  logType: LogType;
  sourceId: string;
  sourceLabel: string;
  settleDays: number;
  logger: Logger;
  /** `from..to` of the window, for the stream's `readingWindow` and the log. */
  windowLabel: string;
  /**
   * Day a failure whose time cannot be read is placed on when the read has no
   * record with a readable time to place it by: the window's first day.
   */
  anchorDay: string;
  /**
   * A confirmation read (other page boundaries) settles a day's doubt; a
   * normal read reports the ambiguity it found itself.
   */
  confirmation: boolean;
  /** The stream's newest stored event time when the read started. */
  newestStored: number | null;
  onEventsStored?: EventsStoredListener;
}

export interface PageIngestInput {
  /** Records exactly as Zoom sent them. */
  records: readonly unknown[];
  /** Parse time of the page: the events' p_parse_time, the failures' and the days' times. */
  nowMs: number;
  /** The window's last page. */
  last: boolean;
  /** On the last page: the days the read proves complete (may be empty). */
  provenDays: readonly string[];
}

export interface PageIngestResult {
  /** Event times of the page's new-occurrence events, in page order. */
  eventTimes: number[];
  /** The batch's commit when this page completed it; null while the batch fills. */
  commit: PageCommitResult | null;
}

/**
 * The per-page work of one window read, without any HTTP: occurrence counting,
 * content hashes and row ids, normalization, the event and failure rows, the
 * day and stream updates, and the page's commit (one transaction). The window
 * collector feeds it Zoom's pages; the benchmark feeds it generated ones.
 */
/**
 * A record whose time cannot be read (a bare string, `time: "not-a-time"`)
 * has no day of its own, and Zoom may return the identical record on several
 * days: counted by content alone they would collapse into one per window
 * read. Such a record is placed on the day of its older neighbour, the next
 * record of the read with a readable time (Zoom lists newest first), or,
 * when none follows, of its newer neighbour; its occurrence is counted per
 * content AND day. New records arrive at the top, so the older neighbour is
 * the one that stays the same from read to read: re-reads give the same day,
 * the same occurrence and the same row id.
 */
interface TimelessRecord {
  record: unknown;
  hash: string;
  reason: string;
  field: string | null;
}

export class WindowIngest {
  readonly #o: WindowIngestOptions;
  #counter = new OccurrenceCounter();
  #ambiguousDays = new Set<string>();
  /** Timeless records waiting for their older neighbour, newest first. */
  #timeless: TimelessRecord[] = [];
  /** Occurrences handed out per timelessKey in this read. */
  #timelessTotals = new Map<string, number>();
  /** Days timeless records of each content were placed on, for ambiguity found later. */
  #timelessDays = new Map<string, Set<string>>();
  /** Timeless contents seen on two consecutive pages: their days get a confirmation read. */
  #ambiguousTimeless = new Set<string>();
  /** Day of the last record with a readable time in this read: the newer neighbour. */
  #newerDay: string | null = null;
  #newestStored: number | null;
  #pages = 0;
  #received = 0;
  #inserted = 0;
  #oldestSeenMs: number | null = null;
  #batch: PendingBatch = emptyBatch();

  constructor(options: WindowIngestOptions) {
    this.#o = options;
    this.#newestStored = options.newestStored;
  }

  /** Pages committed so far. */
  get pages(): number {
    return this.#pages;
  }

  /** Records received so far. */
  get received(): number {
    return this.#received;
  }

  /** Events and failures that were new (not stored before). */
  get inserted(): number {
    return this.#inserted;
  }

  /** Oldest event time seen in this read. */
  get oldestSeenMs(): number | null {
    return this.#oldestSeenMs;
  }

  /** A restarted window (expired page token): count occurrences afresh. */
  restartCounting(): void {
    this.#counter = new OccurrenceCounter();
    this.#ambiguousDays = new Set();
    this.#timeless = [];
    this.#timelessTotals = new Map();
    this.#timelessDays = new Map();
    this.#ambiguousTimeless = new Set();
    this.#newerDay = null;
  }

  /**
   * Prepares a page (occurrences, row ids, normalization) and adds it to the
   * batch; the batch is committed, in one transaction, once it holds
   * BATCH_RECORDS records, on the window's last page, or when `flush()` is
   * called. A crash before a commit loses only work that a new read redoes.
   */
  async ingestPage(page: PageIngestInput): Promise<PageIngestResult> {
    const { normalizer, sourceId, logType, sourceLabel, anchorDay } = this.#o;
    const { records, nowMs } = page;
    // The row id starts with the event time, which the normalizer reads: fill it in after.
    const results = records.map((record) => normalizer.normalize(record, { sourceId, sourceLabel, rowId: '', parseTimeMs: nowMs }));
    const timeOf = (i: number) => {
      const result = results[i]!;
      return result.ok ? result.value.eventTimeMs : result.problem.eventTimeMs;
    };
    const hashes = records.map(contentHash);
    const { counted, ambiguous } = this.#counter.addPage(
      hashes,
      (hash) => hash,
      (i) => timeOf(i) === null,
    );
    const batch = this.#batch;
    const eventTimes: number[] = [];

    for (const { index, hash, occurrence } of counted) {
      const record = records[index];
      const result = results[index]!;
      if (!result.ok && result.problem.eventTimeMs === null) {
        this.#timeless.push({ record, hash, reason: result.problem.reason, field: result.problem.field });
        continue;
      }
      const eventDay = utcDay(result.ok ? result.value.eventTimeMs : result.problem.eventTimeMs!);
      this.#placeTimeless(eventDay, nowMs);
      this.#newerDay = eventDay;
      const rowId = rowIdFor(sourceId, logType, hash, occurrence, result.ok ? result.value.eventTimeMs : result.problem.eventTimeMs);
      if (result.ok) {
        const { event, eventTimeMs, emails, ipAddresses } = result.value;
        event.p_row_id = rowId;
        batch.events.push({ rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event });
        eventTimes.push(eventTimeMs);
        if (batch.newest === null || eventTimeMs > batch.newest) batch.newest = eventTimeMs;
        if (this.#oldestSeenMs === null || eventTimeMs < this.#oldestSeenMs) this.#oldestSeenMs = eventTimeMs;
      } else {
        const { problem } = result;
        batch.failures.push({
          rowId,
          day: eventDay,
          raw: rawText(record),
          reason: problem.reason,
          field: problem.field,
          failedAt: nowMs,
        });
      }
    }
    if (ambiguous.size > 0) {
      for (let i = 0; i < records.length; i += 1) {
        const hash = hashes[i]!;
        if (!ambiguous.has(hash)) continue;
        const time = timeOf(i);
        if (time !== null) {
          this.#ambiguousDays.add(utcDay(time));
          continue;
        }
        this.#ambiguousTimeless.add(hash);
        for (const day of this.#timelessDays.get(hash) ?? []) this.#ambiguousDays.add(day);
      }
    }
    // The oldest records of the read have no older neighbour: their newer one places them.
    if (page.last) this.#placeTimeless(this.#newerDay ?? anchorDay, nowMs);

    this.#pages += 1;
    this.#received += records.length;
    batch.records += records.length;
    batch.nowMs = nowMs;
    if (page.last) {
      for (const day of page.provenDays) {
        batch.days.push({
          day,
          lastFullReadAt: nowMs,
          state: nowMs >= settleAtMs(day, this.#o.settleDays) ? 'complete' : 'open',
          ambiguous: this.#o.confirmation ? false : this.#ambiguousDays.has(day),
          lastError: null,
        });
      }
      batch.last = true;
    }
    const commit = page.last || batch.records >= BATCH_RECORDS ? await this.flush() : null;
    return { eventTimes, commit };
  }

  /** Files the timeless records waiting for a neighbour as failures of `day`, each with its occurrence there. */
  #placeTimeless(day: string, nowMs: number): void {
    if (this.#timeless.length === 0) return;
    const { sourceId, logType } = this.#o;
    for (const { record, hash, reason, field } of this.#timeless) {
      const key = timelessKey(hash, day);
      const occurrence = this.#timelessTotals.get(key) ?? 0;
      this.#timelessTotals.set(key, occurrence + 1);
      let days = this.#timelessDays.get(hash);
      if (!days) this.#timelessDays.set(hash, (days = new Set()));
      days.add(day);
      if (this.#ambiguousTimeless.has(hash)) this.#ambiguousDays.add(day);
      this.#batch.failures.push({ rowId: rowIdFor(sourceId, logType, key, occurrence, null), day, raw: rawText(record), reason, field, failedAt: nowMs });
    }
    this.#timeless = [];
  }

  /**
   * Commits the batch (pages prepared and not yet committed) in one
   * transaction; null if empty. Timeless records still waiting for their
   * older neighbour are not in it: a read stopped early leaves them to the
   * next full read, which places them the same way every time.
   */
  async flush(): Promise<PageCommitResult | null> {
    const batch = this.#batch;
    if (batch.records === 0 && !batch.last) return null;
    this.#batch = emptyBatch();
    const { store, sourceId, logType } = this.#o;
    const { newest, last, nowMs } = batch;
    const newer = newest !== null && (this.#newestStored === null || newest > this.#newestStored);
    if (newer) this.#newestStored = newest;
    const commit = await store.commitPage({
      sourceId,
      logType,
      events: batch.events,
      failures: batch.failures,
      days: batch.days,
      stream: {
        readingWindow: last ? null : this.#o.windowLabel,
        readingPages: last ? 0 : this.#pages,
        ...(newer ? { newestEventTimeMs: newest } : {}),
        ...(last ? { lastSuccessAt: nowMs, lastError: null, consecutiveFailures: 0, nextAttemptAt: null } : {}),
      },
    });
    this.#inserted += commit.insertedEventIds.length + commit.insertedFailures;
    this.#count(batch.events, commit, nowMs);
    if (this.#o.onEventsStored && commit.insertedEventIds.length > 0) await this.#tellStored(batch.events, commit.insertedEventIds);
    for (const [day, gained] of commit.gainedAfterComplete) {
      if (this.#o.confirmation) {
        // Not late: identical records a page boundary had split, now counted in full.
        this.#o.logger.info({ sourceId, logType, day, gained }, `confirmation read of ${day} found ${gained} identical record(s) a page boundary had hidden; stored`);
      } else {
        this.#o.logger.warn({ sourceId, logType, day, gained }, `day ${day} was complete and gained ${gained} late record(s); stored`);
      }
    }
    if (commit.insertedFailures > 0) {
      this.#o.logger.warn(
        { sourceId, logType, failures: commit.insertedFailures, window: this.#o.windowLabel },
        'records that fail their schema were kept as classification failures',
      );
    }
    return commit;
  }

  /** Metrics of a commit: records stored, failures, and each new event's lag from its Zoom time to now. */
  #count(rows: readonly EventRow[], commit: PageCommitResult, nowMs: number): void {
    const { sourceId, logType } = this.#o;
    if (commit.insertedEventIds.length > 0) {
      metrics.recordsCollected.inc({ source_id: sourceId, log_type: logType, kind: 'event' }, commit.insertedEventIds.length);
      const inserted = new Set(commit.insertedEventIds);
      for (const row of rows) if (inserted.has(row.rowId)) metrics.storageLag.observe({ log_type: logType }, Math.max(0, nowMs - row.eventTimeMs) / 1000);
    }
    if (commit.insertedFailures > 0) {
      metrics.recordsCollected.inc({ source_id: sourceId, log_type: logType, kind: 'failure' }, commit.insertedFailures);
      metrics.classificationFailures.inc({ source_id: sourceId, log_type: logType }, commit.insertedFailures);
    }
  }

  async #tellStored(rows: readonly EventRow[], insertedIds: readonly string[]): Promise<void> {
    const { sourceId, logType, logger } = this.#o;
    const inserted = new Set(insertedIds);
    const events = rows.filter((row) => inserted.has(row.rowId)).map((row) => ({ rowId: row.rowId, sourceId, logType, eventTimeMs: row.eventTimeMs, event: row.event }));
    try {
      await this.#o.onEventsStored?.(events);
    } catch (error) {
      logger.error({ err: error, sourceId, logType, events: events.length }, 'detection failed on new events; they stay queued and are retried');
    }
  }
}

/**
 * Records committed together at most: ten Zoom pages. One transaction per
 * Zoom page would spend most of the store's time writing the same index pages
 * again; ten keeps a crash's loss (work a new read redoes) small.
 */
export const BATCH_RECORDS = 3000;

interface PendingBatch {
  events: EventRow[];
  failures: FailureRow[];
  days: DayUpdate[];
  records: number;
  newest: number | null;
  last: boolean;
  nowMs: number;
}

function emptyBatch(): PendingBatch {
  return { events: [], failures: [], days: [], records: 0, newest: null, last: false, nowMs: 0 };
}

function rawText(record: unknown): string {
  if (typeof record === 'string') return record;
  return JSON.stringify(record) ?? String(record);
}
