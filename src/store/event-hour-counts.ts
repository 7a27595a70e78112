import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { HOUR_MS } from './migrations/007-search-indexes.js';
import type { EventQuery } from './store.js';
import type { StoreTables } from './store-tables.js';

export { HOUR_MS };

/** The first ms of the UTC hour holding `ms` (floored for negative times too), as `event_hour_counts.hour_ms`. */
export function hourOf(ms: number): number {
  return ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
}

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

/** At most this many hours cut by a boundary are counted on events by their own range; more: the whole range is. */
const MAX_CUT_HOURS = 500;

/**
 * Counts events from `event_hour_counts` (migration 007) instead of reading them:
 * an hour wholly inside a bucket (and the range) counts from the table; only the
 * hours with events that a bucket or range boundary cuts are counted on `events`
 * (by the time indexes, one range per cut hour). Exact as long as the table is
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
    const bucketOf = (time: number) => (buckets ? Math.floor((time - buckets.fromMs) / buckets.bucketMs) : 0);
    let hours = this.db
      .selectFrom('event_hour_counts')
      .select(['hour_ms', (eb) => eb.fn.sum<number | string>('event_count').as('n')])
      .groupBy('hour_ms');
    if (lo !== -Infinity) hours = hours.where('hour_ms', '>=', hourOf(lo));
    if (hi !== Infinity) hours = hours.where('hour_ms', '<', hi);
    if (query.sourceId !== undefined) hours = hours.where('source_id', '=', query.sourceId);
    if (query.logType !== undefined) hours = hours.where('log_type', '=', query.logType);
    const cut: { from: number; to: number }[] = [];
    for (const row of await hours.execute()) {
      const hour = Number(row.hour_ms);
      const end = hour + HOUR_MS;
      const bucket = bucketOf(hour);
      if (hour >= lo && end <= hi && bucket === bucketOf(end - 1)) counts[bucket] = (counts[bucket] ?? 0) + Number(row.n);
      else cut.push({ from: Math.max(hour, lo), to: Math.min(end, hi) });
    }
    if (cut.length === 0) return counts;
    // The cut hours, in one statement: a range each (or the whole range when there are many), on the time indexes.
    const whole = cut.length > MAX_CUT_HOURS;
    if (whole) counts.fill(0);
    const ranges = whole
      ? and(timeRange({ from: lo, to: hi }))
      : sql<SqlBool>`(${sql.join(
          cut.map((range) => and(timeRange(range))),
          sql` OR `,
        )})`;
    const events = this.db.selectFrom('events').where(and([...sourceAndType(query), ranges]));
    if (!buckets) {
      const row = await events.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      counts[0] = (counts[0] ?? 0) + Number(row.n);
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
