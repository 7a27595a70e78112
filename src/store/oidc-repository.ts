import type { Kysely } from 'kysely';
import type { Clock } from '../shared/clock.js';
import { hashSecret } from './auth-store.js';
import type { OidcPendingLogin, OidcStore } from './oidc-store.js';
import type { SecretBox } from './secret-box.js';
import type { StoreTables } from './store-tables.js';

/** The oidc_logins and oidc_identities tables (migration 019) through Kysely, for every store. */
export class OidcRepository implements OidcStore {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async saveOidcLogin(state: string, bindingHash: string, pending: OidcPendingLogin, expiresAt: number): Promise<void> {
    const stateHash = hashSecret(state);
    const now = this.clock.now();
    // Old logins nobody finished go with each new one.
    await this.db.deleteFrom('oidc_logins').where('expires_at', '<=', now).execute();
    await this.db
      .insertInto('oidc_logins')
      .values({
        state_hash: stateHash,
        binding_hash: bindingHash,
        pending_sealed: this.box.seal(JSON.stringify(pending), loginContext(stateHash)),
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
  }

  async takeOidcLogin(state: string): Promise<{ bindingHash: string; pending: OidcPendingLogin } | undefined> {
    const stateHash = hashSecret(state);
    const row = await this.db.deleteFrom('oidc_logins').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.clock.now()) return undefined;
    return { bindingHash: row.binding_hash, pending: JSON.parse(this.box.open(row.pending_sealed, loginContext(stateHash))) as OidcPendingLogin };
  }

  async findOidcUser(issuer: string, subject: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('oidc_identities').select('user_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
    return row?.user_id;
  }

  async linkOidcIdentity(issuer: string, subject: string, userId: string): Promise<void> {
    await this.db
      .insertInto('oidc_identities')
      .values({ issuer, subject, user_id: userId, created_at: this.clock.now() })
      .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
      .execute();
  }
}

function loginContext(stateHash: string): string {
  return `oidc_logins/${stateHash}/pending`;
}
