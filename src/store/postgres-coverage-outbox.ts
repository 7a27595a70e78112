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
    const ids = await sql<{ row_id: string }>`SELECT row_id FROM events
      WHERE source_id = ${sourceId} AND log_type = ${logType} AND event_time_ms >= ${start}::bigint AND event_time_ms < ${start + DAY_MS}::bigint`.execute(trx);
    const rowIds = ids.rows.map((r) => r.row_id);
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
        event_count: rowIds.length,
        records: Number(row.records),
        late_records: Number(row.gained_after_complete),
        digest: coverageDigest(rowIds),
        created_at: now,
      })
      .execute();
    await sql`INSERT INTO forward_log (source_id, log_type, row_ids, event_count, stored_at)
      VALUES (${sourceId}, ${COVERAGE_LOG_TYPE}, ${JSON.stringify([id])}, 1, ${now}::bigint)`.execute(trx);
  }
}
