import { PostgresAdapter, sql, type Migration } from 'kysely';

/**
 * Forwarding (issue 18): the forward log and the sinks.
 *
 * - `forward_log`: the outbox of stored events, one row per page commit that
 *   inserted events (written by the page writers in the page's transaction):
 *   the inserted events' row ids as a JSON array, in insert order, and their
 *   count. SQLite: read by `seq` (one writer, so seq order is commit order).
 *   PostgreSQL: `xid` is the writing transaction's id; readers order by
 *   `(xid, seq)` and read only rows below the snapshot's xmin (see
 *   src/store/sink-repository.ts for why).
 * - `sinks`: where events go (kind, format, settings, sealed secret, log-type filter).
 * - `sink_cursors`: each sink's position in the forward log (`cursor_xid`, `cursor_seq`;
 *   xid 0 on SQLite), counters, last error and retry backoff.
 * - `sink_dead_letters`: events a sink refused for good (they never block the cursor).
 *
 * Numbered 016: 011 to 014 are other branches'.
 */
export const forwardingMigration: Migration = {
  async up(db): Promise<void> {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    if (postgres) {
      await sql`CREATE TABLE forward_log (
          seq bigserial PRIMARY KEY,
          xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
          source_id text NOT NULL,
          log_type text NOT NULL,
          row_ids text NOT NULL,
          event_count integer NOT NULL,
          stored_at bigint NOT NULL
        )`.execute(db);
      await sql`CREATE INDEX forward_log_order ON forward_log (xid, seq)`.execute(db);
    } else {
      await sql`CREATE TABLE forward_log (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          source_id text NOT NULL,
          log_type text NOT NULL,
          row_ids text NOT NULL,
          event_count integer NOT NULL,
          stored_at bigint NOT NULL
        )`.execute(db);
    }
    await sql`CREATE INDEX forward_log_stored_at ON forward_log (stored_at)`.execute(db);
    await db.schema
      .createTable('sinks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('settings_json', 'text', (c) => c.notNull())
      .addColumn('secret_sealed', 'text')
      .addColumn('filter_json', 'text', (c) => c.notNull())
      .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sink_cursors')
      .addColumn('sink_id', 'text', (c) => c.primaryKey())
      .addColumn('cursor_xid', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('cursor_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('delivered_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error_json', 'text')
      .addColumn('last_delivered_at', 'bigint')
      .addColumn('delivered_stored_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sink_dead_letters')
      .addColumn('sink_id', 'text', (c) => c.notNull())
      .addColumn('row_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('failed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sink_dead_letters_pk', ['sink_id', 'row_id'])
      .execute();
  },

  async down(db): Promise<void> {
    for (const table of ['sink_dead_letters', 'sink_cursors', 'sinks', 'forward_log']) await db.schema.dropTable(table).execute();
  },
};
