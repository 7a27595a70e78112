import type { Migration } from 'kysely';

/**
 * Users with roles (admin, analyst, viewer; every existing user becomes an
 * admin) that can be disabled; API tokens with scopes (comma-separated;
 * existing tokens keep what they could do: `admin`) and an optional expiry;
 * one-time links that invite a user with a role or reset one user's password.
 * Dialect-neutral, like 001. Numbered 012: 011 is another branch's.
 */
export const rolesAndScopesMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('admin'))
      .execute();
    await db.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute();
    await db.schema
      .alterTable('api_tokens')
      .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('admin'))
      .execute();
    await db.schema.alterTable('api_tokens').addColumn('expires_at', 'bigint').execute();
    // A link made by `admin create` (no role, no user) creates an admin, as before.
    await db.schema.alterTable('setup_tokens').addColumn('role', 'text').execute();
    await db.schema.alterTable('setup_tokens').addColumn('user_id', 'text').execute();
    await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id']).execute();
  },

  async down(db): Promise<void> {
    await db.schema.dropIndex('sessions_user').execute();
    await db.schema.alterTable('setup_tokens').dropColumn('user_id').execute();
    await db.schema.alterTable('setup_tokens').dropColumn('role').execute();
    await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute();
    await db.schema.alterTable('api_tokens').dropColumn('scopes').execute();
    await db.schema.alterTable('users').dropColumn('disabled_at').execute();
    await db.schema.alterTable('users').dropColumn('role').execute();
  },
};
