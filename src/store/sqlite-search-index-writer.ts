import type BetterSqlite3 from 'better-sqlite3';
import { SEARCH_KEYS_PER_SECOND } from './migrations/007-search-indexes.js';

/** The highest key used in one second's range: [second * 2^20, (second + 1) * 2^20). */
const LAST_KEY_OF_SECOND = 'SELECT max(key) FROM events_search_keys WHERE key >= ? AND key < ?';
const INSERT_KEY = 'INSERT INTO events_search_keys (key, event_rowid) VALUES (?, ?)';
const INSERT_TEXT = 'INSERT INTO events_search (rowid, detail, changes) VALUES (?, ?, ?)';

/** A value as SQLite's json_extract returns it: text, number, 0/1 for booleans, JSON text for objects and arrays, NULL. */
type SqlValue = string | number | null;

/**
 * Indexes new events' free text in `events_search` (migration 007) from the
 * SQLite page writer, inside the page's transaction: what migration 007's
 * INSERT trigger did by parsing the stored JSON (dropped by 008), done from
 * the event object the writer already holds. Same rows, same keys: the event
 * gets the next key of its second (`second * 2^20 + sequence`), the detail is
 * `operation_detail`, the changes are its change names (event-change-names.ts), one a
 * line; an event with neither is not indexed, nor one whose second is full.
 *
 * `begin` must be called at the start of each transaction and `end` before it
 * commits (the rows are written there, in key order): the next free key
 * of each second is remembered for the rest of it (only this writer inserts keys
 * while it runs: one connection, synchronous transactions).
 */
export class SqliteSearchIndexWriter {
  readonly #lastKey: BetterSqlite3.Statement;
  readonly #insertKey: BetterSqlite3.Statement;
  readonly #insertText: BetterSqlite3.Statement;
  /** Next free key per second, for the current transaction. */
  #nextKey = new Map<number, number>();
  /** The transaction's rows, written by `end` in key order. */
  #rows: Array<{ key: number; rowid: number | bigint; detail: SqlValue; changes: string | null }> = [];

  constructor(db: BetterSqlite3.Database) {
    this.#lastKey = db.prepare(LAST_KEY_OF_SECOND).pluck();
    this.#insertKey = db.prepare(INSERT_KEY);
    this.#insertText = db.prepare(INSERT_TEXT);
  }

  /** Forgets the keys remembered from an earlier transaction. */
  begin(): void {
    this.#nextKey = new Map();
    this.#rows = [];
  }

  /**
   * Writes the rows `add` collected, in key order: a page arrives newest
   * first, and FTS5 takes rowids in ascending order several times faster than
   * descending ones (measured 2x on the bench's operation pages). Call it once
   * per transaction, before it commits.
   */
  end(): void {
    const rows = this.#rows.sort((a, b) => a.key - b.key);
    this.#rows = [];
    for (const row of rows) {
      this.#insertKey.run(row.key, row.rowid);
      this.#insertText.run(row.key, row.detail, row.changes);
    }
  }

  /**
   * Indexes one event just inserted as `rowid` (events' rowid), if it has text to search; `changes` are
   * its change names one a line (event-change-names.ts `joinedChangeNames`), or null when it has none.
   */
  add(rowid: number | bigint, eventTimeMs: number, event: Readonly<Record<string, unknown>>, changes: string | null): void {
    const detail = asSqlValue(event.operation_detail);
    if (detail === null && changes === null) return;
    const second = Math.floor(eventTimeMs / 1000);
    const first = second * SEARCH_KEYS_PER_SECOND;
    let key = this.#nextKey.get(second);
    if (key === undefined) {
      const last = this.#lastKey.get(first, first + SEARCH_KEYS_PER_SECOND) as number | bigint | null;
      key = last === null ? first : Number(last) + 1;
    }
    if (key >= first + SEARCH_KEYS_PER_SECOND) return;
    this.#nextKey.set(second, key + 1);
    this.#rows.push({ key, rowid, detail, changes });
  }
}

function asSqlValue(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return JSON.stringify(value);
}
