import { type Kysely, sql } from 'kysely';
import { nextUtcMidnight, utcDay, type Clock } from '../shared/clock.js';
import type { BudgetSlot, Lease, LeaseRecord } from './lease-store.js';
import type { StoreTables } from './store-tables.js';

/** Budget windows older than this are deleted now and then. */
const BUDGET_WINDOW_RETENTION_MS = 2 * 24 * 3_600_000;

/**
 * Leases and the shared request budget through Kysely, each operation one
 * statement (atomic on SQLite and PostgreSQL alike: an upsert whose update
 * only applies under a condition, with RETURNING telling whether it did).
 */
export class LeaseRepository {
  #lastPrune = 0;

  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly clock: Clock,
  ) {}

  async acquireLease(sourceId: string, owner: string, ttlMs: number, options: { force?: boolean } = {}): Promise<Lease | null> {
    const now = this.clock.now();
    const expiresAt = now + ttlMs;
    const force = options.force === true ? 1 : 0;
    const result = await sql<{ token: number | string }>`
      INSERT INTO source_leases (source_id, owner, token, expires_at, acquired_at)
      VALUES (${sourceId}, ${owner}, 1, ${expiresAt}, ${now})
      ON CONFLICT (source_id) DO UPDATE SET
        token = CASE WHEN source_leases.owner = excluded.owner AND source_leases.expires_at >= ${now}
                     THEN source_leases.token ELSE source_leases.token + 1 END,
        acquired_at = CASE WHEN source_leases.owner = excluded.owner AND source_leases.expires_at >= ${now}
                     THEN source_leases.acquired_at ELSE excluded.acquired_at END,
        owner = excluded.owner,
        expires_at = excluded.expires_at
      WHERE source_leases.owner = excluded.owner OR source_leases.expires_at < ${now} OR ${force} = 1
      RETURNING token`.execute(this.db);
    const row = result.rows[0];
    return row ? { sourceId, owner, token: Number(row.token), expiresAt } : null;
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    const expiresAt = this.clock.now() + ttlMs;
    const result = await this.db
      .updateTable('source_leases')
      .set({ expires_at: expiresAt })
      .where('source_id', '=', lease.sourceId)
      .where('owner', '=', lease.owner)
      .where('token', '=', lease.token)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    lease.expiresAt = expiresAt;
    return true;
  }

  async releaseLease(lease: Lease): Promise<void> {
    await this.db
      .updateTable('source_leases')
      .set({ expires_at: 0 })
      .where('source_id', '=', lease.sourceId)
      .where('owner', '=', lease.owner)
      .where('token', '=', lease.token)
      .execute();
  }

  async listLeases(): Promise<LeaseRecord[]> {
    const rows = await this.db.selectFrom('source_leases').selectAll().orderBy('source_id').execute();
    return rows.map((r) => ({ sourceId: r.source_id, owner: r.owner, token: Number(r.token), expiresAt: Number(r.expires_at), acquiredAt: Number(r.acquired_at) }));
  }

  async takeBudgetSlot(key: string, limits: { windowMs: number; perWindow: number; perDay: number }): Promise<BudgetSlot> {
    const now = this.clock.now();
    const hold = await this.db.selectFrom('budget_holds').select('hold_until').where('budget_key', '=', key).executeTakeFirst();
    if (hold && Number(hold.hold_until) > now) return { ok: false, reason: 'hold', retryAt: Number(hold.hold_until) };
    const windowStart = Math.floor(now / limits.windowMs) * limits.windowMs;
    if (!(await this.#take(key, `s:${windowStart}`, limits.perWindow, now))) return { ok: false, reason: 'window', retryAt: windowStart + limits.windowMs };
    if (!(await this.#take(key, `d:${utcDay(now)}`, limits.perDay, now))) return { ok: false, reason: 'day', retryAt: nextUtcMidnight(now) };
    await this.#prune(now);
    return { ok: true };
  }

  async holdBudget(key: string, untilMs: number): Promise<void> {
    await sql`
      INSERT INTO budget_holds (budget_key, hold_until) VALUES (${key}, ${untilMs})
      ON CONFLICT (budget_key) DO UPDATE SET hold_until = excluded.hold_until
      WHERE budget_holds.hold_until < excluded.hold_until`.execute(this.db);
  }

  /** One more request in a window, unless it holds `limit` already. */
  async #take(key: string, windowKey: string, limit: number, now: number): Promise<boolean> {
    const result = await sql<{ used: number }>`
      INSERT INTO request_budget (budget_key, window_key, used, created_at) VALUES (${key}, ${windowKey}, 1, ${now})
      ON CONFLICT (budget_key, window_key) DO UPDATE SET used = request_budget.used + 1
      WHERE request_budget.used < ${limit}
      RETURNING used`.execute(this.db);
    return result.rows.length > 0;
  }

  async #prune(now: number): Promise<void> {
    if (now - this.#lastPrune < 3_600_000) return;
    this.#lastPrune = now;
    await this.db
      .deleteFrom('request_budget')
      .where('created_at', '<', now - BUDGET_WINDOW_RETENTION_MS)
      .where('window_key', 'like', 's:%')
      .execute();
    await this.db
      .deleteFrom('request_budget')
      .where('created_at', '<', now - 7 * BUDGET_WINDOW_RETENTION_MS)
      .execute();
  }
}
