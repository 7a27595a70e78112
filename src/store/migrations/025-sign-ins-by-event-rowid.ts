import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres } from './is-postgres.js';

/**
 * SQLite: `sign_ins` keyed by its event's rowid (issue 14 §2, ingest). The
 * table was a rowid table with a separate unique index on `row_id`: two B-tree
 * inserts per sign-in before its five secondary indexes, and about 35 B per
 * sign-in for the index. Now `event_rowid` (the rowid of the event in `events`,
 * as `events_search_keys` keeps it since migration 007) is the table's INTEGER
 * PRIMARY KEY: one B-tree insert, no row-id index. A sign-in is found by row id
 * through `events` (its row-id index, then the rowid); the AFTER DELETE trigger
 * of events deletes by rowid. `row_id` stays a column, so readers are unchanged.
 *
 * PostgreSQL has no rowid: its `sign_ins` keeps `row_id` as primary key (nothing changes).
 * Numbered 025 (given to this change).
 */
export const signInsByEventRowidMigration: Migration = {
  async up(db): Promise<void> {
    if (isPostgres(db)) return;
    await rebuild(db, true);
    await createDeleteTrigger(db, 'event_rowid = old.rowid');
  },

  async down(db): Promise<void> {
    if (isPostgres(db)) return;
    await rebuild(db, false);
    await createDeleteTrigger(db, 'row_id = old.row_id');
  },
};

const COLUMNS = 'row_id, source_id, user_key, event_time_ms, ip, country, asn, lat, lng, accuracy_km';

/**
 * Copies `sign_ins` into a table keyed by the event's rowid (`byEventRowid`)
 * or by `row_id`, in key order, then puts its indexes back (those it had: 009's and 022's). The
 * delete trigger goes first: it names the table.
 */
async function rebuild(db: Kysely<unknown>, byEventRowid: boolean): Promise<void> {
  const key = byEventRowid ? 'event_rowid INTEGER PRIMARY KEY, row_id text NOT NULL' : 'row_id text PRIMARY KEY';
  const { rows: indexes } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master
    WHERE type = 'index' AND tbl_name = 'sign_ins' AND sql IS NOT NULL ORDER BY name`.execute(db);
  await sql`DROP TRIGGER IF EXISTS sign_ins_after_delete`.execute(db);
  await sql
    .raw(
      `CREATE TABLE sign_ins_rebuilt (
      ${key},
      source_id text NOT NULL,
      user_key text NOT NULL,
      event_time_ms bigint NOT NULL,
      ip text,
      country text,
      asn bigint,
      lat double precision,
      lng double precision,
      accuracy_km double precision
    )`,
    )
    .execute(db);
  // Over events' row-id index; a sign-in without its event (none: the trigger deletes them) is left out.
  const select = byEventRowid
    ? `SELECT e.rowid, ${COLUMNS.split(', ')
        .map((c) => `s.${c}`)
        .join(', ')} FROM sign_ins s JOIN events e ON e.row_id = s.row_id ORDER BY e.rowid`
    : `SELECT ${COLUMNS} FROM sign_ins ORDER BY row_id`;
  const columns = byEventRowid ? `event_rowid, ${COLUMNS}` : COLUMNS;
  await sql.raw(`INSERT INTO sign_ins_rebuilt (${columns}) ${select}`).execute(db);
  await sql`DROP TABLE sign_ins`.execute(db);
  await sql`ALTER TABLE sign_ins_rebuilt RENAME TO sign_ins`.execute(db);
  for (const index of indexes) await sql.raw(index.sql).execute(db);
}

/** Migration 009's AFTER DELETE trigger of events, deleting the sign-in `where`. */
async function createDeleteTrigger(db: Kysely<unknown>, where: string): Promise<void> {
  await sql
    .raw(
      `CREATE TRIGGER sign_ins_after_delete AFTER DELETE ON events
    WHEN old.log_type IN ('Zoom.Activity', 'Zoom.Operation') BEGIN
      DELETE FROM sign_ins WHERE ${where};
      DELETE FROM history_pending WHERE row_id = old.row_id;
    END`,
    )
    .execute(db);
}
