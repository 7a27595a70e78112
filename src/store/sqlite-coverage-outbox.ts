import type BetterSqlite3 from 'better-sqlite3';
import { COVERAGE_LOG_TYPE, coverageDigest, coverageRecordId } from '../domain/coverage-digest.js';
import { coverageDigestOfSorted } from '../domain/coverage-digest-of-sorted.js';
import type { DayUpdate } from './store.js';

const DAY_MS = 86_400_000;

const DAY_STATE = 'SELECT state, records, gained_after_complete FROM day_coverage WHERE source_id = ? AND log_type = ? AND day = ?';
const DAY_ROW_IDS = 'SELECT row_id FROM events WHERE source_id = ? AND log_type = ? AND event_time_ms >= ? AND event_time_ms < ?';
/**
 * The same in time order, along the (source, time) index: no sort. Row ids begin with their
 * event's second in hex (rowIdFor), so sorting each second's ids puts the day in row-id order.
 */
const DAY_ROW_IDS_BY_TIME = `SELECT row_id, event_time_ms FROM events WHERE source_id = ? AND log_type = ? AND event_time_ms >= ? AND event_time_ms < ?
  ORDER BY event_time_ms`;
const NEXT_VERSION = 'SELECT COALESCE(MAX(version), 0) + 1 FROM coverage_records WHERE source_id = ? AND log_type = ? AND day = ?';
const INSERT_RECORD = `INSERT INTO coverage_records (id, source_id, log_type, day, version, state, event_count, records, late_records, digest, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_FORWARD_LOG = 'INSERT INTO forward_log (source_id, log_type, row_ids, event_count, stored_at) VALUES (?, ?, ?, 1, ?)';

interface DayRow {
  state: string;
  records: number;
  gained_after_complete: number;
}

/**
 * SQLite's coverage outbox (migration 021), used inside the page writer's
 * transactions: the days about to become complete are noted before the day
 * updates, and after them each day that became complete, or that was complete
 * and gained records, gets a coverage record (next version) and a forward-log
 * row after the transaction's events.
 */
export class SqliteCoverageOutbox {
  readonly #dayState: BetterSqlite3.Statement;
  readonly #dayRowIds: BetterSqlite3.Statement;
  readonly #dayRowIdsByTime: BetterSqlite3.Statement;
  readonly #nextVersion: BetterSqlite3.Statement;
  readonly #insertRecord: BetterSqlite3.Statement;
  readonly #insertForwardLog: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.#dayState = db.prepare(DAY_STATE);
    this.#dayRowIds = db.prepare(DAY_ROW_IDS).pluck();
    this.#dayRowIdsByTime = db.prepare(DAY_ROW_IDS_BY_TIME).raw();
    this.#nextVersion = db.prepare(NEXT_VERSION).pluck();
    this.#insertRecord = db.prepare(INSERT_RECORD);
    this.#insertForwardLog = db.prepare(INSERT_FORWARD_LOG);
  }

  /** Before the day updates: the days they set complete that are not complete yet. */
  becomingComplete(sourceId: string, logType: string, days: readonly DayUpdate[]): string[] {
    return days.filter((d) => d.state === 'complete' && (this.#dayState.get(sourceId, logType, d.day) as DayRow | undefined)?.state !== 'complete').map((d) => d.day);
  }

  /** After the day updates: a coverage record for each of `days` that is complete now. */
  emit(sourceId: string, logType: string, days: Iterable<string>, now: number): void {
    for (const day of [...new Set(days)].sort()) {
      const row = this.#dayState.get(sourceId, logType, day) as DayRow | undefined;
      if (row?.state !== 'complete') continue;
      const start = Date.parse(`${day}T00:00:00.000Z`);
      const { digest, count } = this.#digestOfDay(sourceId, logType, start);
      const version = Number(this.#nextVersion.get(sourceId, logType, day));
      const id = coverageRecordId(sourceId, logType, day, version);
      this.#insertRecord.run(id, sourceId, logType, day, version, row.state, count, row.records, row.gained_after_complete, digest, now);
      this.#insertForwardLog.run(sourceId, COVERAGE_LOG_TYPE, JSON.stringify([id]), now);
    }
  }

  /**
   * The digest and number of a day's events, hashed as they are read: in time order, each
   * second's row ids sorted (no array of the day, no sort of it). Should a row id not sort
   * with its second (not made by rowIdFor), `coverageDigest` over the day's array.
   */
  #digestOfDay(sourceId: string, logType: string, start: number): { digest: string; count: number } {
    const rows = this.#dayRowIdsByTime.iterate(sourceId, logType, start, start + DAY_MS) as IterableIterator<[string, number]>;
    const streamed = coverageDigestOfSorted(sortedWithinSeconds(rows));
    if (streamed) return streamed;
    const rowIds = this.#dayRowIds.all(sourceId, logType, start, start + DAY_MS) as string[];
    return { digest: coverageDigest(rowIds), count: rowIds.length };
  }
}

/** Row ids in time order, each second's sorted (code-unit order, as `coverageDigest` sorts). */
function* sortedWithinSeconds(rows: Iterable<[rowId: string, eventTimeMs: number]>): Generator<string> {
  let second = Number.NaN;
  let group: string[] = [];
  for (const [rowId, eventTimeMs] of rows) {
    const rowSecond = Math.floor(eventTimeMs / 1000);
    if (rowSecond !== second) {
      yield* group.sort();
      group = [];
      second = rowSecond;
    }
    group.push(rowId);
  }
  yield* group.sort();
}
