import type { Migration } from 'kysely';

/**
 * Rule suppressions (Panther's Inline Filters, as tuning): per rule, match
 * expressions (JSON) under which a match does not alert, with a reason, who
 * added it and an optional end; suppressed matches are counted on the row.
 * Dialect-neutral, like 001. Numbered 010: 008 and 009 are other branches'.
 */
export const ruleSuppressionsMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('rule_suppressions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('match_json', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('until_ms', 'bigint')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('suppressed_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('last_suppressed_ms', 'bigint')
      .execute();
    await db.schema.createIndex('rule_suppressions_rule').on('rule_suppressions').columns(['rule_id']).execute();
  },

  async down(db): Promise<void> {
    await db.schema.dropTable('rule_suppressions').execute();
  },
};
