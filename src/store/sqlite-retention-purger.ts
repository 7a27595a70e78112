import type BetterSqlite3 from 'better-sqlite3';
import { dayStartMs } from '../domain/utc-days.js';
import type { LogType } from '../zoom/report-records.js';
import { indicatorKeys } from './purged-days.js';
import { storedIndicatorLists } from './stored-event-json.js';
import { indicatorKindCode } from './indicator-kind-codes.js';
import type { FreeSpace, PurgeBatch } from './retention-store.js';
import { prepareRaw, type RowStatement } from './sqlite-statements.js';

const MARK_PURGED = `UPDATE day_coverage SET state = 'purged', updated_at = ? WHERE log_type = ? AND day < ? AND state <> 'purged'`;

/** A batch of old events (their indicator lists, enrichment included, are read from the stored event) (the events_type_time index serves the range). */
const OLD_EVENTS = `SELECT rowid, row_id, source_id, log_type, event_time_ms, stored_at, event_json
  FROM events WHERE log_type = ? AND event_time_ms < ? LIMIT ?`;

/** Each by its whole primary key (kind as its integer, migration 027; value, event time, event rowid): event_indicators has no index by event (see 001-initial.ts, 017-indicator-time.ts, 026). */
const DELETE_INDICATOR = 'DELETE FROM event_indicators WHERE kind = ? AND value = ? AND event_time_ms = ? AND event_rowid = ?';
const DELETE_PENDING = 'DELETE FROM detection_pending WHERE row_id = ?';
const DELETE_EVENT = 'DELETE FROM events WHERE row_id = ?';
const DELETE_FAILURES = `DELETE FROM classification_failures WHERE row_id IN (
  SELECT row_id FROM classification_failures WHERE log_type = ? AND day < ? LIMIT ?)`;

/**
 * SQLite's retention: `purgeBefore` as one synchronous transaction per batch
 * (the event loop is held only for one batch: the caller yields between
 * batches), and `releaseFreeSpace` through `PRAGMA incremental_vacuum` when
 * the database was created with incremental auto-vacuum (sqlite-database.ts).
 */
export class SqliteRetentionPurger {
  readonly #db: BetterSqlite3.Database;
  readonly #markPurged: BetterSqlite3.Statement;
  readonly #oldEvents: RowStatement<{ rowid: number; row_id: string; source_id: string; log_type: string; event_time_ms: number; stored_at: number; event_json: string }>;
  readonly #deleteIndicator: BetterSqlite3.Statement;
  readonly #deletePending: BetterSqlite3.Statement;
  readonly #deleteEvent: BetterSqlite3.Statement;
  readonly #deleteFailures: BetterSqlite3.Statement;
  readonly #purge: (logType: LogType, beforeDay: string, limit: number, now: number) => PurgeBatch;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#markPurged = db.prepare(MARK_PURGED);
    this.#oldEvents = prepareRaw(db, OLD_EVENTS);
    this.#deleteIndicator = db.prepare(DELETE_INDICATOR);
    this.#deletePending = db.prepare(DELETE_PENDING);
    this.#deleteEvent = db.prepare(DELETE_EVENT);
    this.#deleteFailures = db.prepare(DELETE_FAILURES);
    this.#purge = db.transaction((logType: LogType, beforeDay: string, limit: number, now: number) => this.#purgeNow(logType, beforeDay, limit, now));
  }

  /** See RetentionStore.purgeBefore; `now` is the coverage rows' updated-at time. */
  purgeBefore(logType: LogType, beforeDay: string, limit: number, now: number): PurgeBatch {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    return this.#purge(logType, beforeDay, limit, now);
  }

  /** See RetentionStore.releaseFreeSpace. */
  releaseFreeSpace(maxPages: number): FreeSpace {
    const freePages = () => Number(this.#db.pragma('freelist_count', { simple: true }));
    // 2 = INCREMENTAL; with NONE the free pages stay in the file and new rows reuse them.
    if (Number(this.#db.pragma('auto_vacuum', { simple: true })) !== 2) return { released: 0, remaining: freePages() };
    const before = freePages();
    if (before === 0) return { released: 0, remaining: 0 };
    this.#db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(maxPages))})`);
    const after = freePages();
    return { released: before - after, remaining: after };
  }

  #purgeNow(logType: LogType, beforeDay: string, limit: number, now: number): PurgeBatch {
    const days = this.#markPurged.run(now, logType, beforeDay).changes;
    const rows = this.#oldEvents.all(logType, dayStartMs(beforeDay), limit);
    for (const row of rows) {
      const { emails, ips, enrichment } = storedIndicatorLists(row);
      for (const { kind, value } of indicatorKeys(emails, ips, enrichment)) this.#deleteIndicator.run(indicatorKindCode(kind), value, row.event_time_ms, row.rowid);
      this.#deletePending.run(row.row_id);
      this.#deleteEvent.run(row.row_id);
    }
    const failures = rows.length < limit ? this.#deleteFailures.run(logType, beforeDay, limit - rows.length).changes : 0;
    return { events: rows.length, failures, days, done: rows.length + failures < limit };
  }
}
