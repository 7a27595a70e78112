import type { Migration } from 'kysely';

/**
 * OpenID Connect sign-in (issue 17): `oidc_logins`, the logins in progress (the SHA-256 of the state,
 * the hash of the browser binding cookie, the sealed PKCE verifier and nonce, an expiry; single-use),
 * and `oidc_identities`, which user an identity (issuer + subject) signs in as.
 * Dialect-neutral, like 001. Numbered 019: 017 is another branch's.
 */
export const oidcMigration: Migration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('oidc_logins')
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      .addColumn('binding_hash', 'text', (c) => c.notNull())
      .addColumn('pending_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('oidc_identities')
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('oidc_identities_pk', ['issuer', 'subject'])
      .execute();
    await db.schema.createIndex('oidc_identities_user').on('oidc_identities').columns(['user_id']).execute();
  },

  async down(db): Promise<void> {
    await db.schema.dropTable('oidc_identities').execute();
    await db.schema.dropTable('oidc_logins').execute();
  },
};
