import { sql, type Expression, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import { and } from './event-hour-counts.js';
import { SEARCH_KEYS_PER_SECOND } from './migrations/007-search-indexes.js';
import type { EventQuery } from './store.js';
import type { EventsTable, StoreTables } from './store-tables.js';

/** Distinct trigrams used of one search text at most (any subset still finds every match; more only narrow the candidates). */
const MAX_TRIGRAMS = 32;

/**
 * SQLite's free-text and change-name search on `events_search` (migration 007):
 * an FTS5 trigram index keyed by the event's second (`second * 2^20 + sequence`),
 * so matches come out of the index newest (or oldest) first and a page reads
 * about as many events as it shows, whether the text is rare or everywhere.
 *
 * The index only narrows: its candidates hold every trigram of the text (in any
 * order, case-folded); each is then checked with the exact condition the reader
 * uses without the index (`lower(...) LIKE ... ESCAPE '\'`), so the results are
 * exactly the LIKE's. Texts shorter than three characters have no trigram: the
 * reader does not come here (`matchOf` is undefined).
 */
export class SqliteEventSearch {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly batchSize: number,
  ) {}

  /**
   * Events matching `match` and `conditions` (every filter of `query`, the
   * exact text checks included) in (event time, row id) order. Reads the index in
   * key order, `batchSize` events at a time, completing the last second read
   * (keys order seconds, not the events inside one), then sorts each batch.
   */
  async *events(query: EventQuery, match: string, conditions: Expression<SqlBool>[]): AsyncIterable<Selectable<EventsTable>> {
    const desc = query.order === 'desc';
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    let { lo, hi } = secondsOf(query);
    if (query.after) {
      const second = secondOf(query.after.eventTimeMs);
      if (desc) hi = Math.min(hi, second);
      else lo = Math.max(lo, second);
    }
    while (remaining > 0 && lo <= hi) {
      const size = Math.min(this.batchSize, remaining);
      const rows = await this.#candidates(match, conditions, lo, hi, desc, size);
      const last = rows.at(-1);
      const full = rows.length === size && last !== undefined;
      let batch: Selectable<EventsTable>[] = rows;
      if (full) {
        // Complete the last row's second (its keys follow insertion, not event order): read all of it again.
        const second = secondOf(Number(last.event_time_ms));
        const whole = await this.#candidates(match, conditions, second, second, desc);
        batch = [...rows.filter((row) => secondOf(Number(row.event_time_ms)) !== second), ...whole];
        if (desc) hi = second - 1;
        else lo = second + 1;
      }
      batch.sort(desc ? (a, b) => compareEvents(b, a) : compareEvents);
      const shown = batch.slice(0, remaining);
      for (const row of shown) yield row;
      remaining -= shown.length;
      if (!full) return;
    }
  }

  /** How many events match `match` and `conditions`. */
  async count(match: string, conditions: Expression<SqlBool>[], query: Pick<EventQuery, 'sinceMs' | 'untilMs'>): Promise<number> {
    const { lo, hi } = secondsOf(query);
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${this.#from(match, conditions, lo, hi)}`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /** Matching events per bucket: `bucket` is the bucket index of `events.event_time_ms` (EventSql.bucketIndex). */
  async histogram(match: string, conditions: Expression<SqlBool>[], bucket: RawBuilder<number>, fromMs: number, toMs: number): Promise<{ bucket: number; n: number }[]> {
    const { lo, hi } = secondsOf({ sinceMs: fromMs, untilMs: toMs });
    const { rows } = await sql<{ bucket: number; n: number }>`SELECT ${bucket} AS bucket, count(*) AS n FROM ${this.#from(match, conditions, lo, hi)} GROUP BY 1`.execute(this.db);
    return rows;
  }

  async #candidates(match: string, conditions: Expression<SqlBool>[], lo: number, hi: number, desc: boolean, limit?: number): Promise<Selectable<EventsTable>[]> {
    const direction = sql.raw(desc ? 'DESC' : 'ASC');
    const limited = limit === undefined ? sql`` : sql` LIMIT ${limit}`;
    const { rows } = await sql<Selectable<EventsTable>>`SELECT events.* FROM ${this.#from(match, conditions, lo, hi)} ORDER BY events_search.rowid ${direction}${limited}`.execute(
      this.db,
    );
    return rows;
  }

  /** The index's candidates for `match` in seconds [lo, hi] (infinite: open), joined to their events, filtered by `conditions`. */
  #from(match: string, conditions: Expression<SqlBool>[], lo: number, hi: number): RawBuilder<unknown> {
    const range: Expression<SqlBool>[] = [];
    if (lo !== -Infinity) range.push(sql<SqlBool>`events_search.rowid >= CAST(${lo} AS INTEGER) * ${sql.lit(SEARCH_KEYS_PER_SECOND)}`);
    if (hi !== Infinity) range.push(sql<SqlBool>`events_search.rowid < (CAST(${hi} AS INTEGER) + 1) * ${sql.lit(SEARCH_KEYS_PER_SECOND)}`);
    return sql`events_search
      JOIN events_search_keys ON events_search_keys.key = events_search.rowid
      JOIN events ON events.rowid = events_search_keys.event_rowid
      WHERE events_search MATCH ${match} AND ${and([...range, ...conditions])}`;
  }
}

/**
 * The FTS5 query for searched texts by column (`detail`, `changes`), or
 * undefined when none has a trigram (fewer than three characters). Built from
 * the text as the LIKE pattern has it (JavaScript lower case), so every event
 * the LIKE matches holds each trigram.
 */
export function matchOf(texts: { column: 'detail' | 'changes'; text: string | undefined }[]): string | undefined {
  const parts: string[] = [];
  for (const { column, text } of texts) {
    if (text === undefined) continue;
    const grams = trigrams(text.toLowerCase());
    if (grams.length > 0) parts.push(`${column} : (${grams.map((g) => `"${g.replaceAll('"', '""')}"`).join(' AND ')})`);
  }
  return parts.length === 0 ? undefined : parts.join(' AND ');
}

/** Distinct trigrams of `text` (by code point), at most MAX_TRIGRAMS spread over the text. */
function trigrams(text: string): string[] {
  const chars = [...text];
  const all = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) all.add(chars.slice(i, i + 3).join(''));
  const distinct = [...all];
  if (distinct.length <= MAX_TRIGRAMS) return distinct;
  const step = distinct.length / MAX_TRIGRAMS;
  return Array.from({ length: MAX_TRIGRAMS }, (_, i) => distinct[Math.floor(i * step)]!);
}

/** The second (floored) of an event time in ms, as the index keys it. */
function secondOf(ms: number): number {
  return Math.floor(ms / 1000);
}

/** The seconds [lo, hi] holding the events of a time range (infinite when open). */
function secondsOf(query: Pick<EventQuery, 'sinceMs' | 'untilMs'>): { lo: number; hi: number } {
  return {
    lo: query.sinceMs === undefined ? -Infinity : secondOf(query.sinceMs),
    hi: query.untilMs === undefined ? Infinity : secondOf(query.untilMs),
  };
}

/** (event time, row id) order, ascending. */
function compareEvents(a: Selectable<EventsTable>, b: Selectable<EventsTable>): number {
  return Number(a.event_time_ms) - Number(b.event_time_ms) || (a.row_id < b.row_id ? -1 : a.row_id > b.row_id ? 1 : 0);
}
