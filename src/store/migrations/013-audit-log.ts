import type { Migration } from 'kysely';

/**
 * The audit trail: one row per state-changing action by a person or an API token (sign-in and failed
 * sign-in included): when, who, from which address, what, on which object, the outcome, and the
 * before/after values with secrets masked. Append-only: Zoomtrail has no code that updates or deletes
 * a row. Dialect-neutral, like 001. Numbered 013: 011 is another branch's, 012 roles and scopes.
 */
export const auditLogMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('object_type', 'text')
      .addColumn('object_id', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('before_json', 'text')
      .addColumn('after_json', 'text')
      .addColumn('change_json', 'text')
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
    await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'at']).execute();
    await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'at']).execute();
  },

  async down(db): Promise<void> {
    await db.schema.dropTable('audit_log').execute();
  },
};
