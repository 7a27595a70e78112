import { sql, type Expression, type Kysely, type Selectable, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { normalizeCountryCode } from '../domain/ip-location.js';
import type { LogType } from '../zoom/report-records.js';
import { expandStoredEvent } from '../normalize/stored-event.js';
import { and, countableByHour, EventHourCounts, HOUR_MS } from './event-hour-counts.js';
import { containsPattern, eventSqlFor, type EventSql, type StoreDialectKind } from './event-sql.js';
import { compileQuery, liftQuery, type QueryCompileContext } from './event-query-sql.js';
import { matchOf, SqliteEventSearch } from './sqlite-event-search.js';
import type { IndicatorKind } from './indicator-kind-codes.js';
import type { ClassificationFailure, EventQuery, FailureQuery, StoredEvent } from './store.js';
import type { ClassificationFailuresTable, EventsTable, StoreTables } from './store-tables.js';

/** The columns of an event read back (PostgreSQL's `change_names`, a search column, is left out). */
export const EVENT_COLUMNS = ['events.row_id', 'events.source_id', 'events.log_type', 'events.day', 'events.event_time_ms', 'events.stored_at', 'events.event_json'] as const;

/** An event's row as read back (EVENT_COLUMNS: not PostgreSQL's `id`, migration 035). */
export type EventRow = Omit<Selectable<EventsTable>, 'id'>;

/** Rows read per query while streaming events or failures out. */
export const DEFAULT_QUERY_BATCH_SIZE = 1000;

type FailuresQuery = SelectQueryBuilder<StoreTables, 'classification_failures', object>;

/**
 * Reads events and classification failures back through Kysely
 * (dialect-neutral). Streams use keyset paging, `batchSize` rows per query,
 * so exporting millions of rows never holds more than one batch.
 *
 * Each filter has an index that serves it in event-time order (migration 007);
 * counts by source, log type and time come from `event_hour_counts`; on SQLite,
 * free text and change names of three characters or more go through the
 * `events_search` trigram index (SqliteEventSearch), on PostgreSQL through
 * pg_trgm GIN indexes the planner picks. Results are those of the plain
 * conditions in every case: the indexes only narrow.
 */
export class EventReader {
  private readonly sql: EventSql;
  private readonly hours: EventHourCounts;
  /** SQLite only (PostgreSQL's planner uses its trigram indexes by itself). */
  private readonly search: SqliteEventSearch | undefined;
  private readonly compile: QueryCompileContext;

  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly batchSize = DEFAULT_QUERY_BATCH_SIZE,
    /** The store's dialect (`Store.kind`): picks the JSON and bucketing SQL (event-sql.ts). */
    dialect: StoreDialectKind = 'sqlite',
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    this.sql = eventSqlFor(dialect);
    this.hours = new EventHourCounts(db, (time, fromMs, bucketMs) => this.sql.bucketIndex(time, fromMs, bucketMs));
    this.search = dialect === 'sqlite' ? new SqliteEventSearch(db, batchSize) : undefined;
    this.compile = { dialect, sql: this.sql, indicatorHeld: (kind, value) => this.indicatorHeld(kind, value) };
  }

  /** Events matching `query` in (event time, row id) order, ascending unless `order` is `desc`. */
  async *events(query: EventQuery): AsyncIterable<StoredEvent> {
    for await (const rows of this.eventBatches(query)) for (const row of rows) yield toStoredEvent(row);
  }

  /**
   * The rows of `events(query)`, as stored, a batch (a query's rows) at a time: an export makes its
   * text from them (event-export-chunks.ts) without a turn of the stream per row.
   */
  async *eventBatches(original: EventQuery): AsyncIterable<EventRow[]> {
    const query = liftQuery(original);
    const desc = query.order === 'desc';
    const conditions = this.conditions(query);
    const match = this.searchMatch(query);
    if (this.search && match !== undefined) {
      const cursor = query.after ? [cursorCondition(query.after.eventTimeMs, query.after.rowId, desc)] : [];
      for await (const row of this.search.events(query, match, [...conditions, ...cursor])) yield [row];
      return;
    }
    const driver = drivingIndicator(query);
    const batch = (after: { time: number; rowId: string } | undefined, size: number) =>
      driver
        ? this.indicatorPage(query, driver, after, size)
        : this.db
            .selectFrom('events')
            .select(EVENT_COLUMNS)
            .where(and([...conditions, ...(after ? [cursorCondition(after.time, after.rowId, desc)] : [])]))
            .orderBy('event_time_ms', desc ? 'desc' : 'asc')
            .orderBy('row_id', desc ? 'desc' : 'asc')
            .limit(size)
            .execute();
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    let size = Math.min(this.batchSize, remaining);
    let next: ReturnType<typeof batch> | undefined = batch(query.after ? { time: query.after.eventTimeMs, rowId: query.after.rowId } : undefined, size);
    try {
      while (next) {
        const rows = await next;
        next = undefined;
        remaining -= rows.length;
        const last = rows.at(-1);
        // The next batch is read while this one is consumed (a stream of many batches: an export), so the
        // database's time and the consumer's overlap. Keyset: its start is this batch's last row.
        if (last && rows.length === size && remaining > 0) {
          size = Math.min(this.batchSize, remaining);
          next = batch({ time: Number(last.event_time_ms), rowId: last.row_id }, size);
        }
        if (rows.length > 0) yield rows;
      }
    } finally {
      // The consumer stopped early: the batch read ahead is not wanted (nor its failure).
      next?.catch(() => undefined);
    }
  }

  /**
   * One page of events read off the `driver` indicator's keys, which are in
   * event-time order within a value (migration 017): the newest
   * keys of a common country or network come first and the page stops at
   * `size`, where `row_id IN (every key of the value)` sorted all its events.
   */
  private async indicatorPage(query: Omit<EventQuery, 'limit'>, driver: IndicatorFilter, after: { time: number; rowId: string } | undefined, size: number) {
    const desc = query.order === 'desc';
    const direction = desc ? 'desc' : 'asc';
    const keyConditions: Expression<SqlBool>[] = [sql<SqlBool>`i.kind = ${this.sql.indicatorKind(driver.kind)}`, sql<SqlBool>`i.value = ${driver.value}`];
    if (query.sinceMs !== undefined) keyConditions.push(sql<SqlBool>`i.event_time_ms >= ${query.sinceMs}`);
    if (query.untilMs !== undefined) keyConditions.push(sql<SqlBool>`i.event_time_ms < ${query.untilMs}`);
    // The keys name the event by an integer (SQLite: its rowid, migration 026; PostgreSQL: events.id, 035): the
    // events of one time are put in row-id order by a sort of that time's rows (the key gives the time order).
    const link = this.sql.indicatorLink;
    if (after) keyConditions.push(cursorCondition(after.time, after.rowId, desc, 'i'));
    return this.db
      .selectFrom('event_indicators as i')
      .innerJoin('events', (join) => join.on(sql<SqlBool>`${sql.ref(`events.${link.event}`)} = ${sql.ref(`i.${link.indicator}`)}`))
      .select(EVENT_COLUMNS)
      .where(and([...keyConditions, ...this.conditions(query, driver.kind)]))
      .orderBy('i.event_time_ms', direction)
      .orderBy('events.row_id', direction)
      .limit(size)
      .execute();
  }

  async countEvents(original: Omit<EventQuery, 'limit'>): Promise<number> {
    const query = liftQuery(original);
    if (countableByHour(query)) return this.hours.count(query);
    const conditions = this.conditions(query);
    const match = this.searchMatch(query);
    if (this.search && match !== undefined) return this.search.count(match, conditions, query);
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(and(conditions))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async getEvent(rowId: string): Promise<StoredEvent | undefined> {
    const row = await this.db.selectFrom('events').select(EVENT_COLUMNS).where('row_id', '=', rowId).executeTakeFirst();
    return row ? toStoredEvent(row) : undefined;
  }

  /** See Store.eventHistogram. */
  async histogram(original: Omit<EventQuery, 'limit' | 'order' | 'after'>, fromMs: number, toMs: number, bucketMs: number): Promise<number[]> {
    const query = liftQuery(original);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) throw new RangeError('the histogram needs fromMs < toMs');
    if (!Number.isInteger(bucketMs) || bucketMs < 1) throw new RangeError('bucketMs must be a positive integer');
    // Buckets of an hour or more: whole hours from event_hour_counts, only the hours cut by a boundary from events.
    if (countableByHour(query) && bucketMs >= HOUR_MS) return this.hours.histogram(query, fromMs, toMs, bucketMs);
    const counts = new Array<number>(Math.ceil((toMs - fromMs) / bucketMs)).fill(0);
    const bucket = this.sql.bucketIndex('events.event_time_ms', fromMs, bucketMs);
    const conditions = [...this.conditions(query), sql<SqlBool>`events.event_time_ms >= ${fromMs}`, sql<SqlBool>`events.event_time_ms < ${toMs}`];
    const match = this.searchMatch(query);
    const rows =
      this.search && match !== undefined
        ? await this.search.histogram(match, conditions, bucket, fromMs, toMs)
        : await this.db
            .selectFrom('events')
            .select([bucket.as('bucket'), (eb) => eb.fn.countAll().as('n')])
            .where(and(conditions))
            .groupBy(bucket)
            .execute();
    for (const row of rows) {
      const index = Number(row.bucket);
      if (index >= 0 && index < counts.length) counts[index] = (counts[index] ?? 0) + Number(row.n);
    }
    return counts;
  }

  /** Failures matching `query` in (failed at, row id) order. */
  async *failures(query: FailureQuery): AsyncIterable<ClassificationFailure> {
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    let after: { failedAt: number; rowId: string } | undefined;
    while (remaining > 0) {
      let q = this.filterFailures(this.db.selectFrom('classification_failures').selectAll(), query);
      if (after) {
        const { failedAt, rowId } = after;
        q = q.where('failed_at', '>=', failedAt).where((eb) => eb.or([eb('failed_at', '>', failedAt), eb('row_id', '>', rowId)]));
      }
      const size = Math.min(this.batchSize, remaining);
      const rows = await q.orderBy('failed_at').orderBy('row_id').limit(size).execute();
      for (const row of rows) yield toFailure(row);
      remaining -= rows.length;
      const last = rows.at(-1);
      if (!last || rows.length < size) return;
      after = { failedAt: Number(last.failed_at), rowId: last.row_id };
    }
  }

  async countFailures(query: Omit<FailureQuery, 'limit'>): Promise<number> {
    const row = await this.filterFailures(this.db.selectFrom('classification_failures'), query)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Every filter of `query` (not its cursor) as conditions on `events`: exact, whatever index serves them;
   * without the indicator filter of kind `drivenBy` (the query reads that indicator's keys itself).
   */
  private conditions(query: Omit<EventQuery, 'limit'>, drivenBy?: IndicatorKind): Expression<SqlBool>[] {
    const out: Expression<SqlBool>[] = [];
    if (query.sourceId !== undefined) out.push(sql<SqlBool>`events.source_id = ${query.sourceId}`);
    if (query.logType !== undefined) out.push(sql<SqlBool>`events.log_type = ${query.logType}`);
    if (query.sinceMs !== undefined) out.push(sql<SqlBool>`events.event_time_ms >= ${query.sinceMs}`);
    if (query.untilMs !== undefined) out.push(sql<SqlBool>`events.event_time_ms < ${query.untilMs}`);
    for (const { kind, value } of indicatorFilters(query)) {
      if (kind !== drivenBy) out.push(this.indicatorHeld(kind, value));
    }
    if (query.categoryType !== undefined) out.push(sql<SqlBool>`${this.sql.indexedField('events.event_json', 'category_type')} = ${query.categoryType.trim().toLowerCase()}`);
    if (query.action !== undefined) out.push(sql<SqlBool>`${this.sql.indexedField('events.event_json', 'action')} = ${query.action.trim().toLowerCase()}`);
    if (query.detailText !== undefined) out.push(this.sql.detailLike('events.event_json', containsPattern(query.detailText)));
    if (query.changeName !== undefined) out.push(this.sql.changeNameLike('events.event_json', containsPattern(query.changeName)));
    if (query.where !== undefined) out.push(compileQuery(query.where, this.compile));
    return out;
  }

  /**
   * SQLite: the `events_search` query narrowing `query`'s text filters, or undefined
   * (no text of three characters or more; or an email, IP, country or ASN filter, whose index
   * narrows further: its rows are checked with the LIKE directly).
   */
  private searchMatch(query: Omit<EventQuery, 'limit'>): string | undefined {
    if (!this.search || query.email !== undefined || query.ipAddress !== undefined || query.country !== undefined || query.asn !== undefined) return undefined;
    return matchOf([
      { column: 'detail', text: query.detailText },
      { column: 'changes', text: query.changeName },
    ]);
  }

  /** `events.rowid in (...)` (SQLite, migration 026; PostgreSQL: `events.id`, 035) the keys of the indicator. */
  private indicatorHeld(kind: IndicatorKind, value: string): Expression<SqlBool> {
    const link = this.sql.indicatorLink;
    const keys = this.db.selectFrom('event_indicators').select(`event_indicators.${link.indicator}`).where('kind', '=', this.sql.indicatorKind(kind)).where('value', '=', value);
    return sql<SqlBool>`${sql.ref(`events.${link.event}`)} in (${keys})`;
  }

  private filterFailures<Q extends FailuresQuery>(q: Q, query: Omit<FailureQuery, 'limit'>): Q {
    let out: FailuresQuery = q;
    if (query.sourceId !== undefined) out = out.where('source_id', '=', query.sourceId);
    if (query.logType !== undefined) out = out.where('log_type', '=', query.logType);
    return out as Q;
  }
}

/**
 * After (`time`, `rowId`) in the order: `time >= t AND (time > t OR row_id > id)` (mirrored for desc); the first term
 * lets an index seek. The time is `table`'s: `events`, or `i` when the page is read off event_indicators (whose keys
 * name the event by an integer: the row id is always `events`').
 */
function cursorCondition(time: number, rowId: string, desc: boolean, table: 'events' | 'i' = 'events'): Expression<SqlBool> {
  const t = sql.ref(`${table}.event_time_ms`);
  const id = sql.ref('events.row_id');
  return desc ? sql<SqlBool>`${t} <= ${time} AND (${t} < ${time} OR ${id} < ${rowId})` : sql<SqlBool>`${t} >= ${time} AND (${t} > ${time} OR ${id} > ${rowId})`;
}

interface IndicatorFilter {
  kind: IndicatorKind;
  value: string;
}

/** The indicator filters of `query`, as the page writers key them, likely rarest first (an address before a network before a country). */
function indicatorFilters(query: Omit<EventQuery, 'limit'>): IndicatorFilter[] {
  const out: IndicatorFilter[] = [];
  if (query.email !== undefined) out.push({ kind: 'email', value: query.email.trim().toLowerCase() });
  if (query.ipAddress !== undefined) out.push({ kind: 'ip', value: query.ipAddress.trim().toLowerCase() });
  if (query.asn !== undefined) out.push({ kind: 'asn', value: String(query.asn) });
  if (query.country !== undefined) out.push({ kind: 'country', value: normalizeCountryCode(query.country) });
  return out;
}

/** The indicator whose keys a page is read from: the likely rarest of `query`'s. */
function drivingIndicator(query: Omit<EventQuery, 'limit'>): IndicatorFilter | undefined {
  return indicatorFilters(query)[0];
}

export function toStoredEvent(row: EventRow): StoredEvent {
  const logType = row.log_type as LogType;
  const event = expandStoredEvent(JSON.parse(row.event_json) as Record<string, unknown>, {
    logType,
    rowId: row.row_id,
    sourceId: row.source_id,
    storedAt: Number(row.stored_at),
  });
  return {
    rowId: row.row_id,
    sourceId: row.source_id,
    logType,
    day: row.day,
    eventTimeMs: Number(row.event_time_ms),
    storedAt: Number(row.stored_at),
    emails: stringList(event.p_any_emails),
    ipAddresses: stringList(event.p_any_ip_addresses),
    event,
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function toFailure(row: Selectable<ClassificationFailuresTable>): ClassificationFailure {
  return {
    rowId: row.row_id,
    sourceId: row.source_id,
    logType: row.log_type as LogType,
    day: row.day,
    raw: row.raw,
    reason: row.reason,
    field: row.field,
    failedAt: Number(row.failed_at),
  };
}
