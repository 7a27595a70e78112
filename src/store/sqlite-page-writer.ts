import type BetterSqlite3 from 'better-sqlite3';
import { enrichmentIndicatorKeys } from '../domain/ip-location.js';
import { historyIndexOf } from '../domain/sign-in-facts.js';
import type { LogType } from '../zoom/report-records.js';
import { LeaseLostError, UnknownSourceError } from './store-errors.js';
import type { DayUpdate, Fence, PageCommit, PageCommitResult, StreamUpdate } from './store.js';
import { daysOfPage, withoutPurgedDays } from './purged-days.js';
import { joinedChangeNames } from './event-change-names.js';
import { hourOf } from './event-hour-counts.js';
import { storedEventJson } from './stored-event-json.js';
import { SqliteCoverageOutbox } from './sqlite-coverage-outbox.js';
import { SqliteSearchIndexWriter } from './sqlite-search-index-writer.js';
import { indicatorKindCode } from './indicator-kind-codes.js';
import { BOUND, prepareQuery, prepareRaw, sqliteQueries, type QueryRow, type RowStatement } from './sqlite-statements.js';

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/** `change_names`: the event's change names lower-cased, one a line (migration 034; event-change-names.ts). */
const INSERT_EVENT = `INSERT INTO events (row_id, source_id, log_type, day, event_time_ms, stored_at, event_json, change_names)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (row_id) DO NOTHING`;

/** Keyed by the event's rowid (migration 026), the kind a small integer (migration 027). */
const INSERT_INDICATOR = 'INSERT INTO event_indicators (event_rowid, kind, value, event_time_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING';

/** Adds a page's new events to their hours' counts (the DELETE trigger of migration 007 takes them off). */
const ADD_HOUR_COUNT = `INSERT INTO event_hour_counts (hour_ms, source_id, log_type, event_count) VALUES (?, ?, ?, ?)
  ON CONFLICT (hour_ms, source_id, log_type) DO UPDATE SET event_count = event_count + excluded.event_count`;

/**
 * Queues a page's new events for detection in one statement: bound, the queued-at time and the
 * JSON array of their row ids (the forward log's text). `WHERE true` lets SQLite parse the upsert after a SELECT.
 */
const QUEUE_FOR_DETECTION = `INSERT INTO detection_pending (row_id, queued_at) SELECT value, ? FROM json_each(?) WHERE true
  ON CONFLICT (row_id) DO NOTHING`;

/** A stored sign-in's fact for the history rules (migration 009; filled here since 015), keyed by its event's rowid (migration 025). */
const INSERT_SIGN_IN = `INSERT INTO sign_ins (event_rowid, row_id, source_id, user_key, event_time_ms, ip, country, asn, lat, lng, accuracy_km)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_rowid) DO NOTHING`;

/**
 * The history rules' queue (migration 009; filled here since 015), a page's events in one statement.
 * Bound: source id, log type, and the JSON array of the events' `[row id, day, event time]`.
 */
const QUEUE_FOR_HISTORY = `INSERT INTO history_pending (row_id, source_id, log_type, day, event_time_ms)
  SELECT value ->> 0, ?, ?, value ->> 1, value ->> 2 FROM json_each(?) WHERE true ON CONFLICT (row_id) DO NOTHING`;

/** The page's forward-log row (migration 016): the forwarder reads the inserted events in this order. */
const INSERT_FORWARD_LOG = 'INSERT INTO forward_log (source_id, log_type, row_ids, event_count, stored_at) VALUES (?, ?, ?, ?, ?)';

const INSERT_FAILURE = `INSERT INTO classification_failures (row_id, source_id, log_type, day, raw, reason, field, failed_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (row_id) DO NOTHING`;

/** Adds a day's new records; returns the day's state as it was before (a new row starts `open`). */
const ADD_DAY_RECORDS = `INSERT INTO day_coverage (source_id, log_type, day, records, state, ambiguous, gained_after_complete, updated_at)
  VALUES (?, ?, ?, ?, 'open', 0, 0, ?)
  ON CONFLICT (source_id, log_type, day) DO UPDATE SET
    records = day_coverage.records + excluded.records,
    gained_after_complete = day_coverage.gained_after_complete
      + CASE WHEN day_coverage.state = 'complete' THEN excluded.records ELSE 0 END,
    updated_at = excluded.updated_at
  RETURNING state`;

/** The lease a fenced write must still hold. Bound: source id. */
const LEASE_OF = sqliteQueries.selectFrom('source_leases').select(['owner', 'token']).where('source_id', '=', BOUND);

/** Whether retention purged a day (its records are not stored again). */
const IS_PURGED = `SELECT 1 FROM day_coverage WHERE source_id = ? AND log_type = ? AND day = ? AND state = 'purged'`;

/** A DayUpdate: each field changes only when its `set_` flag is 1; a purged day stays purged. */
const APPLY_DAY = `INSERT INTO day_coverage
    (source_id, log_type, day, records, last_full_read_at, state, ambiguous, gained_after_complete, last_error, updated_at)
  VALUES (@sourceId, @logType, @day, 0, @lastFullReadAt, @state, @ambiguous, 0, @lastError, @now)
  ON CONFLICT (source_id, log_type, day) DO UPDATE SET
    last_full_read_at = CASE WHEN @setLastFullReadAt = 1 THEN excluded.last_full_read_at ELSE day_coverage.last_full_read_at END,
    state = CASE WHEN @setState = 1 AND day_coverage.state <> 'purged' THEN excluded.state ELSE day_coverage.state END,
    ambiguous = CASE WHEN @setAmbiguous = 1 THEN excluded.ambiguous ELSE day_coverage.ambiguous END,
    last_error = CASE WHEN @setLastError = 1 THEN excluded.last_error ELSE day_coverage.last_error END,
    updated_at = excluded.updated_at`;

/** Stream fields: [StreamUpdate key, column, default for a new row]. */
const STREAM_FIELDS = [
  ['newestEventTimeMs', 'newest_event_time_ms', null],
  ['lastPollAt', 'last_poll_at', null],
  ['lastSuccessAt', 'last_success_at', null],
  ['readingWindow', 'reading_window', null],
  ['readingPages', 'reading_pages', 0],
  ['lastError', 'last_error_json', null],
  ['consecutiveFailures', 'consecutive_failures', 0],
  ['nextAttemptAt', 'next_attempt_at', null],
] as const satisfies ReadonlyArray<readonly [keyof StreamUpdate, string, 0 | null]>;

/** A StreamUpdate: each field changes only when its `set_` flag is 1. */
const UPSERT_STREAM = `INSERT INTO streams (source_id, log_type, ${STREAM_FIELDS.map(([, column]) => column).join(', ')})
  VALUES (@sourceId, @logType, ${STREAM_FIELDS.map(([key]) => `@${key}`).join(', ')})
  ON CONFLICT (source_id, log_type) DO UPDATE SET
    ${STREAM_FIELDS.map(([key, column]) => `${column} = CASE WHEN @set_${key} = 1 THEN excluded.${column} ELSE streams.${column} END`).join(',\n    ')}`;

/**
 * SQLite's write path for collected data: `commitPage` (the hot path) and
 * `updateStream`, on better-sqlite3 statements prepared once, each call one
 * synchronous transaction: data first, then coverage, then stream state. A
 * throw anywhere rolls the whole page back.
 */
export class SqlitePageWriter {
  readonly #sourceExists: Statement;
  readonly #isPurged: Statement;
  readonly #leaseOf: RowStatement<QueryRow<typeof LEASE_OF>>;
  readonly #insertEvent: Statement;
  readonly #insertIndicator: Statement;
  readonly #search: SqliteSearchIndexWriter;
  readonly #queueForDetection: Statement;
  readonly #insertSignIn: Statement;
  readonly #queueForHistory: Statement;
  readonly #addHourCount: Statement;
  readonly #insertFailure: Statement;
  readonly #insertForwardLog: Statement;
  readonly #addDayRecords: RowStatement<{ state: string }>;
  readonly #applyDay: Statement;
  readonly #upsertStream: Statement;
  readonly #coverageOutbox: SqliteCoverageOutbox;
  readonly #commitPage: (commit: PageCommit, now: number) => PageCommitResult;
  readonly #updateStream: (sourceId: string, logType: LogType, update: StreamUpdate, days: DayUpdate[], now: number, fence?: Fence) => void;

  constructor(db: Database) {
    this.#sourceExists = db.prepare('SELECT 1 FROM sources WHERE id = ?').pluck();
    this.#isPurged = db.prepare(IS_PURGED).pluck();
    this.#leaseOf = prepareQuery(db, LEASE_OF);
    this.#insertEvent = db.prepare(INSERT_EVENT);
    this.#insertIndicator = db.prepare(INSERT_INDICATOR);
    this.#search = new SqliteSearchIndexWriter(db);
    this.#queueForDetection = db.prepare(QUEUE_FOR_DETECTION);
    this.#insertSignIn = db.prepare(INSERT_SIGN_IN);
    this.#queueForHistory = db.prepare(QUEUE_FOR_HISTORY);
    this.#addHourCount = db.prepare(ADD_HOUR_COUNT);
    this.#insertFailure = db.prepare(INSERT_FAILURE);
    this.#insertForwardLog = db.prepare(INSERT_FORWARD_LOG);
    this.#addDayRecords = prepareRaw<{ state: string }>(db, ADD_DAY_RECORDS);
    this.#applyDay = db.prepare(APPLY_DAY);
    this.#upsertStream = db.prepare(UPSERT_STREAM);
    this.#coverageOutbox = new SqliteCoverageOutbox(db);
    this.#commitPage = db.transaction((commit: PageCommit, now: number) => this.#commitPageNow(commit, now));
    this.#updateStream = db.transaction((sourceId: string, logType: LogType, update: StreamUpdate, days: DayUpdate[], now: number, fence?: Fence) => {
      this.#requireSource(sourceId);
      this.#checkFence(sourceId, fence);
      const becoming = this.#coverageOutbox.becomingComplete(sourceId, logType, days);
      for (const day of days) this.#applyDayUpdate(sourceId, logType, day, now);
      this.#coverageOutbox.emit(sourceId, logType, becoming, now);
      this.#applyStreamUpdate(sourceId, logType, update);
    });
  }

  /** One page, atomically; `now` is the stored-at / updated-at time. Throws UnknownSourceError. */
  commitPage(commit: PageCommit, now: number): PageCommitResult {
    return this.#commitPage(commit, now);
  }

  /** A stream outcome without data (and day updates), atomically. Throws UnknownSourceError. */
  updateStream(sourceId: string, logType: LogType, update: StreamUpdate, days: DayUpdate[], now: number, fence?: Fence): void {
    this.#updateStream(sourceId, logType, update, days, now, fence);
  }

  #commitPageNow(given: PageCommit, now: number): PageCommitResult {
    const { sourceId, logType } = given;
    this.#requireSource(sourceId);
    this.#checkFence(sourceId, given.fence);
    const purged = new Set(daysOfPage(given).filter((day) => this.#isPurged.get(sourceId, logType, day) !== undefined));
    const commit = withoutPurgedDays(given, purged);
    const insertEvent = this.#insertEvent;
    const insertIndicator = this.#insertIndicator;
    const insertedEventIds: string[] = [];
    const insertedPerDay = new Map<string, number>();
    const insertedPerHour = new Map<number, number>();

    const search = this.#search;
    search.begin();
    // Indicator keys of the page, inserted after its events in key order (the table is its primary key: WITHOUT ROWID, migration 008).
    const indicators: IndicatorKey[] = [];
    const historyQueued: Array<[rowId: string, day: string, eventTimeMs: number]> = [];
    for (const row of commit.events) {
      // Once for both: the search index holds the names as they are, the column lower-cased (searchedChangeNames).
      const changeNames = joinedChangeNames(row.event);
      const stored = storedEventJson(row, sourceId, logType, now);
      const { changes, lastInsertRowid } = insertEvent.run(row.rowId, sourceId, logType, row.day, row.eventTimeMs, now, stored, changeNames?.toLowerCase() ?? null);
      if (changes === 0) continue;
      insertedEventIds.push(row.rowId);
      insertedPerDay.set(row.day, (insertedPerDay.get(row.day) ?? 0) + 1);
      const hour = hourOf(row.eventTimeMs);
      insertedPerHour.set(hour, (insertedPerHour.get(hour) ?? 0) + 1);
      search.add(lastInsertRowid, row.eventTimeMs, row.event, changeNames);
      const history = historyIndexOf(logType, row.rowId, row.eventTimeMs, row.event);
      if (history.fact) {
        const f = history.fact;
        this.#insertSignIn.run(lastInsertRowid, f.rowId, sourceId, f.user, f.timeMs, f.ip, f.country, f.asn, f.lat, f.lng, f.accuracyKm);
      }
      if (history.queued) historyQueued.push([row.rowId, row.day, row.eventTimeMs]);
      const eventRowid = Number(lastInsertRowid);
      for (const email of row.emails) indicators.push([EMAIL, email.toLowerCase(), row.eventTimeMs, eventRowid]);
      for (const ip of row.ipAddresses) indicators.push([IP, ip.toLowerCase(), row.eventTimeMs, eventRowid]);
      for (const { kind, value } of enrichmentIndicatorKeys(row.event)) indicators.push([indicatorKindCode(kind), value, row.eventTimeMs, eventRowid]);
    }
    search.end();
    indicators.sort(compareIndicatorKeys);
    let previous: IndicatorKey | undefined;
    for (const key of indicators) {
      if (previous === undefined || compareIndicatorKeys(previous, key) !== 0) insertIndicator.run(key[3], key[0], key[1], key[2]);
      previous = key;
    }
    for (const [hour, count] of insertedPerHour) this.#addHourCount.run(hour, sourceId, logType, count);
    if (insertedEventIds.length > 0) {
      const rowIdsJson = JSON.stringify(insertedEventIds);
      this.#insertForwardLog.run(sourceId, logType, rowIdsJson, insertedEventIds.length, now);
      this.#queueForDetection.run(now, rowIdsJson);
    }
    if (historyQueued.length > 0) this.#queueForHistory.run(sourceId, logType, JSON.stringify(historyQueued));

    let insertedFailures = 0;
    for (const failure of commit.failures) {
      const { changes } = this.#insertFailure.run(failure.rowId, sourceId, logType, failure.day, failure.raw, failure.reason, failure.field, failure.failedAt);
      if (changes === 0) continue;
      insertedFailures++;
      insertedPerDay.set(failure.day, (insertedPerDay.get(failure.day) ?? 0) + 1);
    }

    const gainedAfterComplete = new Map<string, number>();
    for (const [day, inserted] of insertedPerDay) {
      const stateBefore = this.#addDayRecords.get(sourceId, logType, day, inserted, now)?.state;
      if (stateBefore === 'complete') gainedAfterComplete.set(day, inserted);
    }
    const becoming = this.#coverageOutbox.becomingComplete(sourceId, logType, commit.days);
    for (const day of commit.days) this.#applyDayUpdate(sourceId, logType, day, now);
    // After the page's events and forward-log row: the days' coverage records (migration 021).
    this.#coverageOutbox.emit(sourceId, logType, [...becoming, ...gainedAfterComplete.keys()], now);
    this.#applyStreamUpdate(sourceId, logType, commit.stream);

    return { insertedEventIds, insertedFailures, insertedPerDay, gainedAfterComplete };
  }

  /** Inside the transaction: the lease must still be the one the writer holds. */
  #checkFence(sourceId: string, fence: Fence | undefined): void {
    if (!fence) return;
    const lease = this.#leaseOf.get(sourceId);
    if (!lease || lease.owner !== fence.owner || Number(lease.token) !== fence.token) throw new LeaseLostError(sourceId, fence.token);
  }

  #requireSource(sourceId: string): void {
    if (this.#sourceExists.get(sourceId) === undefined) throw new UnknownSourceError(sourceId);
  }

  #applyDayUpdate(sourceId: string, logType: LogType, update: DayUpdate, now: number): void {
    this.#applyDay.run({
      sourceId,
      logType,
      day: update.day,
      now,
      lastFullReadAt: update.lastFullReadAt ?? null,
      setLastFullReadAt: update.lastFullReadAt === undefined ? 0 : 1,
      state: update.state === undefined ? 'open' : update.state,
      setState: update.state === undefined ? 0 : 1,
      ambiguous: update.ambiguous === undefined ? 0 : booleanParam(update.ambiguous),
      setAmbiguous: update.ambiguous === undefined ? 0 : 1,
      lastError: update.lastError === undefined ? null : update.lastError,
      setLastError: update.lastError === undefined ? 0 : 1,
    });
  }

  #applyStreamUpdate(sourceId: string, logType: LogType, update: StreamUpdate): void {
    const params: Record<string, unknown> = { sourceId, logType };
    for (const [key, , fallback] of STREAM_FIELDS) {
      const value = update[key];
      params[`set_${key}`] = value === undefined ? 0 : 1;
      params[key] = value === undefined ? fallback : key === 'lastError' && value !== null ? JSON.stringify(value) : value;
    }
    this.#upsertStream.run(params);
  }
}

/** An event_indicators key: (kind, value, event time, the event's rowid), its primary key's order (migrations 017, 026; the kind a small integer since 027). */
type IndicatorKey = [kind: number, value: string, eventTimeMs: number, eventRowid: number];

const EMAIL = indicatorKindCode('email');
const IP = indicatorKindCode('ip');

/** Primary-key order of event_indicators. */
function compareIndicatorKeys(a: Readonly<IndicatorKey>, b: Readonly<IndicatorKey>): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  if (a[2] !== b[2]) return a[2] - b[2];
  return a[3] - b[3];
}

/** A boolean as SQLite stores it; other values pass through so the database rejects them. */
function booleanParam(value: unknown): unknown {
  return value === true ? 1 : value === false ? 0 : value;
}
