import type { Migration } from 'kysely';

/**
 * The first schema: settings, sources, streams, per-day coverage, events with
 * their email/IP indicators, and classification failures. Dialect-neutral
 * (SQLite and PostgreSQL): times are `bigint` ms, booleans integer 0/1.
 */
export const initialMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('auth_kind', 'text', (c) => c.notNull())
      .addColumn('zoom_account_id', 'text')
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('api_url', 'text', (c) => c.notNull())
      .addColumn('oauth_url', 'text', (c) => c.notNull())
      .addColumn('backfill_days', 'integer', (c) => c.notNull())
      .addColumn('poll_interval_ms', 'bigint', (c) => c.notNull())
      .addColumn('settle_days', 'integer', (c) => c.notNull())
      .addColumn('reconcile_interval_ms', 'bigint', (c) => c.notNull())
      // double precision: REAL affinity in SQLite, float8 (not float4) in PostgreSQL.
      .addColumn('requests_per_second', 'double precision', (c) => c.notNull())
      .addColumn('requests_per_day', 'integer', (c) => c.notNull())
      .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('client_secret_sealed', 'text', (c) => c.notNull())
      .addColumn('refresh_token_sealed', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('streams')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('log_type', 'text', (c) => c.notNull())
      .addColumn('newest_event_time_ms', 'bigint')
      .addColumn('last_poll_at', 'bigint')
      .addColumn('last_success_at', 'bigint')
      .addColumn('reading_window', 'text')
      .addColumn('reading_pages', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error_json', 'text')
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint')
      .addPrimaryKeyConstraint('streams_pk', ['source_id', 'log_type'])
      .addForeignKeyConstraint('streams_source_fk', ['source_id'], 'sources', ['id'])
      .execute();

    await db.schema
      .createTable('day_coverage')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('log_type', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_full_read_at', 'bigint')
      .addColumn('state', 'text', (c) => c.notNull().defaultTo('open'))
      .addColumn('ambiguous', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('gained_after_complete', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('day_coverage_pk', ['source_id', 'log_type', 'day'])
      .addForeignKeyConstraint('day_coverage_source_fk', ['source_id'], 'sources', ['id'])
      .execute();

    await db.schema
      .createTable('events')
      .addColumn('row_id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('log_type', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('event_time_ms', 'bigint', (c) => c.notNull())
      .addColumn('stored_at', 'bigint', (c) => c.notNull())
      .addColumn('event_json', 'text', (c) => c.notNull())
      .addForeignKeyConstraint('events_source_fk', ['source_id'], 'sources', ['id'])
      .execute();
    await db.schema.createIndex('events_source_type_time').on('events').columns(['source_id', 'log_type', 'event_time_ms']).execute();
    await db.schema.createIndex('events_type_time').on('events').columns(['log_type', 'event_time_ms']).execute();

    await db.schema
      .createTable('event_indicators')
      .addColumn('row_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      // One index serves the email/IP searches and keeps a pair unique. No index by row id: every
      // extra randomly keyed index costs the page-commit path a write per event; removing a source
      // scans this table once instead.
      .addPrimaryKeyConstraint('event_indicators_pk', ['kind', 'value', 'row_id'])
      .execute();

    await db.schema
      .createTable('classification_failures')
      .addColumn('row_id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('log_type', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('field', 'text')
      .addColumn('failed_at', 'bigint', (c) => c.notNull())
      .addForeignKeyConstraint('classification_failures_source_fk', ['source_id'], 'sources', ['id'])
      .execute();
    await db.schema.createIndex('classification_failures_source_type_time').on('classification_failures').columns(['source_id', 'log_type', 'failed_at']).execute();
  },

  async down(db): Promise<void> {
    for (const table of ['classification_failures', 'event_indicators', 'events', 'day_coverage', 'streams', 'sources', 'meta']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
