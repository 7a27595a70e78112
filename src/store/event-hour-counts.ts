import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { HOUR_MS } from './migrations/007-search-indexes.js';
import { cutHourPieces, cutHoursOf, hourOf, type HourPiece } from './cut-hour-pieces.js';
import type { EventQuery } from './store.js';
import type { StoreTables } from './store-tables.js';

export { HOUR_MS };

export { hourOf };

/** The filters `event_hour_counts` can answer: source, log type and a time range. */
export type HourCountQuery = Pick<EventQuery, 'sourceId' | 'logType' | 'sinceMs' | 'untilMs'>;

/** True when `query` filters by nothing but source, log type and time: its counts can come from `event_hour_counts`. */
export function countableByHour(query: Omit<EventQuery, 'limit'>): query is HourCountQuery {
  return (
    query.where === undefined &&
    query.email === undefined &&
    query.ipAddress === undefined &&
    query.country === undefined &&
    query.asn === undefined &&
    query.categoryType === undefined &&
    query.action === undefined &&
    query.detailText === undefined &&
    query.changeName === undefined
  );
}

/** At most this many pieces of cut hours are counted on events by their own range; more: the whole range is. */
const MAX_COUNTED_PIECES = 500;

/**
 * Counts events from `event_hour_counts` (migration 007) instead of reading them:
 * an hour wholly inside a bucket (and the range) counts from the table; an hour
 * that a bucket or range boundary cuts is split there (cut-hour-pieces.ts) and
 * only its pieces but the longest are counted on `events` (one index range
 * each, all in one statement): the longest is the hour's count minus the others.
 * Exact as long as the table is
 * in step with `events` (the page writers add to it, a trigger on DELETE takes
 * from it).
 */
export class EventHourCounts {
  constructor(
    private readonly db: Kysely<StoreTables>,
    /** The dialect's `floor((time - fromMs) / bucketMs)` (EventSql.bucketIndex). */
    private readonly bucketIndex: (timeColumn: string, fromMs: number, bucketMs: number) => RawBuilder<number>,
  ) {}

  /** Events matching `query` (a source, a log type, a time range). */
  async count(query: HourCountQuery): Promise<number> {
    const [total = 0] = await this.#count(query, query.sinceMs ?? -Infinity, query.untilMs ?? Infinity, undefined);
    return total;
  }

  /** See Store.eventHistogram, for `query` (a source, a log type, a time range) and buckets of an hour or more. */
  histogram(query: HourCountQuery, fromMs: number, toMs: number, bucketMs: number): Promise<number[]> {
    return this.#count(query, Math.max(fromMs, query.sinceMs ?? -Infinity), Math.min(toMs, query.untilMs ?? Infinity), { fromMs, toMs, bucketMs });
  }

  /** Counts in [lo, hi): one number, or one per bucket of `buckets`. */
  async #count(query: HourCountQuery, lo: number, hi: number, buckets: { fromMs: number; toMs: number; bucketMs: number } | undefined): Promise<number[]> {
    const counts = new Array<number>(buckets ? Math.ceil((buckets.toMs - buckets.fromMs) / buckets.bucketMs) : 1).fill(0);
    if (!(lo < hi)) return counts;
    const cutHours = cutHoursOf(lo, hi, buckets, MAX_COUNTED_PIECES);
    if (cutHours === undefined) return this.#countWhole(query, lo, hi, buckets, counts);
    const plans = cutHours.map((hour) => ({ hour, ...cutHourPieces(hour, lo, hi, buckets) }));
    const counted = plans.flatMap((plan) => plan.counted);
    if (counted.length > MAX_COUNTED_PIECES) return this.#countWhole(query, lo, hi, buckets, counts);
    const { hourEvents, pieceEvents } = await this.#read(query, lo, hi, counted);
    const add = (piece: HourPiece, n: number) => {
      if (piece.bucket !== undefined) counts[piece.bucket] = (counts[piece.bucket] ?? 0) + n;
    };
    const cut = new Set(cutHours);
    for (const [hour, n] of hourEvents)
      if (!cut.has(hour)) add({ from: hour, to: hour + HOUR_MS, bucket: buckets ? Math.floor((hour - buckets.fromMs) / buckets.bucketMs) : 0 }, n);
    let next = 0;
    for (const plan of plans) {
      let read = 0;
      for (const piece of plan.counted) {
        const n = pieceEvents[next++] ?? 0;
        add(piece, n);
        read += n;
      }
      if (plan.derived) add(plan.derived, (hourEvents.get(plan.hour) ?? 0) - read);
    }
    return counts;
  }

  /**
   * In one statement, so both come from one snapshot (a derived piece is an hour's count minus
   * its other pieces' events): the events of each hour in [hourOf(lo), hi) from `event_hour_counts`,
   * and the events of each piece (in the pieces' order) from `events`, one index range each (a
   * correlated count per piece: PostgreSQL plans a join of the pieces with `events` as a scan of
   * `events` when the table is small, the count by an index range always).
   */
  async #read(query: HourCountQuery, lo: number, hi: number, pieces: readonly HourPiece[]): Promise<{ hourEvents: Map<number, number>; pieceEvents: number[] }> {
    const hourFilters: Expression<SqlBool>[] = [];
    if (lo !== -Infinity) hourFilters.push(sql<SqlBool>`hour_ms >= ${hourOf(lo)}`);
    if (hi !== Infinity) hourFilters.push(sql<SqlBool>`hour_ms < ${hi}`);
    if (query.sourceId !== undefined) hourFilters.push(sql<SqlBool>`source_id = ${query.sourceId}`);
    if (query.logType !== undefined) hourFilters.push(sql<SqlBool>`log_type = ${query.logType}`);
    const hours = sql`select 0 as piece, hour_ms as at, sum(event_count) as n from event_hour_counts where ${and(hourFilters)} group by hour_ms`;
    const eventFilters = sourceAndType(query);
    const counted =
      pieces.length === 0
        ? sql``
        : sql` union all select 1 as piece, p.column1 as at,
              (select count(*) from events where events.event_time_ms >= p.column2 and events.event_time_ms < p.column3${eventFilters.length === 0 ? sql`` : sql` and ${and(eventFilters)}`}) as n
            from (values ${sql.join(pieces.map((piece, i) => sql`(cast(${i} as bigint), cast(${piece.from} as bigint), cast(${piece.to} as bigint))`))}) as p`;
    const { rows } = await sql<{ piece: number | string; at: number | string; n: number | string }>`${hours}${counted}`.execute(this.db);
    const hourEvents = new Map<number, number>();
    const pieceEvents = new Array<number>(pieces.length).fill(0);
    for (const row of rows) {
      if (Number(row.piece) === 1) pieceEvents[Number(row.at)] = Number(row.n);
      else hourEvents.set(Number(row.at), Number(row.n));
    }
    return { hourEvents, pieceEvents };
  }

  /** Counts in [lo, hi) on `events` alone, per bucket (too many cut hours to count piece by piece). */
  async #countWhole(query: HourCountQuery, lo: number, hi: number, buckets: { fromMs: number; toMs: number; bucketMs: number } | undefined, counts: number[]): Promise<number[]> {
    counts.fill(0);
    const events = this.db.selectFrom('events').where(and([...sourceAndType(query), ...timeRange({ from: lo, to: hi })]));
    if (!buckets) {
      const row = await events.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      counts[0] = Number(row.n);
      return counts;
    }
    const bucket = this.bucketIndex('events.event_time_ms', buckets.fromMs, buckets.bucketMs);
    for (const row of await events
      .select([bucket.as('bucket'), (eb) => eb.fn.countAll().as('n')])
      .groupBy(bucket)
      .execute()) {
      const index = Number(row.bucket);
      if (index >= 0 && index < counts.length) counts[index] = (counts[index] ?? 0) + Number(row.n);
    }
    return counts;
  }
}

function sourceAndType(query: HourCountQuery): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (query.sourceId !== undefined) conditions.push(sql<SqlBool>`events.source_id = ${query.sourceId}`);
  if (query.logType !== undefined) conditions.push(sql<SqlBool>`events.log_type = ${query.logType}`);
  return conditions;
}

function timeRange(range: { from: number; to: number }): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (range.from !== -Infinity) conditions.push(sql<SqlBool>`events.event_time_ms >= ${range.from}`);
  if (range.to !== Infinity) conditions.push(sql<SqlBool>`events.event_time_ms < ${range.to}`);
  return conditions;
}

/** The conditions joined by AND (true when there are none). */
export function and(conditions: readonly Expression<SqlBool>[]): Expression<SqlBool> {
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`${sql.join(conditions, sql` AND `)}`;
}
