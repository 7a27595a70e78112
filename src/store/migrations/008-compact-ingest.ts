import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * Cheaper ingest (issue 14, section 2). SQLite only; nothing changes on PostgreSQL.
 *
 * - `event_indicators` becomes a `WITHOUT ROWID` table: its primary key
 *   (kind, value, row_id) is the table itself, not a rowid table plus a
 *   separate key index (about a quarter of the store before).
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
    // The INSERT trigger comes back with migration 007's down and up; until then the writer indexes new events.
  },
};

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
