import type { Migration } from 'kysely';

/**
 * Whether a source's setup was finished: a source the console's wizard saved
 * as a draft (paused until its live check passes and the user clicks Finish
 * Setup) is "setup incomplete", not "paused", whatever its auth kind. Sources
 * stored before this migration count as set up. Dialect-neutral, like 001.
 */
export const setupFinishedMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .alterTable('sources')
      .addColumn('setup_finished', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },

  async down(db): Promise<void> {
    await db.schema.alterTable('sources').dropColumn('setup_finished').execute();
  },
};
