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
  /** Keep every occurrence count for the whole read (a list seen out of order); default: drop passed ones. */
  keepCounts?: boolean;
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
  /** On the last page: days the read proves together with an earlier read (seam days, see seamProof). */
  pairedDays?: PairedDays;
  /**
   * When the read's first request was made (default: `nowMs`). The days it proves count as read
   * then, not at its last page: a record that appeared after its page was read is not in the
   * read, so a day is complete only when it had settled before the read began.
   */
  readStartedAtMs?: number;
  /**
   * Asked when identical timed records straddle the boundary with the previous
   * page: one page, served in one response, that holds the boundary in its
   * middle (see `#resolveFromProbe`), or null when none can be had. Without
   * it the days stay ambiguous for a confirmation read.
   */
  probeBoundary?: () => Promise<readonly unknown[] | null>;
}

/** Days two reads prove together, the earlier of them already finished. */
export interface PairedDays {
  days: readonly string[];
  /**
   * When the earlier read began (before its first request): each record of
   * these days was in one of the two reads' pages, all asked for after this,
   * so the days count as read then (complete only if settled by then).
   */
  earlierReadAtMs: number;
  /** Days the earlier read left ambiguous. */
  earlierAmbiguousDays: ReadonlySet<string>;
}

export interface PageIngestResult {
  /** Event times of the page's new-occurrence events, in page order. */
  eventTimes: number[];
  /** The batch's commit when this page completed it; null while the batch fills. */
  commit: PageCommitResult | null;
  /**
   * The page breaks newest-first order against counts already dropped:
   * nothing of it was taken. Read the window again with `keepCounts`.
   */
  outOfOrder: boolean;
  /** Ambiguous boundaries a probe page resolved, and those it could not. */
  probes: { resolved: number; unresolved: number };
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
  #counter: OccurrenceCounter;
  #keepCounts: boolean;
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
    this.#keepCounts = options.keepCounts ?? false;
    this.#counter = new OccurrenceCounter({ keepCounts: this.#keepCounts });
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

  /** Days this read left ambiguous so far (none for a confirmation read, which settles them). */
  get ambiguousDays(): ReadonlySet<string> {
    return this.#o.confirmation ? new Set() : new Set(this.#ambiguousDays);
  }

  /** Occurrence counts held now: what the read keeps in memory. */
  get countsHeld(): number {
    return this.#counter.size;
  }

  /**
   * A restarted window (expired page token, or a list seen out of order:
   * then `keepCounts`, for the rest of this read): count occurrences afresh.
   */
  restartCounting(options: { keepCounts?: boolean } = {}): void {
    this.#keepCounts ||= options.keepCounts ?? false;
    this.#counter = new OccurrenceCounter({ keepCounts: this.#keepCounts });
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
    const { counted, ambiguous, outOfOrder } = this.#counter.addPage(
      hashes,
      (hash) => hash,
      (i) => timeOf(i) === null,
      timeOf,
    );
    const probes = { resolved: 0, unresolved: 0 };
    if (outOfOrder) return { eventTimes: [], commit: null, outOfOrder, probes };
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
      // Timed contents at the boundary: one probe page may settle them all.
      const timed = new Map<string, number>();
      for (let i = 0; i < records.length; i += 1) {
        const time = timeOf(i);
        if (time !== null && ambiguous.has(hashes[i]!)) timed.set(hashes[i]!, time);
      }
      const resolved = timed.size > 0 && page.probeBoundary ? await this.#resolveFromProbe(timed, page.probeBoundary, nowMs) : new Set<string>();
      if (timed.size > 0) {
        probes.resolved += resolved.size === timed.size ? 1 : 0;
        probes.unresolved += resolved.size === timed.size ? 0 : 1;
      }
      for (let i = 0; i < records.length; i += 1) {
        const hash = hashes[i]!;
        if (!ambiguous.has(hash) || resolved.has(hash)) continue;
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
      const startedAt = Math.min(page.readStartedAtMs ?? nowMs, nowMs);
      for (const day of page.provenDays) {
        batch.days.push({
          day,
          lastFullReadAt: startedAt,
          state: startedAt >= settleAtMs(day, this.#o.settleDays) ? 'complete' : 'open',
          ambiguous: this.#o.confirmation ? false : this.#ambiguousDays.has(day),
          lastError: null,
        });
      }
      const paired = page.pairedDays;
      // Each record of a seam day was read by one of the two reads (or both): the day counts as read at the earlier one.
      const readAt = paired ? Math.min(paired.earlierReadAtMs, startedAt) : startedAt;
      for (const day of paired?.days ?? []) {
        batch.days.push({
          day,
          lastFullReadAt: readAt,
          state: readAt >= settleAtMs(day, this.#o.settleDays) ? 'complete' : 'open',
          ambiguous: (paired?.earlierAmbiguousDays.has(day) ?? false) || (!this.#o.confirmation && this.#ambiguousDays.has(day)),
          lastError: null,
        });
      }
      batch.last = true;
    }
    const commit = page.last || batch.records >= BATCH_RECORDS ? await this.flush() : null;
    return { eventTimes, commit, outOfOrder: false, probes };
  }

  /**
   * Settles identical records split by a page boundary from one more page,
   * served in ONE response, that holds the boundary in its middle. Which
   * contents does it settle, and why is that sound?
   *
   * The two pages already read cannot tell a real pair from one record shown
   * twice: page k ending `.., X` and page k+1 starting `X, ..` is what a real
   * pair X X at the boundary gives, and also what a single X gives when one
   * record was added before the offset between the two requests (the list
   * moved down by one), or when ties were reordered (`X, Y` then `Y, X` in
   * one second shows X twice and Y never). No rule over those two pages is
   * sound, so a third page is asked for.
   *
   * The axiom the counter already rests on: one response is a consistent,
   * contiguous slice of the newest-first list. If the probe page is in
   * newest-first order and holds a record newer than second s before the
   * records of second s and an older one after them, it holds EVERY record
   * of second s as the list stood then, so the count of each content of
   * second s on it is the true count at that moment (records are never
   * removed: later it can only be higher, never lower). Handing out
   * occurrences up to that count therefore never doubles, and it also finds a
   * record of second s that a reorder hid. A second the probe does not hold
   * whole stays ambiguous (a confirmation read, as before). What the probe
   * page holds beyond those seconds is not used.
   */
  async #resolveFromProbe(ambiguous: ReadonlyMap<string, number>, probe: () => Promise<readonly unknown[] | null>, nowMs: number): Promise<Set<string>> {
    const resolved = new Set<string>();
    const records = await probe();
    if (!records || records.length === 0) return resolved;
    const { normalizer, sourceId, sourceLabel, logType } = this.#o;
    const results = records.map((record) => normalizer.normalize(record, { sourceId, sourceLabel, rowId: '', parseTimeMs: nowMs }));
    const times = results.map((result) => (result.ok ? result.value.eventTimeMs : result.problem.eventTimeMs));
    const timed = times.filter((time): time is number => time !== null);
    for (let i = 1; i < timed.length; i += 1) if (timed[i]! > timed[i - 1]!) return resolved;
    const newest = timed[0];
    const oldest = timed[timed.length - 1];
    if (newest === undefined || oldest === undefined) return resolved;
    const seconds = new Set<number>();
    for (const time of ambiguous.values()) if (time < newest && time > oldest) seconds.add(time);
    if (seconds.size === 0) return resolved;

    const counts = new Map<string, { count: number; index: number }>();
    for (let i = 0; i < records.length; i += 1) {
      const time = times[i];
      if (time === null || time === undefined || !seconds.has(time)) continue;
      const hash = contentHash(records[i]);
      const entry = counts.get(hash);
      if (entry) entry.count += 1;
      else counts.set(hash, { count: 1, index: i });
    }
    for (const [hash, time] of ambiguous) if (seconds.has(time) && counts.has(hash)) resolved.add(hash);
    const batch = this.#batch;
    for (const [hash, { count, index }] of counts) {
      const time = times[index]!;
      for (const occurrence of this.#counter.raiseTo(hash, count, time)) {
        // A fresh normalization per occurrence: each stored event is its own object.
        const result = normalizer.normalize(records[index], { sourceId, sourceLabel, rowId: '', parseTimeMs: nowMs });
        const rowId = rowIdFor(sourceId, logType, hash, occurrence, time);
        if (result.ok) {
          const { event, eventTimeMs, emails, ipAddresses } = result.value;
          event.p_row_id = rowId;
          batch.events.push({ rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event });
          if (batch.newest === null || eventTimeMs > batch.newest) batch.newest = eventTimeMs;
        } else {
          const { problem } = result;
          batch.failures.push({ rowId, day: utcDay(time), raw: rawText(records[index]), reason: problem.reason, field: problem.field, failedAt: nowMs });
        }
      }
    }
    return resolved;
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
