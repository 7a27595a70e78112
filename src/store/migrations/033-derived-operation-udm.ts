import { sql, type Kysely, type Migration } from 'kysely';
import { compactEvent, expandStoredEvent, VERBATIM, type StoredEventKeys } from '../../normalize/stored-event.js';
import type { LogType } from '../../zoom/report-records.js';
import { searchedChangeNames } from '../event-change-names.js';
import { isPostgres } from './is-postgres.js';

/**
 * Zoom.Operation's `p_udm` is derived on read from here on (issue 14 §2, bytes
 * on disk per event: about 180 B of each operation's stored JSON), as
 * Zoom.Activity's is: a compact Zoom.Operation row without `p_udm` now reads
 * as having the one its data model derives (normalize/stored-event.ts).
 *
 * Up: a row stored compact without `p_udm` before (an event that had none;
 * normalize always writes one) is stored whole instead, so it still reads
 * without one (and, on PostgreSQL, without change names). Down: a row stored
 * without `p_udm` since gets it back in its place, as the earlier code stores
 * it. Both read only Zoom.Operation rows with no top-level `p_udm` (none, in
 * a store that only normalize wrote, on the way up).
 */
export const derivedOperationUdmMigration: Migration = {
  async up(db): Promise<void> {
    await rewriteRowsWithoutUdm(db, (event, keys) => {
      const { p_udm: _derived, ...without } = event;
      return compactEvent(without, keys);
    });
  },

  async down(db): Promise<void> {
    await rewriteRowsWithoutUdm(db, (event, keys) => compactEvent(event, keys, { keepDataModel: true }));
  },
};

/** Rows read and written per batch. */
const BATCH = 2000;

type Row = { row_id: string; source_id: string; log_type: string; stored_at: string | number; event_json: string };

/**
 * Every Zoom.Operation row whose stored JSON has no top-level `p_udm` and is
 * not stored whole, in row-id order: `rewrite` of the event it reads as now
 * (with the derived `p_udm`) is stored in its place.
 */
async function rewriteRowsWithoutUdm(db: Kysely<unknown>, rewrite: (event: Record<string, unknown>, keys: StoredEventKeys) => Record<string, unknown>): Promise<void> {
  const postgres = isPostgres(db);
  const withoutUdm = postgres
    ? sql`NOT (event_json::jsonb ? 'p_udm') AND NOT (event_json::jsonb ? ${VERBATIM})`
    : sql`json_type(event_json, '$.p_udm') IS NULL AND json_type(event_json, ${`$.${VERBATIM}`}) IS NULL`;
  let after = '';
  for (;;) {
    const { rows } = await sql<Row>`
      SELECT row_id, source_id, log_type, stored_at, event_json FROM events
      WHERE row_id > ${after} AND log_type = 'Zoom.Operation' AND ${withoutUdm}
      ORDER BY row_id LIMIT ${BATCH}`.execute(db);
    if (rows.length === 0) return;
    for (const row of rows) {
      const keys: StoredEventKeys = { logType: row.log_type as LogType, rowId: row.row_id, sourceId: row.source_id, storedAt: Number(row.stored_at) };
      const event = expandStoredEvent(JSON.parse(row.event_json) as Record<string, unknown>, keys);
      const next = rewrite(event, keys);
      const stored = JSON.stringify(next);
      // PostgreSQL's change names follow the event it now reads as (none without p_udm; the same names with it).
      if (postgres) {
        const names = searchedChangeNames(expandStoredEvent(next, keys));
        await sql`UPDATE events SET event_json = ${stored}, change_names = ${names} WHERE row_id = ${row.row_id}`.execute(db);
      } else await sql`UPDATE events SET event_json = ${stored} WHERE row_id = ${row.row_id}`.execute(db);
    }
    after = rows.at(-1)!.row_id;
  }
}
