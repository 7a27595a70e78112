import type { Migration } from 'kysely';

/**
 * Detections and alerts: the queue of stored events not yet through the rules
 * (so detection survives a crash between store and detect), rule settings and
 * errors, alerts with their matched rows, destinations and the delivery outbox
 * with its attempt log. Dialect-neutral, like 001.
 */
export const detectionsMigration: Migration = {
  async up(db): Promise<void> {
    // Written in the same transaction as the event; deleted in the same transaction as the rules' results.
    await db.schema
      .createTable('detection_pending')
      .addColumn('row_id', 'text', (c) => c.primaryKey())
      .addColumn('queued_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('rule_settings')
      .addColumn('rule_id', 'text', (c) => c.primaryKey())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('rule_errors')
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('row_id', 'text', (c) => c.notNull())
      .addColumn('function_name', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('log_type', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('rule_errors_pk', ['rule_id', 'row_id', 'function_name'])
      .execute();
    await db.schema.createIndex('rule_errors_at').on('rule_errors').columns(['at']).execute();

    await db.schema
      .createTable('alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('dedup', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('first_event_ms', 'bigint', (c) => c.notNull())
      .addColumn('last_event_ms', 'bigint', (c) => c.notNull())
      .addColumn('event_count', 'integer', (c) => c.notNull())
      .addColumn('dedup_period_ms', 'bigint', (c) => c.notNull())
      .addColumn('threshold', 'integer', (c) => c.notNull())
      // Null while the group is below its threshold: not an alert yet.
      .addColumn('raised_at', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_changed_at', 'bigint')
      .addColumn('status_note', 'text')
      .addColumn('context_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alerts_group').on('alerts').columns(['rule_id', 'dedup', 'first_event_ms']).execute();
    await db.schema.createIndex('alerts_raised').on('alerts').columns(['raised_at']).execute();

    await db.schema
      .createTable('alert_events')
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('row_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_events_pk', ['alert_id', 'row_id'])
      .execute();
    await db.schema.createIndex('alert_events_row').on('alert_events').columns(['row_id']).execute();

    await db.schema
      .createTable('destinations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('settings_json', 'text', (c) => c.notNull())
      .addColumn('secret_sealed', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('destination_id', 'text', (c) => c.notNull())
      // What is announced: `raised` or `resolved`.
      .addColumn('notice', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .addUniqueConstraint('deliveries_once', ['alert_id', 'destination_id', 'notice'])
      .execute();
    await db.schema.createIndex('deliveries_due').on('deliveries').columns(['state', 'next_attempt_at']).execute();

    await db.schema
      .createTable('delivery_attempts')
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('delivery_attempts_pk', ['delivery_id', 'attempt'])
      .execute();
  },

  async down(db): Promise<void> {
    for (const table of ['delivery_attempts', 'deliveries', 'destinations', 'alert_events', 'alerts', 'rule_errors', 'rule_settings', 'detection_pending']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
