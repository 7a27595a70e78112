import type { Migration } from 'kysely';

/**
 * Alert triage: an alert's assignee (a console user's name, or null) and its
 * history — one row per change of status or assignee, and per comment, with
 * who, when and the note. Indexes for the triage filters (status, assignee),
 * the overview's open-alert counts, and its sign-ins by country over a time
 * range (sign_ins had only per-user and per-address indexes). Dialect-neutral, like 001.
 */
export const alertTriageMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema.alterTable('alerts').addColumn('assignee', 'text').execute();
    await db.schema.createIndex('alerts_status_raised').on('alerts').columns(['status', 'raised_at']).execute();
    await db.schema.createIndex('alerts_assignee_raised').on('alerts').columns(['assignee', 'raised_at']).execute();
    await db.schema
      .createTable('alert_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      // `status`, `assignee` or `comment`.
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('from_value', 'text')
      .addColumn('to_value', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('sign_ins_time_country').on('sign_ins').columns(['event_time_ms', 'country']).execute();
    await db.schema.createIndex('alert_history_alert').on('alert_history').columns(['alert_id', 'at', 'id']).execute();
  },

  async down(db): Promise<void> {
    await db.schema.dropTable('alert_history').execute();
    await db.schema.dropIndex('sign_ins_time_country').execute();
    await db.schema.dropIndex('alerts_assignee_raised').execute();
    await db.schema.dropIndex('alerts_status_raised').execute();
    await db.schema.alterTable('alerts').dropColumn('assignee').execute();
  },
};
