import { sql, type Kysely, type Transaction } from 'kysely';
import { enrichmentIndicatorKeys } from '../domain/ip-location.js';
import { historyIndexOf, type SignInFact } from '../domain/sign-in-facts.js';
import type { LogType } from '../zoom/report-records.js';
import { searchedChangeNames } from './event-change-names.js';
import { hourOf } from './event-hour-counts.js';
import { indicatorKindCode, type IndicatorKind } from './indicator-kind-codes.js';
import { storedEventJson } from './stored-event-json.js';
import { daysBecomingComplete, emitCoverageRecords } from './postgres-coverage-outbox.js';
import { lockForForwardLogWrite } from './postgres-forward-log-horizon.js';
import { withRetry } from './postgres-transaction.js';
import { daysOfPage, withoutPurgedDays } from './purged-days.js';
import { LeaseLostError, UnknownSourceError } from './store-errors.js';
import type { DayUpdate, Fence, PageCommit, PageCommitResult, StreamUpdate } from './store.js';
import type { BigIntColumn, StoreTables } from './store-tables.js';

type Trx = Transaction<StoreTables>;

/** Rows per multi-row statement (each statement binds one array per column, so there is no parameter limit; this bounds statement size). */
export const POSTGRES_CHUNK_ROWS = 1000;

/** Stream fields: [StreamUpdate key, column, default for a new row] (as SqlitePageWriter's). */
const STREAM_FIELDS = [
  ['newestEventTimeMs', 'newest_event_time_ms', null],
  ['lastPollAt', 'last_poll_at', null],
  ['lastSuccessAt', 'last_success_at', null],
  ['readingWindow', 'reading_window', null],
  ['readingPages', 'reading_pages', 0],
  ['lastError', 'last_error_json', null],
  ['consecutiveFailures', 'consecutive_failures', 0],
  ['nextAttemptAt', 'next_attempt_at', null],
] as const satisfies ReadonlyArray<readonly [keyof StreamUpdate, string, 0 | null]>;

/**
 * PostgreSQL's write path for collected data: `commitPage` (the hot path) and
 * `updateStream`, each one transaction through Kysely. Rows go in as
 * multi-row statements (`INSERT ... SELECT FROM unnest($1::text[], ...)`, one
 * array parameter per column, 1000 rows a statement).
 *
 * Safe with several processes on one database: the source row is locked
 * `FOR SHARE` (a concurrent removal waits, and a commit after a removal gets
 * UnknownSourceError); events and failures are inserted in row-id order with
 * `ON CONFLICT DO NOTHING RETURNING row_id, id`, so of two transactions inserting
 * the same id one waits for the other and only one gets the id back
 * (`insertedEventIds` disjoint; `id`, migration 035, is what the new events'
 * indicator keys name them by, with no lookup), and overlapping pages lock in one order (no
 * deadlock); day records are added with one upsert in day order whose
 * `RETURNING state` is the state before (the upsert never changes the state,
 * and it works on the latest committed row). Deadlocks and serialization
 * failures, should they still happen, retry the whole transaction.
 */
export class PostgresPageWriter {
  constructor(private readonly db: Kysely<StoreTables>) {}

  /** One page, atomically; `now` is the stored-at / updated-at time. Throws UnknownSourceError. */
  commitPage(commit: PageCommit, now: number): Promise<PageCommitResult> {
    return withRetry(() =>
      this.db.transaction().execute(async (trx) => {
        await lockForForwardLogWrite(trx);
        return this.#commitPage(trx, commit, now);
      }),
    );
  }

  /** A stream outcome without data (and day updates), atomically. Throws UnknownSourceError. */
  updateStream(sourceId: string, logType: LogType, update: StreamUpdate, days: DayUpdate[], now: number, fence?: Fence): Promise<void> {
    return withRetry(() =>
      this.db.transaction().execute(async (trx) => {
        await lockForForwardLogWrite(trx);
        await requireSource(trx, sourceId);
        await checkFence(trx, sourceId, fence);
        const becoming = await daysBecomingComplete(trx, sourceId, logType, days);
        for (const day of sortedDays(days)) await applyDayUpdate(trx, sourceId, logType, day, now);
        await emitCoverageRecords(trx, sourceId, logType, becoming, now);
        await applyStreamUpdate(trx, sourceId, logType, update);
      }),
    );
  }

  async #commitPage(trx: Trx, given: PageCommit, now: number): Promise<PageCommitResult> {
    const { sourceId, logType } = given;
    await requireSource(trx, sourceId);
    await checkFence(trx, sourceId, given.fence);
    const commit = withoutPurgedDays(given, await purgedDays(trx, sourceId, logType, daysOfPage(given)));

    // Events: first occurrence of an id in the page wins (as SQLite's row-by-row insert), then row-id order for the locks.
    const byId = new Map<string, PageCommit['events'][number]>();
    for (const row of commit.events) if (!byId.has(row.rowId)) byId.set(row.rowId, row);
    const sorted = [...byId.values()].sort((a, b) => compare(a.rowId, b.rowId));
    // Each new event's `events.id` (migration 035), which its indicator keys name it by; as the driver returns a
    // bigint (text), passed back as it came (a ::bigint[] parameter).
    const inserted = new Map<string, BigIntColumn>();
    for (let i = 0; i < sorted.length; i += POSTGRES_CHUNK_ROWS) {
      const chunk = sorted.slice(i, i + POSTGRES_CHUNK_ROWS);
      const result = await sql<{ row_id: string; id: BigIntColumn }>`
        INSERT INTO events (row_id, source_id, log_type, day, event_time_ms, stored_at, event_json, change_names)
        SELECT r.row_id, ${sourceId}, ${logType}, r.day, r.event_time_ms, ${now}::bigint, r.event_json, r.change_names
        FROM unnest(${chunk.map((r) => r.rowId)}::text[], ${chunk.map((r) => r.day)}::text[],
                    ${chunk.map((r) => r.eventTimeMs)}::bigint[], ${chunk.map((r) => storedEventJson(r, sourceId, logType, now))}::text[],
                    ${chunk.map((r) => searchedChangeNames(r.event))}::text[])
             AS r(row_id, day, event_time_ms, event_json, change_names)
        ON CONFLICT (row_id) DO NOTHING
        RETURNING row_id, id`.execute(trx);
      for (const { row_id, id } of result.rows) inserted.set(row_id, id);
    }

    const insertedEventIds: string[] = [];
    const insertedPerDay = new Map<string, number>();
    const queued: string[] = [];
    const insertedPerHour = new Map<number, number>();
    const indicators: { timeMs: number[]; eventId: BigIntColumn[]; kind: number[]; value: string[] } = { timeMs: [], eventId: [], kind: [], value: [] };
    const signIns: SignInFact[] = [];
    const historyQueued: PageCommit['events'][number][] = [];
    for (const row of commit.events) {
      const eventId = inserted.get(row.rowId);
      if (eventId === undefined) continue; // not new, or a repeat within the page
      inserted.delete(row.rowId);
      insertedEventIds.push(row.rowId);
      queued.push(row.rowId);
      const history = historyIndexOf(logType, row.rowId, row.eventTimeMs, row.event);
      if (history.fact) signIns.push(history.fact);
      if (history.queued) historyQueued.push(row);
      insertedPerDay.set(row.day, (insertedPerDay.get(row.day) ?? 0) + 1);
      const hour = hourOf(row.eventTimeMs);
      insertedPerHour.set(hour, (insertedPerHour.get(hour) ?? 0) + 1);
      const seen = new Set<string>();
      const add = (kind: IndicatorKind, value: string) => {
        const key = `${kind}\u0000${value}`;
        if (seen.has(key)) return;
        seen.add(key);
        indicators.timeMs.push(row.eventTimeMs);
        indicators.eventId.push(eventId);
        indicators.kind.push(indicatorKindCode(kind));
        indicators.value.push(value);
      };
      for (const email of row.emails) add('email', email.toLowerCase());
      for (const ip of row.ipAddresses) add('ip', ip.toLowerCase());
      for (const { kind, value } of enrichmentIndicatorKeys(row.event)) add(kind, value);
    }

    for (let i = 0; i < indicators.eventId.length; i += POSTGRES_CHUNK_ROWS * 2) {
      const end = i + POSTGRES_CHUNK_ROWS * 2;
      await sql`
        INSERT INTO event_indicators (event_time_ms, event_id, kind, value)
        SELECT * FROM unnest(${indicators.timeMs.slice(i, end)}::bigint[], ${indicators.eventId.slice(i, end)}::bigint[], ${indicators.kind.slice(i, end)}::smallint[], ${indicators.value.slice(i, end)}::text[])
        ON CONFLICT DO NOTHING`.execute(trx);
    }
    if (insertedPerHour.size > 0) {
      // Hour order: one lock order for concurrent commits. The DELETE trigger of migration 007 takes them off.
      const hours = [...insertedPerHour.keys()].sort((a, b) => a - b);
      await sql`
        INSERT INTO event_hour_counts (hour_ms, source_id, log_type, event_count)
        SELECT h.hour_ms, ${sourceId}, ${logType}, h.n FROM unnest(${hours}::bigint[], ${hours.map((h) => insertedPerHour.get(h)!)}::bigint[]) AS h(hour_ms, n)
        ON CONFLICT (hour_ms, source_id, log_type) DO UPDATE SET event_count = event_hour_counts.event_count + excluded.event_count`.execute(trx);
    }
    if (insertedEventIds.length > 0) {
      // The forward log (migration 016); `xid` defaults to this transaction's id.
      await sql`INSERT INTO forward_log (source_id, log_type, row_ids, event_count, stored_at)
        VALUES (${sourceId}, ${logType}, ${JSON.stringify(insertedEventIds)}, ${insertedEventIds.length}, ${now}::bigint)`.execute(trx);
    }
    for (let i = 0; i < queued.length; i += POSTGRES_CHUNK_ROWS) {
      await sql`
        INSERT INTO detection_pending (row_id, queued_at)
        SELECT r.row_id, ${now}::bigint FROM unnest(${queued.slice(i, i + POSTGRES_CHUNK_ROWS)}::text[]) AS r(row_id)
        ON CONFLICT (row_id) DO NOTHING`.execute(trx);
    }

    for (let i = 0; i < signIns.length; i += POSTGRES_CHUNK_ROWS) {
      const chunk = signIns.slice(i, i + POSTGRES_CHUNK_ROWS);
      await sql`
        INSERT INTO sign_ins (row_id, source_id, user_key, event_time_ms, ip, country, asn, lat, lng, accuracy_km)
        SELECT r.row_id, ${sourceId}, r.user_key, r.event_time_ms, r.ip, r.country, r.asn, r.lat, r.lng, r.accuracy_km
        FROM unnest(${chunk.map((f) => f.rowId)}::text[], ${chunk.map((f) => f.user)}::text[], ${chunk.map((f) => f.timeMs)}::bigint[],
                    ${chunk.map((f) => f.ip)}::text[], ${chunk.map((f) => f.country)}::text[], ${chunk.map((f) => f.asn)}::bigint[],
                    ${chunk.map((f) => f.lat)}::double precision[], ${chunk.map((f) => f.lng)}::double precision[], ${chunk.map((f) => f.accuracyKm)}::double precision[])
             AS r(row_id, user_key, event_time_ms, ip, country, asn, lat, lng, accuracy_km)
        ON CONFLICT (row_id) DO NOTHING`.execute(trx);
    }
    for (let i = 0; i < historyQueued.length; i += POSTGRES_CHUNK_ROWS) {
      const chunk = historyQueued.slice(i, i + POSTGRES_CHUNK_ROWS);
      await sql`
        INSERT INTO history_pending (row_id, source_id, log_type, day, event_time_ms)
        SELECT r.row_id, ${sourceId}, ${logType}, r.day, r.event_time_ms
        FROM unnest(${chunk.map((r) => r.rowId)}::text[], ${chunk.map((r) => r.day)}::text[], ${chunk.map((r) => r.eventTimeMs)}::bigint[]) AS r(row_id, day, event_time_ms)
        ON CONFLICT (row_id) DO NOTHING`.execute(trx);
    }

    let insertedFailures = 0;
    const failuresById = new Map<string, PageCommit['failures'][number]>();
    for (const f of commit.failures) if (!failuresById.has(f.rowId)) failuresById.set(f.rowId, f);
    const failures = [...failuresById.values()].sort((a, b) => compare(a.rowId, b.rowId));
    for (let i = 0; i < failures.length; i += POSTGRES_CHUNK_ROWS) {
      const chunk = failures.slice(i, i + POSTGRES_CHUNK_ROWS);
      const result = await sql<{ day: string }>`
        INSERT INTO classification_failures (row_id, source_id, log_type, day, raw, reason, field, failed_at)
        SELECT r.row_id, ${sourceId}, ${logType}, r.day, r.raw, r.reason, r.field, r.failed_at
        FROM unnest(${chunk.map((f) => f.rowId)}::text[], ${chunk.map((f) => f.day)}::text[], ${chunk.map((f) => f.raw)}::text[],
                    ${chunk.map((f) => f.reason)}::text[], ${chunk.map((f) => f.field)}::text[], ${chunk.map((f) => f.failedAt)}::bigint[])
             AS r(row_id, day, raw, reason, field, failed_at)
        ON CONFLICT (row_id) DO NOTHING
        RETURNING day`.execute(trx);
      for (const { day } of result.rows) {
        insertedFailures++;
        insertedPerDay.set(day, (insertedPerDay.get(day) ?? 0) + 1);
      }
    }

    const gainedAfterComplete = new Map<string, number>();
    if (insertedPerDay.size > 0) {
      const days = [...insertedPerDay.keys()].sort(compare);
      // RETURNING gives the row after the upsert; the upsert leaves `state` alone, so it is the state before
      // (a new row starts `open`). ON CONFLICT works on the latest committed version of the row, under its lock.
      const result = await sql<{ day: string; state: string }>`
        INSERT INTO day_coverage (source_id, log_type, day, records, state, ambiguous, gained_after_complete, updated_at)
        SELECT ${sourceId}, ${logType}, d.day, d.records, 'open', 0, 0, ${now}::bigint
        FROM unnest(${days}::text[], ${days.map((d) => insertedPerDay.get(d)!)}::integer[]) AS d(day, records)
        ON CONFLICT (source_id, log_type, day) DO UPDATE SET
          records = day_coverage.records + excluded.records,
          gained_after_complete = day_coverage.gained_after_complete
            + CASE WHEN day_coverage.state = 'complete' THEN excluded.records ELSE 0 END,
          updated_at = excluded.updated_at
        RETURNING day, state`.execute(trx);
      for (const { day, state } of result.rows) if (state === 'complete') gainedAfterComplete.set(day, insertedPerDay.get(day)!);
    }
    const becoming = await daysBecomingComplete(trx, sourceId, logType, commit.days);
    for (const day of sortedDays(commit.days)) await applyDayUpdate(trx, sourceId, logType, day, now);
    // After the page's events and forward-log row: the days' coverage records (migration 021).
    await emitCoverageRecords(trx, sourceId, logType, [...becoming, ...gainedAfterComplete.keys()], now);
    await applyStreamUpdate(trx, sourceId, logType, commit.stream);

    return { insertedEventIds, insertedFailures, insertedPerDay, gainedAfterComplete };
  }
}

/**
 * The writer's lease must still be the source's: read `FOR SHARE`, so an
 * instance taking the lease over (an UPDATE of that row) waits until this
 * commit is done, and every commit is either before the takeover or refused.
 */
async function checkFence(trx: Trx, sourceId: string, fence: Fence | undefined): Promise<void> {
  if (!fence) return;
  const lease = await trx.selectFrom('source_leases').select(['owner', 'token']).where('source_id', '=', sourceId).forShare().executeTakeFirst();
  if (!lease || lease.owner !== fence.owner || Number(lease.token) !== fence.token) throw new LeaseLostError(sourceId, fence.token);
}

/** Locks the source row against removal for the transaction; UnknownSourceError when it does not exist. */
async function requireSource(trx: Trx, sourceId: string): Promise<void> {
  const row = await trx.selectFrom('sources').select('id').where('id', '=', sourceId).forShare().executeTakeFirst();
  if (!row) throw new UnknownSourceError(sourceId);
}

/** The days of `days` retention purged for the stream: their records are not stored again. */
async function purgedDays(trx: Trx, sourceId: string, logType: LogType, days: string[]): Promise<Set<string>> {
  if (days.length === 0) return new Set();
  const { rows } = await sql<{ day: string }>`SELECT day FROM day_coverage
    WHERE source_id = ${sourceId} AND log_type = ${logType} AND day = ANY(${days}::text[]) AND state = 'purged'`.execute(trx);
  return new Set(rows.map((row) => row.day));
}

/** A DayUpdate: the row is created if absent; only the fields given change (and `updated_at`); a purged day stays purged. */
async function applyDayUpdate(trx: Trx, sourceId: string, logType: LogType, update: DayUpdate, now: number): Promise<void> {
  const set: Record<string, unknown> = { updated_at: now };
  if (update.lastFullReadAt !== undefined) set.last_full_read_at = update.lastFullReadAt;
  if (update.state !== undefined) set.state = sql`CASE WHEN day_coverage.state = 'purged' THEN day_coverage.state ELSE excluded.state END`;
  if (update.ambiguous !== undefined) set.ambiguous = booleanParam(update.ambiguous);
  if (update.lastError !== undefined) set.last_error = update.lastError;
  await trx
    .insertInto('day_coverage')
    .values({
      source_id: sourceId,
      log_type: logType,
      day: update.day,
      records: 0,
      last_full_read_at: update.lastFullReadAt ?? null,
      state: update.state ?? 'open',
      ambiguous: update.ambiguous === undefined ? 0 : (booleanParam(update.ambiguous) as number),
      gained_after_complete: 0,
      last_error: update.lastError ?? null,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['source_id', 'log_type', 'day']).doUpdateSet(set))
    .execute();
}

/** A StreamUpdate: the row is created if absent (defaults for the fields not given); only the fields given change. */
async function applyStreamUpdate(trx: Trx, sourceId: string, logType: LogType, update: StreamUpdate): Promise<void> {
  const values: Record<string, unknown> = { source_id: sourceId, log_type: logType };
  const set: Record<string, unknown> = {};
  for (const [key, column, fallback] of STREAM_FIELDS) {
    const value = update[key];
    const stored = value === undefined ? fallback : key === 'lastError' && value !== null ? JSON.stringify(value) : value;
    values[column] = stored;
    if (value !== undefined) set[column] = stored;
  }
  await trx
    .insertInto('streams')
    .values(values as never)
    .onConflict((oc) => {
      const target = oc.columns(['source_id', 'log_type']);
      return Object.keys(set).length === 0 ? target.doNothing() : target.doUpdateSet(set);
    })
    .execute();
}

/** Day updates in day order (one lock order for concurrent commits); a later update of the same day still applies after an earlier one. */
function sortedDays(days: readonly DayUpdate[]): DayUpdate[] {
  return days
    .map((d, i) => ({ d, i }))
    .sort((a, b) => compare(a.d.day, b.d.day) || a.i - b.i)
    .map(({ d }) => d);
}

/** One fixed order (UTF-16 code units) for every process, so concurrent transactions take row locks in the same order. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A boolean as stored (0/1); other values pass through so the database rejects them. */
function booleanParam(value: unknown): unknown {
  return value === true ? 1 : value === false ? 0 : value;
}
