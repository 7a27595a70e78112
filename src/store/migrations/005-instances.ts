import type { Migration } from 'kysely';

/**
 * Several instances on one database: a lease per source with a fencing token
 * (a commit by a process whose lease was taken is refused), the shared Zoom
 * request budget (per account: one row per time window, and a hold after a
 * 429), and claims on the delivery outbox so one alert is sent by one
 * instance. Dialect-neutral, like 001.
 */
export const instancesMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('source_leases')
      .addColumn('source_id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      // Grows by one each time another owner takes the lease: the fencing token.
      .addColumn('token', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('acquired_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('request_budget')
      .addColumn('budget_key', 'text', (c) => c.notNull())
      // `s:<window start ms>` (per-second windows) or `d:<yyyy-mm-dd>` (the UTC day).
      .addColumn('window_key', 'text', (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('request_budget_pk', ['budget_key', 'window_key'])
      .execute();
    await db.schema.createIndex('request_budget_created').on('request_budget').columns(['created_at']).execute();

    await db.schema
      .createTable('budget_holds')
      .addColumn('budget_key', 'text', (c) => c.primaryKey())
      .addColumn('hold_until', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema.alterTable('deliveries').addColumn('claimed_by', 'text').execute();
    await db.schema.alterTable('deliveries').addColumn('claim_until', 'bigint').execute();
  },

  async down(db): Promise<void> {
    await db.schema.alterTable('deliveries').dropColumn('claim_until').execute();
    await db.schema.alterTable('deliveries').dropColumn('claimed_by').execute();
    for (const table of ['budget_holds', 'request_budget', 'source_leases']) await db.schema.dropTable(table).execute();
  },
};
