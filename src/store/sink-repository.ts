import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { COVERAGE_LOG_TYPE } from '../domain/coverage-digest.js';
import type { Clock } from '../shared/clock.js';
import { EVENT_COLUMNS, toStoredEvent } from './event-reader.js';
import type { SecretBox } from './secret-box.js';
import { forwardLogHorizon } from './postgres-forward-log-horizon.js';
import { SinkCoverageRepository } from './sink-coverage-repository.js';
import type { NewSink, SinkAdvance, SinkPatch, SinkBatch, SinkCursor, SinkDeadLetter, SinkError, SinkRecord, SinkState } from './sink-store.js';
import { DuplicateSinkError, UnknownSinkError } from './store-errors.js';
import type { SinkCursorsTable, SinksTable, StoreTables } from './store-tables.js';
import type { StoredEvent } from './store.js';

/** Forward-log rows read per query when filling a batch. */
const LOG_ROWS_PER_READ = 200;
/** Row ids per `IN (...)` when fetching a batch's events. */
const EVENTS_PER_READ = 500;

/** One forward-log row as the reader sees it. */
interface LogRow {
  seq: number;
  xid: string;
  log_type: string;
  row_ids: string;
  event_count: number;
  stored_at: number;
}

/** Moves a cursor atomically (compare-and-set); per dialect (SQLite: a better-sqlite3 transaction on the writer's connection). */
export type SinkAdvancer = (sinkId: string, advance: SinkAdvance) => Promise<boolean>;

export function sinkSecretContext(sinkId: string): string {
  return `sinks/${sinkId}/secret`;
}

/**
 * Sinks, cursors and the forward log's reading, through Kysely.
 *
 * Reading order. SQLite has one writer, so `seq` order is commit order. On
 * PostgreSQL a transaction that took seq 10 may commit after one that took
 * seq 11: a cursor at 11 would then skip 10 for ever. So each row carries its
 * transaction's id (`xid`, xid8) and the reader (the transactional-outbox
 * rule) orders by `(xid, seq)` and reads only rows whose `xid` is below the
 * horizon of postgres-forward-log-horizon.ts: every writer of the log with a
 * smaller id has finished (committed or rolled back), so no row can appear
 * later before the cursor. Other transactions, in this database or another,
 * do not hold forwarding back.
 */
export class SinkRepository {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly advancer: SinkAdvancer,
  ) {}

  async createSink(input: NewSink): Promise<SinkRecord> {
    if (await this.getSink(input.name)) throw new DuplicateSinkError(input.name);
    const id = randomUUID();
    const now = this.clock.now();
    const start = input.start === 'now' ? await this.#logEnd() : typeof input.start === 'number' ? await this.sinkCursorAt(input.start) : { xid: '0', seq: 0 };
    // Two statements, not a Kysely transaction: on SQLite that would hold BEGIN across awaits on the page writer's connection.
    const row = await this.db
      .insertInto('sinks')
      .values({
        id,
        name: input.name,
        kind: input.kind,
        format: input.format,
        url: input.url,
        settings_json: JSON.stringify(input.settings),
        secret_sealed: input.secret === null ? null : this.box.seal(input.secret, sinkSecretContext(id)),
        filter_json: JSON.stringify({ logTypes: input.logTypes, fields: input.fieldFilters ?? [] }),
        paused: 0,
        created_at: now,
        updated_at: now,
        created_by: input.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.db
      .insertInto('sink_cursors')
      .values({
        sink_id: id,
        cursor_xid: start.xid,
        cursor_seq: start.seq,
        delivered_count: 0,
        failed_count: 0,
        consecutive_failures: 0,
        next_attempt_at: 0,
        last_error_json: null,
        last_delivered_at: null,
        delivered_stored_at: null,
        updated_at: now,
      })
      .execute();
    return toSinkRecord(row);
  }

  async getSink(idOrName: string): Promise<SinkRecord | undefined> {
    const row = await this.db
      .selectFrom('sinks')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .executeTakeFirst();
    return row ? toSinkRecord(row) : undefined;
  }

  async listSinks(): Promise<SinkRecord[]> {
    const rows = await this.db.selectFrom('sinks').selectAll().orderBy('name').execute();
    return rows.map(toSinkRecord);
  }

  async setSinkPaused(id: string, paused: boolean): Promise<SinkRecord> {
    const row = await this.db
      .updateTable('sinks')
      .set({ paused: paused ? 1 : 0, updated_at: this.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new UnknownSinkError(id);
    return toSinkRecord(row);
  }

  async updateSink(id: string, patch: SinkPatch): Promise<SinkRecord> {
    const current = await this.db.selectFrom('sinks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw new UnknownSinkError(id);
    if (patch.name !== undefined && patch.name !== current.name) {
      const other = await this.db.selectFrom('sinks').select('id').where('name', '=', patch.name).executeTakeFirst();
      if (other) throw new DuplicateSinkError(patch.name);
    }
    const filter = JSON.parse(current.filter_json) as { logTypes?: string[] | null; fields?: string[] };
    const row = await this.db
      .updateTable('sinks')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.format !== undefined ? { format: patch.format } : {}),
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.settings !== undefined ? { settings_json: JSON.stringify(patch.settings) } : {}),
        ...(patch.secret !== undefined ? { secret_sealed: patch.secret === null ? null : this.box.seal(patch.secret, sinkSecretContext(id)) } : {}),
        filter_json: JSON.stringify({
          logTypes: patch.logTypes !== undefined ? patch.logTypes : (filter.logTypes ?? null),
          fields: patch.fieldFilters ?? filter.fields ?? [],
        }),
        updated_at: this.clock.now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSinkRecord(row);
  }

  async removeSink(id: string): Promise<boolean> {
    // Three single-statement deletes, children first: a crash between them leaves at most an orphan cursor or dead letters of a removed sink.
    await this.db.deleteFrom('sink_dead_letters').where('sink_id', '=', id).execute();
    await this.db.deleteFrom('sink_cursors').where('sink_id', '=', id).execute();
    await this.db.deleteFrom('sink_leases').where('sink_id', '=', id).execute();
    const result = await this.db.deleteFrom('sinks').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getSinkSecret(id: string): Promise<string | null> {
    const row = await this.db.selectFrom('sinks').select('secret_sealed').where('id', '=', id).executeTakeFirst();
    if (!row) throw new UnknownSinkError(id);
    return row.secret_sealed === null ? null : this.box.open(row.secret_sealed, sinkSecretContext(id));
  }

  async getSinkState(id: string): Promise<SinkState> {
    const row = await this.db.selectFrom('sink_cursors').selectAll().where('sink_id', '=', id).executeTakeFirst();
    if (!row) throw new UnknownSinkError(id);
    return toSinkState(row);
  }

  async readSinkBatch(id: string, options: { maxEvents: number; logTypes?: readonly string[] | null }): Promise<SinkBatch> {
    const from = (await this.getSinkState(id)).cursor;
    const wanted = options.logTypes && options.logTypes.length > 0 ? new Set(options.logTypes) : null;
    let to = from;
    let lastStoredAt: number | null = null;
    const rowIds: string[] = [];
    const coverageIds: string[] = [];
    let counted = 0;
    reading: for (;;) {
      const rows = await this.#logRowsAfter(to, LOG_ROWS_PER_READ);
      for (const row of rows) {
        // A coverage row (migration 021) is taken whatever the filter; its stream is checked once read.
        const coverage = row.log_type === COVERAGE_LOG_TYPE;
        const take = coverage || wanted === null || wanted.has(row.log_type);
        if (take && counted > 0 && counted + row.event_count > options.maxEvents) break reading;
        to = { xid: row.xid, seq: row.seq };
        lastStoredAt = row.stored_at;
        if (take) {
          for (const rowId of JSON.parse(row.row_ids) as string[]) (coverage ? coverageIds : rowIds).push(rowId);
          counted += row.event_count;
        }
        if (counted >= options.maxEvents) break reading;
      }
      if (rows.length < LOG_ROWS_PER_READ) break;
    }
    const coverage = (await new SinkCoverageRepository(this.db, this.clock).coverageRecordsById(coverageIds)).filter((c) => wanted === null || wanted.has(c.logType));
    return { from, to, events: await this.#eventsInOrder(rowIds), lastStoredAt, coverage };
  }

  advanceSink(id: string, advance: SinkAdvance): Promise<boolean> {
    return this.advancer(id, advance);
  }

  async recordSinkFailure(id: string, failure: { error: SinkError; nextAttemptAt: number; now: number }): Promise<void> {
    await this.db
      .updateTable('sink_cursors')
      .set((eb) => ({
        consecutive_failures: eb('consecutive_failures', '+', 1),
        next_attempt_at: failure.nextAttemptAt,
        last_error_json: JSON.stringify(failure.error),
        updated_at: failure.now,
      }))
      .where('sink_id', '=', id)
      .execute();
  }

  async sinkBacklog(id: string): Promise<{ events: number; newestStoredAt: number | null; oldestPendingStoredAt: number | null }> {
    const { cursor } = await this.getSinkState(id);
    const after = this.dialect === 'postgres' ? sql`(xid, seq) > (${cursor.xid}::text::xid8, ${cursor.seq}::bigint)` : sql`seq > ${cursor.seq}`;
    const { rows } = await sql<{ events: number | string | null; oldest: number | string | null; newest: number | string | null }>`
      SELECT p.events, p.oldest, (SELECT MAX(stored_at) FROM forward_log) AS newest
      FROM (SELECT SUM(event_count) AS events, MIN(stored_at) AS oldest FROM forward_log WHERE ${after}) AS p`.execute(this.db);
    const row = rows[0];
    const time = (value: number | string | null | undefined) => (value === null || value === undefined ? null : Number(value));
    return { events: Number(row?.events ?? 0), newestStoredAt: time(row?.newest), oldestPendingStoredAt: time(row?.oldest) };
  }

  async listSinkDeadLetters(id: string, limit = 100): Promise<SinkDeadLetter[]> {
    const rows = await this.db.selectFrom('sink_dead_letters').selectAll().where('sink_id', '=', id).orderBy('failed_at').orderBy('row_id').limit(limit).execute();
    return rows.map((r) => ({ rowId: r.row_id, reason: r.reason, failedAt: Number(r.failed_at) }));
  }

  async removeSinkDeadLetters(id: string, rowIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (let i = 0; i < rowIds.length; i += EVENTS_PER_READ) {
      const result = await this.db
        .deleteFrom('sink_dead_letters')
        .where('sink_id', '=', id)
        .where('row_id', 'in', rowIds.slice(i, i + EVENTS_PER_READ))
        .executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    return removed;
  }

  async sinkCursorAt(storedAtMs: number): Promise<SinkCursor> {
    // The row before the first one (in reading order) stored at or after the time.
    const horizon = await this.#horizon();
    const { rows } =
      this.dialect === 'postgres'
        ? await sql<{ seq: string; xid: string }>`SELECT seq, xid::text AS xid FROM forward_log
            WHERE xid < ${horizon}::text::xid8 AND (xid, seq) < (
              SELECT xid, seq FROM forward_log WHERE xid < ${horizon}::text::xid8 AND stored_at >= ${storedAtMs}::bigint ORDER BY xid, seq LIMIT 1)
            ORDER BY xid DESC, seq DESC LIMIT 1`.execute(this.db)
        : await sql<{ seq: number; xid: string }>`SELECT seq, '0' AS xid FROM forward_log
            WHERE seq < (SELECT seq FROM forward_log WHERE stored_at >= ${storedAtMs} ORDER BY seq LIMIT 1) ORDER BY seq DESC LIMIT 1`.execute(this.db);
    const row = rows[0];
    if (row) return { xid: String(row.xid), seq: Number(row.seq) };
    const { rows: later } =
      this.dialect === 'postgres'
        ? await sql<{ n: string }>`SELECT COUNT(*) AS n FROM forward_log WHERE stored_at >= ${storedAtMs}::bigint`.execute(this.db)
        : await sql<{ n: number }>`SELECT COUNT(*) AS n FROM forward_log WHERE stored_at >= ${storedAtMs}`.execute(this.db);
    // Nothing before the first such row: the log's start; no such row at all: its end.
    return Number(later[0]?.n ?? 0) > 0 ? { xid: '0', seq: 0 } : this.#logEnd();
  }

  async moveSinkCursor(id: string, to: SinkCursor, now: number): Promise<void> {
    const result = await this.db
      .updateTable('sink_cursors')
      .set({ cursor_xid: to.xid, cursor_seq: to.seq, consecutive_failures: 0, next_attempt_at: 0, last_error_json: null, updated_at: now })
      .where('sink_id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new UnknownSinkError(id);
  }

  eventsByRowIds(rowIds: readonly string[]): Promise<StoredEvent[]> {
    return this.#eventsInOrder([...rowIds]);
  }

  async purgeForwardLog(options: { olderThanMs: number; noSinkOlderThanMs: number; limit: number }): Promise<number> {
    const cursors = await this.db.selectFrom('sink_cursors').select(['cursor_xid', 'cursor_seq']).execute();
    let condition;
    if (cursors.length === 0) {
      condition = sql`stored_at < ${options.noSinkOlderThanMs}`;
    } else if (this.dialect === 'postgres') {
      const lowest = cursors.map((c) => ({ xid: BigInt(c.cursor_xid), seq: Number(c.cursor_seq) })).sort((a, b) => (a.xid < b.xid ? -1 : a.xid > b.xid ? 1 : a.seq - b.seq))[0]!;
      condition = sql`stored_at < ${options.olderThanMs} AND (xid, seq) <= (${String(lowest.xid)}::text::xid8, ${lowest.seq}::bigint)`;
    } else {
      const lowest = Math.min(...cursors.map((c) => Number(c.cursor_seq)));
      condition = sql`stored_at < ${options.olderThanMs} AND seq <= ${lowest}`;
    }
    const result = await sql`DELETE FROM forward_log WHERE seq IN (SELECT seq FROM forward_log WHERE ${condition} ORDER BY seq LIMIT ${options.limit})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  /** The log's last committed row (a new sink's `now` start). */
  async #logEnd(): Promise<SinkCursor> {
    const horizon = await this.#horizon();
    const { rows } =
      this.dialect === 'postgres'
        ? await sql<{ seq: string; xid: string }>`SELECT seq, xid::text AS xid FROM forward_log
            WHERE xid < ${horizon}::text::xid8 ORDER BY xid DESC, seq DESC LIMIT 1`.execute(this.db)
        : await sql<{ seq: number; xid: string }>`SELECT seq, '0' AS xid FROM forward_log ORDER BY seq DESC LIMIT 1`.execute(this.db);
    const row = rows[0];
    return row ? { xid: String(row.xid), seq: Number(row.seq) } : { xid: '0', seq: 0 };
  }

  async #logRowsAfter(cursor: SinkCursor, limit: number): Promise<LogRow[]> {
    const horizon = await this.#horizon();
    const { rows } =
      this.dialect === 'postgres'
        ? await sql<LogRow>`SELECT seq, xid::text AS xid, log_type, row_ids, event_count, stored_at FROM forward_log
            WHERE xid < ${horizon}::text::xid8 AND (xid, seq) > (${cursor.xid}::text::xid8, ${cursor.seq}::bigint)
            ORDER BY xid, seq LIMIT ${limit}`.execute(this.db)
        : await sql<LogRow>`SELECT seq, '0' AS xid, log_type, row_ids, event_count, stored_at FROM forward_log
            WHERE seq > ${cursor.seq} ORDER BY seq LIMIT ${limit}`.execute(this.db);
    return rows.map((r) => ({ ...r, seq: Number(r.seq), xid: String(r.xid), event_count: Number(r.event_count), stored_at: Number(r.stored_at) }));
  }

  /** PostgreSQL: see postgres-forward-log-horizon.ts. SQLite has one writer: no horizon. */
  #horizon(): Promise<string> {
    return this.dialect === 'postgres' ? forwardLogHorizon(this.db) : Promise.resolve('0');
  }

  /** The events of `rowIds` still stored, in that order. */
  async #eventsInOrder(rowIds: string[]): Promise<StoredEvent[]> {
    const byId = new Map<string, StoredEvent>();
    for (let i = 0; i < rowIds.length; i += EVENTS_PER_READ) {
      const rows = await this.db
        .selectFrom('events')
        .select(EVENT_COLUMNS)
        .where('row_id', 'in', rowIds.slice(i, i + EVENTS_PER_READ))
        .execute();
      for (const row of rows) byId.set(row.row_id, toStoredEvent(row));
    }
    const out: StoredEvent[] = [];
    for (const rowId of rowIds) {
      const event = byId.get(rowId);
      if (event) out.push(event);
    }
    return out;
  }
}

/** PostgreSQL's advance: one transaction; the UPDATE's WHERE on the cursor is the compare-and-set (it waits on a concurrent one's row lock). */
export function postgresSinkAdvancer(db: Kysely<StoreTables>): SinkAdvancer {
  return (sinkId, advance) =>
    db.transaction().execute(async (trx) => {
      const result = await sql`UPDATE sink_cursors SET cursor_xid = ${advance.to.xid}::bigint, cursor_seq = ${advance.to.seq}::bigint,
          delivered_count = delivered_count + ${advance.delivered}::bigint, failed_count = failed_count + ${advance.deadLetters.length}::bigint,
          consecutive_failures = 0, next_attempt_at = 0, last_error_json = NULL,
          last_delivered_at = CASE WHEN ${advance.delivered}::bigint > 0 THEN ${advance.now}::bigint ELSE last_delivered_at END,
          delivered_stored_at = COALESCE(${advance.storedAt}::bigint, delivered_stored_at), updated_at = ${advance.now}::bigint
        WHERE sink_id = ${sinkId} AND cursor_xid = ${advance.from.xid}::bigint AND cursor_seq = ${advance.from.seq}::bigint`.execute(trx);
      if (Number(result.numAffectedRows ?? 0) !== 1) return false;
      for (const letter of advance.deadLetters) {
        await trx
          .insertInto('sink_dead_letters')
          .values({ sink_id: sinkId, row_id: letter.rowId, reason: letter.reason, failed_at: advance.now })
          .onConflict((oc) => oc.columns(['sink_id', 'row_id']).doUpdateSet({ reason: letter.reason, failed_at: advance.now }))
          .execute();
      }
      return true;
    });
}

function toSinkRecord(row: Selectable<SinksTable>): SinkRecord {
  const filter = JSON.parse(row.filter_json) as { logTypes?: string[] | null; fields?: string[] };
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    format: row.format,
    url: row.url,
    settings: JSON.parse(row.settings_json) as Record<string, unknown>,
    hasSecret: row.secret_sealed !== null,
    logTypes: filter.logTypes ?? null,
    fieldFilters: filter.fields ?? [],
    paused: Number(row.paused) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    createdBy: row.created_by,
  };
}

function toSinkState(row: Selectable<SinkCursorsTable>): SinkState {
  return {
    cursor: { xid: String(row.cursor_xid), seq: Number(row.cursor_seq) },
    deliveredCount: Number(row.delivered_count),
    failedCount: Number(row.failed_count),
    consecutiveFailures: Number(row.consecutive_failures),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error_json === null ? null : (JSON.parse(row.last_error_json) as SinkError),
    lastDeliveredAt: row.last_delivered_at === null ? null : Number(row.last_delivered_at),
    deliveredStoredAt: row.delivered_stored_at === null ? null : Number(row.delivered_stored_at),
    updatedAt: Number(row.updated_at),
  };
}
