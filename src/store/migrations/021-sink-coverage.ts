import type { Migration } from 'kysely';

/**
 * Forwarding, part two (issue 18):
 *
 * - `coverage_records`: a day of a stream became complete, or a complete day
 *   gained late records: its state, event count and digest over its row ids
 *   (docs/coverage-digest.md), one row per version. Written by the page
 *   writers in the transaction that changed the day, with a forward-log row
 *   (log type `Zoomtrail.Coverage`, `row_ids` = `[coverage id]`) after the
 *   day's events, so every sink receives it after them and exactly once per
 *   (sink, day, version).
 * - `sink_leases`: which instance sends a sink (as `source_leases` for sources).
 */
export const sinkCoverageMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('coverage_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('log_type', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('event_count', 'integer', (c) => c.notNull())
      .addColumn('records', 'integer', (c) => c.notNull())
      .addColumn('late_records', 'integer', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('coverage_records_day_version', ['source_id', 'log_type', 'day', 'version'])
      .execute();
    await db.schema
      .createTable('sink_leases')
      .addColumn('sink_id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('token', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('acquired_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db): Promise<void> {
    for (const table of ['sink_leases', 'coverage_records']) await db.schema.dropTable(table).execute();
  },
};
