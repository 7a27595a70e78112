import { sql, type Kysely } from 'kysely';
import { dayStartMs } from '../domain/utc-days.js';
import type { LogType } from '../zoom/report-records.js';
import { withRetry } from './postgres-transaction.js';
import { indicatorKindCode } from './indicator-kind-codes.js';
import { indicatorKeys } from './purged-days.js';
import { storedIndicatorLists } from './stored-event-json.js';
import type { PurgeBatch } from './retention-store.js';
import type { StoreTables } from './store-tables.js';

/**
 * PostgreSQL's `purgeBefore`: one transaction per batch. Rows are picked
 * `FOR UPDATE SKIP LOCKED`, so instances purging at the same time take
 * different rows and never wait on each other or on a commit. Space: plain
 * DELETE; autovacuum makes the dead rows' space reusable by new rows.
 */
export function purgePostgresBefore(db: Kysely<StoreTables>, logType: LogType, beforeDay: string, limit: number, now: number): Promise<PurgeBatch> {
  if (!Number.isInteger(limit) || limit < 1) return Promise.reject(new RangeError('limit must be a positive integer'));
  return withRetry(() =>
    db.transaction().execute(async (trx) => {
      const marked = await sql`UPDATE day_coverage SET state = 'purged', updated_at = ${now}::bigint
        WHERE log_type = ${logType} AND day < ${beforeDay} AND state <> 'purged'`.execute(trx);
      const days = Number(marked.numAffectedRows ?? 0);

      const { rows } = await sql<{ id: string; row_id: string; source_id: string; log_type: string; event_time_ms: string; stored_at: string; event_json: string }>`
        SELECT id, row_id, source_id, log_type, event_time_ms, stored_at, event_json
        FROM events WHERE log_type = ${logType} AND event_time_ms < ${dayStartMs(beforeDay)}::bigint
        LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(trx);
      if (rows.length > 0) {
        const ids = rows.map((row) => row.row_id);
        const keys = { kind: [] as number[], value: [] as string[], timeMs: [] as string[], eventId: [] as string[] };
        for (const row of rows) {
          const { emails, ips, enrichment } = storedIndicatorLists(row);
          for (const { kind, value } of indicatorKeys(emails, ips, enrichment)) {
            keys.kind.push(indicatorKindCode(kind));
            keys.value.push(value);
            keys.timeMs.push(row.event_time_ms);
            keys.eventId.push(row.id);
          }
        }
        // By the whole primary key (kind as its code, value, event time, event id): event_indicators has no index by
        // event (see 001-initial.ts, 017-indicator-time.ts, 035-postgres-indicators-by-event-id.ts).
        await sql`DELETE FROM event_indicators i USING unnest(${keys.kind}::smallint[], ${keys.value}::text[], ${keys.timeMs}::bigint[], ${keys.eventId}::bigint[]) AS d(kind, value, event_time_ms, event_id)
          WHERE i.kind = d.kind AND i.value = d.value AND i.event_time_ms = d.event_time_ms AND i.event_id = d.event_id`.execute(trx);
        await sql`DELETE FROM detection_pending WHERE row_id = ANY(${ids}::text[])`.execute(trx);
        await sql`DELETE FROM events WHERE row_id = ANY(${ids}::text[])`.execute(trx);
      }

      let failures = 0;
      if (rows.length < limit) {
        const deleted = await sql`DELETE FROM classification_failures WHERE row_id IN (
          SELECT row_id FROM classification_failures WHERE log_type = ${logType} AND day < ${beforeDay}
          LIMIT ${limit - rows.length} FOR UPDATE SKIP LOCKED)`.execute(trx);
        failures = Number(deleted.numAffectedRows ?? 0);
      }
      return { events: rows.length, failures, days, done: rows.length + failures < limit };
    }),
  );
}
