import type { LogType } from '../zoom/report-records.js';

/**
 * The store's part for retention: deleting old events of one log type in
 * small batches, and giving the space they took back to the file system.
 */
export interface RetentionStore {
  /**
   * One batch, in one short transaction: marks the coverage rows of every day
   * before `beforeDay` (`yyyy-mm-dd`, UTC) of `logType`, in every source,
   * `purged` (records and the other fields kept), then deletes up to `limit`
   * rows of those days: events (with their email/IP indicators and their
   * detection queue rows) first, then classification failures. Events are
   * deleted with `DELETE FROM events`, row by row or by a list of row ids, so
   * triggers on `events` fire. Alerts and their `alert_events` rows stay (the
   * record of what happened; an alert's events may then be gone), as do rule
   * errors. Call again until `done`.
   *
   * From then on a page commit skips the records of a purged day (Zoom may
   * send them again as the padding of a window), and a day update leaves its
   * state `purged`.
   */
  purgeBefore(logType: LogType, beforeDay: string, limit: number): Promise<PurgeBatch>;
  /**
   * Gives up to `maxPages` free database pages back to the file system
   * (SQLite with incremental auto-vacuum, `PRAGMA incremental_vacuum`); a
   * no-op where the database reuses free space itself (PostgreSQL: autovacuum;
   * a SQLite database created without incremental auto-vacuum reuses its free
   * pages for new rows).
   */
  releaseFreeSpace(maxPages: number): Promise<FreeSpace>;
}

export interface PurgeBatch {
  events: number;
  failures: number;
  /** Coverage rows newly marked `purged`. */
  days: number;
  /** Nothing older than `beforeDay` is left of this log type. */
  done: boolean;
}

export interface FreeSpace {
  /** Pages given back by this call. */
  released: number;
  /** Free pages still in the database file (0 where not applicable). */
  remaining: number;
}
