import { sql, type Transaction } from 'kysely';
import { COVERAGE_LOG_TYPE, coverageDigest, coverageRecordId } from '../domain/coverage-digest.js';
import type { DayUpdate } from './store.js';
import type { StoreTables } from './store-tables.js';

type Trx = Transaction<StoreTables>;

const DAY_MS = 86_400_000;

interface DayRow {
  state: string;
  records: number | string;
  gained_after_complete: number | string;
}

async function dayRow(trx: Trx, sourceId: string, logType: string, day: string): Promise<DayRow | undefined> {
  const { rows } = await sql<DayRow>`SELECT state, records, gained_after_complete FROM day_coverage
    WHERE source_id = ${sourceId} AND log_type = ${logType} AND day = ${day}`.execute(trx);
  return rows[0];
}

/** Before the day updates: the days they set complete that are not complete yet (PostgreSQL; as SqliteCoverageOutbox). */
export async function daysBecomingComplete(trx: Trx, sourceId: string, logType: string, days: readonly DayUpdate[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of days) if (d.state === 'complete' && (await dayRow(trx, sourceId, logType, d.day))?.state !== 'complete') out.push(d.day);
  return out;
}

/**
 * After the day updates, in the same transaction: a coverage record (next
 * version) and its forward-log row for each of `days` that is complete now.
 * The day's coverage row was written (so locked) by this transaction, so two
 * writers cannot take the same version.
 */
export async function emitCoverageRecords(trx: Trx, sourceId: string, logType: string, days: Iterable<string>, now: number): Promise<void> {
  for (const day of [...new Set(days)].sort()) {
    const row = await dayRow(trx, sourceId, logType, day);
    if (row?.state !== 'complete') continue;
    const start = Date.parse(`${day}T00:00:00.000Z`);
    const { digest, count } = await digestOfDay(trx, sourceId, logType, start);
    const next = await sql<{ version: number | string }>`SELECT COALESCE(MAX(version), 0) + 1 AS version FROM coverage_records
      WHERE source_id = ${sourceId} AND log_type = ${logType} AND day = ${day}`.execute(trx);
    const version = Number(next.rows[0]?.version ?? 1);
    const id = coverageRecordId(sourceId, logType, day, version);
    await trx
      .insertInto('coverage_records')
      .values({
        id,
        source_id: sourceId,
        log_type: logType,
        day,
        version,
        state: row.state,
        event_count: count,
        records: Number(row.records),
        late_records: Number(row.gained_after_complete),
        digest,
        created_at: now,
      })
      .execute();
    await sql`INSERT INTO forward_log (source_id, log_type, row_ids, event_count, stored_at)
      VALUES (${sourceId}, ${COVERAGE_LOG_TYPE}, ${JSON.stringify([id])}, 1, ${now}::bigint)`.execute(trx);
  }
}

/**
 * The digest and number of a day's events, computed by PostgreSQL: the row ids sorted by byte
 * (collation "C"), joined by line feeds, SHA-256; nothing of the day comes to this process
 * (issue 14 section 3: a day's rows, their array, its sorted copy and their joined text were a
 * burst of memory at each day a backfill completes). Byte order is `coverageDigest`'s order for
 * ASCII row ids; a day with any other row id is digested by `coverageDigest` here.
 */
async function digestOfDay(trx: Trx, sourceId: string, logType: string, start: number): Promise<{ digest: string; count: number }> {
  const inDay = sql`source_id = ${sourceId} AND log_type = ${logType} AND event_time_ms >= ${start}::bigint AND event_time_ms < ${start + DAY_MS}::bigint`;
  const { rows } = await sql<{ count: number | string; ascii: boolean | null; digest: string }>`SELECT count(*) AS count,
      bool_and(octet_length(row_id) = char_length(row_id)) AS ascii,
      encode(sha256(convert_to(coalesce(string_agg(row_id, chr(10) ORDER BY row_id COLLATE "C"), ''), 'UTF8')), 'hex') AS digest
    FROM events WHERE ${inDay}`.execute(trx);
  const row = rows[0];
  if (row && row.ascii !== false) return { digest: row.digest, count: Number(row.count) };
  const ids = await sql<{ row_id: string }>`SELECT row_id FROM events WHERE ${inDay}`.execute(trx);
  return { digest: coverageDigest(ids.rows.map((r) => r.row_id)), count: ids.rows.length };
}
