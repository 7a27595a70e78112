import type { Migration } from 'kysely';

/**
 * Saved event searches (issue 19): a query-language query with a name, owned
 * by the user who saved it, private or shared with every user. Dialect-neutral,
 * like 001. Numbered 023: the numbers between are other branches'.
 */
export const savedSearchesMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('saved_searches')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('owner_name', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('query', 'text', (c) => c.notNull())
      .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('saved_searches_owner').on('saved_searches').columns(['owner_id']).execute();
    await db.schema.createIndex('saved_searches_shared').on('saved_searches').columns(['shared']).execute();
  },

  async down(db): Promise<void> {
    await db.schema.dropTable('saved_searches').execute();
  },
};
