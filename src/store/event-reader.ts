import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { LogType } from '../zoom/report-records.js';
import { containsPattern, eventSqlFor, type EventSql, type StoreDialectKind } from './event-sql.js';
import type { ClassificationFailure, EventQuery, FailureQuery, StoredEvent } from './store.js';
import type { ClassificationFailuresTable, EventsTable, StoreTables } from './store-tables.js';

/** Rows read per query while streaming events or failures out. */
export const DEFAULT_QUERY_BATCH_SIZE = 1000;

type EventsQuery = SelectQueryBuilder<StoreTables, 'events', object>;
type FailuresQuery = SelectQueryBuilder<StoreTables, 'classification_failures', object>;

/**
 * Reads events and classification failures back through Kysely
 * (dialect-neutral). Streams use keyset paging, `batchSize` rows per query,
 * so exporting millions of rows never holds more than one batch.
 */
export class EventReader {
  private readonly sql: EventSql;

  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly batchSize = DEFAULT_QUERY_BATCH_SIZE,
    /** The store's dialect (`Store.kind`): picks the JSON and bucketing SQL (event-sql.ts). */
    dialect: StoreDialectKind = 'sqlite',
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    this.sql = eventSqlFor(dialect);
  }

  /** Events matching `query` in (event time, row id) order, ascending unless `order` is `desc`. */
  async *events(query: EventQuery): AsyncIterable<StoredEvent> {
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    const desc = query.order === 'desc';
    let after: { time: number; rowId: string } | undefined = query.after ? { time: query.after.eventTimeMs, rowId: query.after.rowId } : undefined;
    while (remaining > 0) {
      let q = this.filterEvents(this.db.selectFrom('events').selectAll('events'), query);
      if (after) {
        const { time, rowId } = after;
        // `time >= t AND (time > t OR row_id > id)` (mirrored for desc): the first term lets the index seek to the cursor.
        q = desc
          ? q.where('event_time_ms', '<=', time).where((eb) => eb.or([eb('event_time_ms', '<', time), eb('row_id', '<', rowId)]))
          : q.where('event_time_ms', '>=', time).where((eb) => eb.or([eb('event_time_ms', '>', time), eb('row_id', '>', rowId)]));
      }
      const size = Math.min(this.batchSize, remaining);
      const direction = desc ? 'desc' : 'asc';
      const rows = await q.orderBy('event_time_ms', direction).orderBy('row_id', direction).limit(size).execute();
      for (const row of rows) yield toStoredEvent(row);
      remaining -= rows.length;
      const last = rows.at(-1);
      if (!last || rows.length < size) return;
      after = { time: Number(last.event_time_ms), rowId: last.row_id };
    }
  }

  async countEvents(query: Omit<EventQuery, 'limit'>): Promise<number> {
    const row = await this.filterEvents(this.db.selectFrom('events'), query)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async getEvent(rowId: string): Promise<StoredEvent | undefined> {
    const row = await this.db.selectFrom('events').selectAll().where('row_id', '=', rowId).executeTakeFirst();
    return row ? toStoredEvent(row) : undefined;
  }

  /** See Store.eventHistogram. */
  async histogram(query: Omit<EventQuery, 'limit' | 'order' | 'after'>, fromMs: number, toMs: number, bucketMs: number): Promise<number[]> {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) throw new RangeError('the histogram needs fromMs < toMs');
    if (!Number.isInteger(bucketMs) || bucketMs < 1) throw new RangeError('bucketMs must be a positive integer');
    const counts = new Array<number>(Math.ceil((toMs - fromMs) / bucketMs)).fill(0);
    const bucket = this.sql.bucketIndex('events.event_time_ms', fromMs, bucketMs);
    const rows = await this.filterEvents(this.db.selectFrom('events'), query)
      .where('events.event_time_ms', '>=', fromMs)
      .where('events.event_time_ms', '<', toMs)
      .select([bucket.as('bucket'), (eb) => eb.fn.countAll().as('n')])
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

  private filterEvents<Q extends EventsQuery>(q: Q, query: Omit<EventQuery, 'limit'>): Q {
    let out: EventsQuery = q;
    if (query.sourceId !== undefined) out = out.where('events.source_id', '=', query.sourceId);
    if (query.logType !== undefined) out = out.where('events.log_type', '=', query.logType);
    if (query.sinceMs !== undefined) out = out.where('events.event_time_ms', '>=', query.sinceMs);
    if (query.untilMs !== undefined) out = out.where('events.event_time_ms', '<', query.untilMs);
    if (query.email !== undefined) out = out.where('events.row_id', 'in', this.indicatorRows('email', query.email.trim().toLowerCase()));
    if (query.ipAddress !== undefined) out = out.where('events.row_id', 'in', this.indicatorRows('ip', query.ipAddress.trim().toLowerCase()));
    const json = (field: string) => this.sql.jsonText('events.event_json', field);
    if (query.categoryType !== undefined) out = out.where((eb) => eb(eb.fn('lower', [json('category_type')]), '=', query.categoryType!.trim().toLowerCase()));
    if (query.action !== undefined) out = out.where((eb) => eb(eb.fn('lower', [json('action')]), '=', query.action!.trim().toLowerCase()));
    if (query.detailText !== undefined) {
      const pattern = containsPattern(query.detailText);
      out = out.where(sql<boolean>`lower(${json('operation_detail')}) like ${pattern} escape '\\'`);
    }
    if (query.changeName !== undefined) out = out.where(this.sql.changeNameLike('events.event_json', containsPattern(query.changeName)));
    return out as Q;
  }

  private indicatorRows(kind: 'email' | 'ip', value: string) {
    return this.db.selectFrom('event_indicators').select('event_indicators.row_id').where('kind', '=', kind).where('value', '=', value);
  }

  private filterFailures<Q extends FailuresQuery>(q: Q, query: Omit<FailureQuery, 'limit'>): Q {
    let out: FailuresQuery = q;
    if (query.sourceId !== undefined) out = out.where('source_id', '=', query.sourceId);
    if (query.logType !== undefined) out = out.where('log_type', '=', query.logType);
    return out as Q;
  }
}

export function toStoredEvent(row: Selectable<EventsTable>): StoredEvent {
  const event = JSON.parse(row.event_json) as Record<string, unknown>;
  return {
    rowId: row.row_id,
    sourceId: row.source_id,
    logType: row.log_type as LogType,
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
