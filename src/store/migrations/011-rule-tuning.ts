import { sql, type Migration } from 'kysely';

/**
 * Per-rule tuning, for built-in and user rules: each column an override of
 * the rule's own metadata (NULL keeps the rule's default), with who changed
 * it and when. Replaces `rule_settings` (its enabled overrides are copied in).
 * Also the rule set each instance runs (digest of its rules directory, seen
 * at), so health can show instances running different rule sets.
 * Dialect-neutral, like 001.
 */
export const ruleTuningMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('rule_tuning')
      .addColumn('rule_id', 'text', (c) => c.primaryKey())
      .addColumn('enabled', 'integer')
      .addColumn('severity', 'text')
      .addColumn('dedup_period_minutes', 'integer')
      .addColumn('threshold', 'integer')
      // A JSON list of destination names; NULL = the destinations' own filters decide.
      .addColumn('destinations_json', 'text')
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO rule_tuning (rule_id, enabled, updated_by, updated_at) SELECT rule_id, enabled, 'unknown', updated_at FROM rule_settings`.execute(db);
    await db.schema.dropTable('rule_settings').execute();

    await db.schema
      .createTable('rule_set_instances')
      .addColumn('owner', 'text', (c) => c.primaryKey())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('user_rules', 'integer', (c) => c.notNull())
      .addColumn('load_errors', 'integer', (c) => c.notNull())
      .addColumn('seen_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db): Promise<void> {
    await db.schema.dropTable('rule_set_instances').execute();
    await db.schema
      .createTable('rule_settings')
      .addColumn('rule_id', 'text', (c) => c.primaryKey())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO rule_settings (rule_id, enabled, updated_at) SELECT rule_id, enabled, updated_at FROM rule_tuning WHERE enabled IS NOT NULL`.execute(db);
    await db.schema.dropTable('rule_tuning').execute();
  },
};
