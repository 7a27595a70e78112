import { sql, type Kysely, type Migration } from 'kysely';
import { createChangeNamesFunction, ensureTrigramIndexes, postgresDetailExpression, TRIGRAM_INDEXES_007, type TrigramIndex } from './007-search-indexes.js';
import { isPostgres } from './is-postgres.js';
import { changeNamesOfStored } from './stored-change-names.js';

/**
 * PostgreSQL: an event's change names in a stored column (issue 14, section 1).
 * `events.change_names` holds the lower-cased names of the event's parsed
 * changes, one a line (event-change-names.ts: the same names SQLite's search
 * index holds), written by the page writer with the event; NULL when it has
 * none. The GIN trigram index `events_change_names_trgm` moves from the
 * expression `event_change_names(event_json)` (migration 007, which parsed the
 * event's JSON for every candidate row: a search by change name took 431 ms at
 * 1,000,000 events, whether the planner walked the time index or rechecked the
 * trigram index's candidates) to the column, and the per-name recheck reads the
 * column's lines: no plan parses JSON. The function, its statistics and its
 * index go. Existing rows are filled here, in row-id order, by the same code as
 * the writer. SQLite: nothing (its FTS5 index already holds the names).
 */
export const changeNamesColumnMigration: Migration = {
  async up(db): Promise<void> {
    if (!isPostgres(db)) return;
    await sql`DROP INDEX IF EXISTS events_change_names_trgm`.execute(db);
    await sql`DROP STATISTICS IF EXISTS events_change_names_stats`.execute(db);
    await sql`DROP FUNCTION IF EXISTS event_change_names(text)`.execute(db);
    await sql`ALTER TABLE events ADD COLUMN change_names text`.execute(db);
    await fillChangeNames(db);
    await ensureTrigramIndexes(db, POSTGRES_TRIGRAM_INDEXES);
    await sql`ANALYZE events`.execute(db);
  },

  async down(db): Promise<void> {
    if (!isPostgres(db)) return;
    await sql`DROP INDEX IF EXISTS events_change_names_trgm`.execute(db);
    await sql`ALTER TABLE events DROP COLUMN change_names`.execute(db);
    await createChangeNamesFunction(db);
    await ensureTrigramIndexes(db, TRIGRAM_INDEXES_007);
    await sql`CREATE STATISTICS IF NOT EXISTS events_change_names_stats ON (event_change_names(event_json)) FROM events`.execute(db);
  },
};

/** PostgreSQL's trigram indexes from this migration on (the store ensures them at every open). */
export const POSTGRES_TRIGRAM_INDEXES: readonly TrigramIndex[] = [
  { name: 'events_detail_trgm', expression: postgresDetailExpression('event_json') },
  { name: 'events_change_names_trgm', expression: 'change_names' },
];

/** Rows read and updated per statement while filling the column. */
const FILL_BATCH = 2000;

/** Fills `change_names` of the events stored before this migration, batch by batch in row-id order. */
async function fillChangeNames(db: Kysely<unknown>): Promise<void> {
  let after = '';
  for (;;) {
    // Only rows whose text names `changes` can have any (JSON.stringify writes keys verbatim).
    const { rows } = await sql<{ row_id: string; source_id: string; log_type: string; stored_at: string; event_json: string }>`
      SELECT row_id, source_id, log_type, stored_at, event_json FROM events
      WHERE row_id > ${after} AND event_json LIKE '%"changes"%'
      ORDER BY row_id LIMIT ${FILL_BATCH}`.execute(db);
    if (rows.length === 0) return;
    const ids: string[] = [];
    const names: string[] = [];
    for (const row of rows) {
      const value = changeNamesOfStored(row);
      if (value === null) continue;
      ids.push(row.row_id);
      names.push(value);
    }
    if (ids.length > 0) {
      await sql`UPDATE events SET change_names = u.names FROM unnest(${ids}::text[], ${names}::text[]) AS u(row_id, names) WHERE events.row_id = u.row_id`.execute(db);
    }
    after = rows.at(-1)!.row_id;
  }
}
