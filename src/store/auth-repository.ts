import { randomUUID } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import { isRole, isScope, type Role } from '../domain/access-scope.js';
import type { Clock } from '../shared/clock.js';
import type { PendingAuthorization } from '../domain/pending-authorization.js';
import {
  hashSecret,
  type ApiTokenRecord,
  type AuthStore,
  type NewApiToken,
  type NewSession,
  type NewUser,
  type SessionPolicy,
  type SessionRecord,
  type SetupPurpose,
  type TakenAuthorization,
  type UserChange,
  type UserRecord,
} from './auth-store.js';
import type { SecretBox } from './secret-box.js';
import { DuplicateUserError, LastAdminError } from './store-errors.js';
import type { ApiTokensTable, StoreTables, UsersTable } from './store-tables.js';

/** `meta` key of the public URL the last `zoomtrail start` served at. */
const SERVED_URL_KEY = 'served_public_url';

/**
 * The console's tables (users, sessions, API tokens, setup tokens, pending
 * OAuth authorizations) through Kysely: dialect-neutral, shared by every store.
 * Single-use values (setup tokens, OAuth states) are taken with one statement,
 * so two concurrent requests cannot both succeed.
 */
export class AuthRepository implements AuthStore {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async createUser(input: NewUser): Promise<UserRecord> {
    const row = {
      id: `usr_${randomUUID()}`,
      username: input.username,
      password_hash: input.passwordHash,
      created_at: this.clock.now(),
      role: input.role ?? 'admin',
      disabled_at: null,
    };
    const inserted = await this.db
      .insertInto('users')
      .values(row)
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new DuplicateUserError(input.username);
    return toUser(row);
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && toUser(row);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toUser);
  }

  async updateUser(id: string, change: UserChange): Promise<UserRecord | undefined> {
    const before = await this.getUser(id);
    if (!before) return undefined;
    const set: { role?: Role; disabled_at?: number | null; password_hash?: string } = {};
    if (change.role !== undefined) set.role = change.role;
    if (change.disabled !== undefined) set.disabled_at = change.disabled ? (before.disabledAt ?? this.clock.now()) : null;
    if (change.passwordHash !== undefined) set.password_hash = change.passwordHash;
    if (Object.keys(set).length === 0) return before;
    const staysAdmin = (change.role ?? before.role) === 'admin' && !(change.disabled ?? before.disabledAt !== null);
    const update = (db: Kysely<StoreTables>) => {
      let query = db.updateTable('users').set(set).where('id', '=', id);
      if (staysAdmin) return query;
      // Only while another enabled admin remains (checked in the same statement).
      query = query.where((eb) =>
        eb.or([
          eb('role', '<>', 'admin'),
          eb('disabled_at', 'is not', null),
          eb(
            eb
              .selectFrom('users as others')
              .select((e) => e.fn.countAll().as('n'))
              .where('others.role', '=', 'admin')
              .where('others.disabled_at', 'is', null)
              .where('others.id', '<>', id),
            '>',
            sql.lit(0),
          ),
        ]),
      );
      return query;
    };
    let result: { numUpdatedRows: bigint };
    if (staysAdmin || !(this.db.getExecutor().adapter instanceof PostgresAdapter)) {
      // SQLite: one writer at a time, so the one statement's check holds.
      result = await update(this.db).executeTakeFirst();
    } else {
      // PostgreSQL, READ COMMITTED: two demotions at once would each see the other admin in their snapshot and
      // both pass. Lock every enabled admin row first (in id order: no deadlock); the second demotion waits,
      // and its UPDATE (a new statement, so a new snapshot) then sees the first one committed.
      result = await this.db.transaction().execute(async (trx) => {
        await sql`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`.execute(trx);
        return update(trx).executeTakeFirst();
      });
    }
    if (Number(result.numUpdatedRows) === 0) {
      if (!(await this.getUser(id))) return undefined;
      throw new LastAdminError(before.username);
    }
    return this.getUser(id);
  }

  async deleteSessionsOfUser(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async createSession(input: NewSession): Promise<SessionRecord> {
    const now = this.clock.now();
    await this.db
      .insertInto('sessions')
      .values({ id_hash: input.idHash, user_id: input.userId, csrf_secret: input.csrfSecret, created_at: now, expires_at: input.expiresAt, last_seen_at: now })
      .execute();
    const user = await this.getUser(input.userId);
    return { ...input, username: user?.username ?? '', role: user?.role ?? 'viewer', createdAt: now, lastSeenAt: now };
  }

  async touchSession(idHash: string, policy: SessionPolicy): Promise<SessionRecord | undefined> {
    const now = this.clock.now();
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('sessions')
      .select(['users.username', 'users.role', 'users.disabled_at'])
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.disabled_at !== null) {
      await this.deleteSession(idHash);
      return undefined;
    }
    const createdAt = Number(row.created_at);
    if (Number(row.expires_at) <= now || createdAt + policy.maxAgeMs <= now || Number(row.last_seen_at) + policy.idleMs <= now) {
      await this.deleteSession(idHash);
      return undefined;
    }
    const expiresAt = Math.min(now + policy.idleMs, createdAt + policy.maxAgeMs);
    await this.db.updateTable('sessions').set({ expires_at: expiresAt, last_seen_at: now }).where('id_hash', '=', idHash).execute();
    return { idHash, userId: row.user_id, username: row.username, role: roleOf(row.role), csrfSecret: row.csrf_secret, createdAt, expiresAt, lastSeenAt: now };
  }

  async deleteSession(idHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteExpiredAuth(): Promise<number> {
    const now = this.clock.now();
    let removed = 0;
    removed += Number((await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows);
    removed += Number((await this.db.deleteFrom('oauth_states').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows);
    removed += Number((await this.db.deleteFrom('setup_tokens').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows);
    return removed;
  }

  async createApiToken(input: NewApiToken): Promise<ApiTokenRecord> {
    const row = {
      id: `tok_${randomUUID()}`,
      name: input.name,
      token_hash: input.tokenHash,
      user_id: input.userId,
      created_at: this.clock.now(),
      last_used_at: null,
      scopes: (input.scopes ?? ['admin']).join(','),
      expires_at: input.expiresAt ?? null,
    };
    await this.db.insertInto('api_tokens').values(row).execute();
    return toApiToken(row);
  }

  async listApiTokens(userId?: string): Promise<ApiTokenRecord[]> {
    let query = this.db.selectFrom('api_tokens').selectAll();
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toApiToken);
  }

  async getApiToken(id: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toApiToken(row);
  }

  async deleteApiToken(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async useApiToken(tokenHash: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | undefined> {
    const now = this.clock.now();
    const row = await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('token_hash', '=', tokenHash)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    const user = await this.getUser(row.user_id);
    return user && user.disabledAt === null ? { token: toApiToken(row), user } : undefined;
  }

  async createSetupToken(tokenHash: string, expiresAt: number, purpose?: SetupPurpose): Promise<void> {
    await this.db
      .insertInto('setup_tokens')
      .values({
        token_hash: tokenHash,
        created_at: this.clock.now(),
        expires_at: expiresAt,
        used_at: null,
        role: purpose?.kind === 'invite' ? purpose.role : null,
        user_id: purpose?.kind === 'reset' ? purpose.userId : null,
      })
      .execute();
  }

  async setupTokenPurpose(tokenHash: string): Promise<SetupPurpose | undefined> {
    const row = await this.db
      .selectFrom('setup_tokens')
      .select(['role', 'user_id'])
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    if (!row) return undefined;
    return row.user_id !== null ? { kind: 'reset', userId: row.user_id } : { kind: 'invite', role: row.role === null ? 'admin' : roleOf(row.role) };
  }

  async recordServedUrl(url: string): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key: SERVED_URL_KEY, value: url })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: url }))
      .execute();
  }

  async servedUrl(): Promise<string | undefined> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', SERVED_URL_KEY).executeTakeFirst();
    return row?.value;
  }

  async isSetupTokenValid(tokenHash: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('setup_tokens')
      .select('token_hash')
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    return row !== undefined;
  }

  async consumeSetupToken(tokenHash: string): Promise<boolean> {
    const now = this.clock.now();
    const result = await this.db
      .updateTable('setup_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async savePendingAuthorization(sessionIdHash: string, sourceId: string, pending: PendingAuthorization, expiresAt: number): Promise<void> {
    const stateHash = hashSecret(pending.state);
    await this.db
      .insertInto('oauth_states')
      .values({
        state_hash: stateHash,
        session_id_hash: sessionIdHash,
        source_id: sourceId,
        pending_sealed: this.box.seal(JSON.stringify(pending), pendingContext(stateHash)),
        created_at: this.clock.now(),
        expires_at: expiresAt,
      })
      .execute();
  }

  async pendingAuthorizationSource(state: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('oauth_states')
      .select('source_id')
      .where('state_hash', '=', hashSecret(state))
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    return row?.source_id;
  }

  async takePendingAuthorization(state: string, sessionIdHash: string): Promise<TakenAuthorization | undefined> {
    const stateHash = hashSecret(state);
    const row = await this.db.deleteFrom('oauth_states').where('state_hash', '=', stateHash).where('session_id_hash', '=', sessionIdHash).returningAll().executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.clock.now()) return undefined;
    const pending = JSON.parse(this.box.open(row.pending_sealed, pendingContext(stateHash))) as PendingAuthorization;
    return { sessionIdHash: row.session_id_hash, sourceId: row.source_id, pending };
  }
}

function pendingContext(stateHash: string): string {
  return `oauth_states/${stateHash}/pending`;
}

/** An unknown stored role counts as the least: viewer. */
function roleOf(value: string): Role {
  return isRole(value) ? value : 'viewer';
}

function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    role: roleOf(row.role),
    createdAt: Number(row.created_at),
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
  };
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    userId: row.user_id,
    scopes: row.scopes.split(',').filter(isScope),
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}
