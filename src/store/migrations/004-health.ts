import type { Migration } from 'kysely';

/**
 * Source health: one heartbeat per stream per collection cycle (its outcome,
 * whether or not Zoom could be asked), pruned to 14 days by the store; and the
 * per-source quiet schedule of the log drop-off alarm. The alarms themselves
 * are `alerts` rows of type `system` (rule id `System.*`, dedup per source).
 * Dialect-neutral, like 001.
 */
export const healthMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('heartbeats')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('log_type', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('duration_ms', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('heartbeats_source_at').on('heartbeats').columns(['source_id', 'at']).execute();
    await db.schema.createIndex('heartbeats_at').on('heartbeats').columns(['at']).execute();
    await db.schema.createIndex('alerts_type_status').on('alerts').columns(['type', 'status']).execute();
    await db.schema.alterTable('sources').addColumn('quiet_schedule_json', 'text').execute();
  },

  async down(db): Promise<void> {
    await db.schema.alterTable('sources').dropColumn('quiet_schedule_json').execute();
    await db.schema.dropIndex('alerts_type_status').execute();
    await db.schema.dropTable('heartbeats').execute();
  },
};
