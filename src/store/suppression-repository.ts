import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../shared/clock.js';
import type { StoreTables } from './store-tables.js';
import type { NewSuppression, SuppressionRecord, SuppressionStore } from './suppression-store.js';

/** Rule suppressions through Kysely: single statements, dialect-neutral, shared by every store. */
export class SuppressionRepository implements SuppressionStore {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly clock: Clock,
  ) {}

  async createSuppression(input: NewSuppression): Promise<SuppressionRecord> {
    const row = {
      id: randomUUID(),
      rule_id: input.ruleId,
      match_json: JSON.stringify(input.match),
      reason: input.reason,
      until_ms: input.untilMs,
      created_by: input.createdBy,
      created_at: this.clock.now(),
    };
    await this.db.insertInto('rule_suppressions').values(row).execute();
    return { ...input, id: row.id, createdAt: row.created_at, suppressedCount: 0, lastSuppressedMs: null };
  }

  async listSuppressions(query: { ruleId?: string } = {}): Promise<SuppressionRecord[]> {
    let q = this.db.selectFrom('rule_suppressions').selectAll();
    if (query.ruleId !== undefined) q = q.where('rule_id', '=', query.ruleId);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      ruleId: r.rule_id,
      match: JSON.parse(r.match_json) as unknown[],
      reason: r.reason,
      untilMs: r.until_ms === null ? null : Number(r.until_ms),
      createdBy: r.created_by,
      createdAt: Number(r.created_at),
      suppressedCount: Number(r.suppressed_count),
      lastSuppressedMs: r.last_suppressed_ms === null ? null : Number(r.last_suppressed_ms),
    }));
  }

  async deleteSuppression(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('rule_suppressions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async recordSuppressed(counts: ReadonlyMap<string, { count: number; lastEventMs: number }>): Promise<void> {
    for (const [id, { count, lastEventMs }] of counts) {
      await this.db
        .updateTable('rule_suppressions')
        .set({
          suppressed_count: sql`suppressed_count + ${count}`,
          last_suppressed_ms: sql`CASE WHEN last_suppressed_ms IS NULL OR last_suppressed_ms < ${lastEventMs} THEN ${lastEventMs} ELSE last_suppressed_ms END`,
        })
        .where('id', '=', id)
        .execute();
    }
  }
}
