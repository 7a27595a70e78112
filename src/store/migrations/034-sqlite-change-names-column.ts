import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres } from './is-postgres.js';
import { changeNamesOfStored } from './stored-change-names.js';

/**
 * SQLite: an event's change names in a stored column, as PostgreSQL has had
 * since migration 024. `events.change_names` holds the lower-cased names of
 * the event's changes, one a line (event-change-names.ts `searchedChangeNames`),
 * written by the page writer with the event; NULL when it has none. The
 * change-name search reads it (event-sql.ts) instead of the stored
 * `p_udm.changes` or, for a Zoom.Operation whose `p_udm` is derived on read
 * (migration 033), a registered SQL function deriving it per candidate row.
 * Not indexed: `events_search.changes` (FTS5, migration 007) narrows the candidates.
 *
 * Up fills the rows stored before, batch by batch in rowid order, from the
 * event each reads as (the stored `p_udm`, or the one its data model derives):
 * every Zoom.Operation row, and any other whose JSON names `changes`. Down
 * drops the column. PostgreSQL: nothing (migration 024).
 */
export const sqliteChangeNamesColumnMigration: Migration = {
  async up(db): Promise<void> {
    if (isPostgres(db)) return;
    await sql`ALTER TABLE events ADD COLUMN change_names TEXT`.execute(db);
    await fillChangeNames(db);
  },

  async down(db): Promise<void> {
    if (isPostgres(db)) return;
    await sql`ALTER TABLE events DROP COLUMN change_names`.execute(db);
  },
};

/** Rows read, and updated in one statement, per batch. */
export const FILL_BATCH = 2000;

type Row = { id: number; row_id: string; source_id: string; log_type: string; stored_at: number; event_json: string };

async function fillChangeNames(db: Kysely<unknown>): Promise<void> {
  let after = 0;
  for (;;) {
    // A Zoom.Operation may hold changes its stored text does not name (p_udm derived on read); any other
    // event only in a stored p_udm, whose text then names `changes` (JSON.stringify writes keys verbatim).
    const { rows } = await sql<Row>`
      SELECT rowid AS id, row_id, source_id, log_type, stored_at, event_json FROM events
      WHERE rowid > ${after} AND (log_type = 'Zoom.Operation' OR instr(event_json, '"changes"') > 0)
      ORDER BY rowid LIMIT ${FILL_BATCH}`.execute(db);
    if (rows.length === 0) return;
    const updates: Array<[number, string]> = [];
    for (const row of rows) {
      const names = changeNamesOfStored(row);
      if (names !== null) updates.push([row.id, names]);
    }
    if (updates.length > 0) {
      await sql`UPDATE events SET change_names = u.value ->> 1 FROM json_each(${JSON.stringify(updates)}) AS u WHERE events.rowid = u.value ->> 0`.execute(db);
    }
    after = rows.at(-1)!.id;
  }
}
