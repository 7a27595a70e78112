import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres } from './is-postgres.js';

/**
 * Cheaper ingest (issue 14, section 2). SQLite only; nothing changes on PostgreSQL.
 *
 * - `event_indicators` becomes a `WITHOUT ROWID` table: its primary key
 *   (kind, value, row_id) is the table itself, not a rowid table plus a
 *   separate key index (about a quarter of the store before).
 * - `detection_pending` becomes `WITHOUT ROWID` too: queueing and claiming an
 *   event write one B-tree, not a table and its primary-key index.
 * - The `events_search_insert` trigger of migration 007 is dropped: the page
 *   writer indexes each new event's free text itself, in the page's
 *   transaction (SqliteSearchIndexWriter), from the event it already holds
 *   instead of parsing the stored JSON again. The DELETE trigger stays.
 */
export const compactIngestMigration: Migration = {
  async up(db): Promise<void> {
    if (isPostgres(db)) return;
    await sql`CREATE TABLE event_indicators_compact (
        row_id text NOT NULL,
        kind text NOT NULL,
        value text NOT NULL,
        CONSTRAINT event_indicators_pk PRIMARY KEY (kind, value, row_id)
      ) WITHOUT ROWID`.execute(db);
    await sql`INSERT INTO event_indicators_compact (row_id, kind, value) SELECT row_id, kind, value FROM event_indicators ORDER BY kind, value, row_id`.execute(db);
    await sql`DROP TABLE event_indicators`.execute(db);
    await sql`ALTER TABLE event_indicators_compact RENAME TO event_indicators`.execute(db);
    await sql`DROP TRIGGER IF EXISTS events_search_insert`.execute(db);
    await rebuildPending(db, ' WITHOUT ROWID');
  },

  async down(db): Promise<void> {
    if (isPostgres(db)) return;
    await sql`CREATE TABLE event_indicators_rowid (
        row_id text NOT NULL,
        kind text NOT NULL,
        value text NOT NULL,
        CONSTRAINT event_indicators_pk PRIMARY KEY (kind, value, row_id)
      )`.execute(db);
    await sql`INSERT INTO event_indicators_rowid (row_id, kind, value) SELECT row_id, kind, value FROM event_indicators`.execute(db);
    await sql`DROP TABLE event_indicators`.execute(db);
    await sql`ALTER TABLE event_indicators_rowid RENAME TO event_indicators`.execute(db);
    await rebuildPending(db, '');
    // The INSERT trigger comes back with migration 007's down and up; until then the writer indexes new events.
  },
};

/** `detection_pending` again, as a `WITHOUT ROWID` table or not (`options`), with its rows. */
async function rebuildPending(db: Kysely<unknown>, options: string): Promise<void> {
  await sql`CREATE TABLE detection_pending_next (row_id text PRIMARY KEY NOT NULL, queued_at bigint NOT NULL)${sql.raw(options)}`.execute(db);
  await sql`INSERT INTO detection_pending_next (row_id, queued_at) SELECT row_id, queued_at FROM detection_pending ORDER BY row_id`.execute(db);
  await sql`DROP TABLE detection_pending`.execute(db);
  await sql`ALTER TABLE detection_pending_next RENAME TO detection_pending`.execute(db);
}
