import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../shared/clock.js';
import type { LogType } from '../zoom/report-records.js';
import type { AlertRecord } from './alert-store.js';
import { toAlertRecord } from './alert-rows.js';
import { HEARTBEAT_RETENTION_MS, type HealthCounts, type Heartbeat, type HeartbeatOutcome, type HeartbeatQuery } from './health-store.js';
import type { DayCoverage, DayState } from './store.js';
import type { HeartbeatsTable, StoreTables } from './store-tables.js';

const PRUNE_EVERY_MS = 3_600_000;

/**
 * Heartbeats and the reads of source health through Kysely (dialect-neutral,
 * shared by every store). Raising and resolving system alarms are
 * multi-statement writes: each store does them in its own transaction.
 */
export class HealthRepository {
  #lastPruneAt = 0;

  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly clock: Clock,
  ) {}

  async recordHeartbeat(h: Heartbeat): Promise<void> {
    await this.db
      .insertInto('heartbeats')
      .values({
        source_id: h.sourceId,
        log_type: h.logType,
        at: h.at,
        outcome: h.outcome,
        error_code: h.errorCode,
        records: h.records,
        duration_ms: Math.max(0, Math.round(h.durationMs)),
      })
      .execute();
    const now = this.clock.now();
    if (now - this.#lastPruneAt >= PRUNE_EVERY_MS) {
      this.#lastPruneAt = now;
      await this.db
        .deleteFrom('heartbeats')
        .where('at', '<', now - HEARTBEAT_RETENTION_MS)
        .execute();
    }
  }

  async listHeartbeats(query: HeartbeatQuery): Promise<Heartbeat[]> {
    let q = this.db.selectFrom('heartbeats').selectAll().where('source_id', '=', query.sourceId);
    if (query.sinceMs !== undefined) q = q.where('at', '>=', query.sinceMs);
    if (query.logType !== undefined) q = q.where('log_type', '=', query.logType);
    const rows = await q
      .orderBy('at', 'desc')
      .limit(query.limit ?? 1000)
      .execute();
    return rows.map(toHeartbeat);
  }

  async healthCounts(sourceId: string, sinceMs: number): Promise<HealthCounts> {
    const [records, failures, ruleErrors] = await Promise.all([
      this.db
        .selectFrom('heartbeats')
        .select((eb) => eb.fn.sum<number | string | null>('records').as('n'))
        .where('source_id', '=', sourceId)
        .where('at', '>=', sinceMs)
        .executeTakeFirst(),
      this.db
        .selectFrom('classification_failures')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('source_id', '=', sourceId)
        .where('failed_at', '>=', sinceMs)
        .executeTakeFirst(),
      this.db
        .selectFrom('rule_errors')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('source_id', '=', sourceId)
        .where('at', '>=', sinceMs)
        .executeTakeFirst(),
    ]);
    return { records: Number(records?.n ?? 0), classificationFailures: Number(failures?.n ?? 0), ruleErrors: Number(ruleErrors?.n ?? 0) };
  }

  async listLateRecordDays(sourceId: string, fromDay: string, limit = 100): Promise<DayCoverage[]> {
    const rows = await this.db
      .selectFrom('day_coverage')
      .selectAll()
      .where('source_id', '=', sourceId)
      .where('day', '>=', fromDay)
      .where('gained_after_complete', '>', 0)
      .orderBy('day', 'desc')
      .orderBy('log_type')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      sourceId: row.source_id,
      logType: row.log_type as LogType,
      day: row.day,
      records: Number(row.records),
      lastFullReadAt: row.last_full_read_at === null ? null : Number(row.last_full_read_at),
      state: row.state as DayState,
      ambiguous: Number(row.ambiguous) !== 0,
      gainedAfterComplete: Number(row.gained_after_complete),
      lastError: row.last_error,
      updatedAt: Number(row.updated_at),
    }));
  }

  async listOpenSystemAlerts(query: { ruleId?: string; sourceId?: string } = {}): Promise<AlertRecord[]> {
    let q = this.db.selectFrom('alerts').selectAll().where('type', '=', 'system').where('status', '!=', 'resolved');
    if (query.ruleId !== undefined) q = q.where('rule_id', '=', query.ruleId);
    const sourceId = query.sourceId;
    if (sourceId !== undefined) q = q.where((eb) => eb.or([eb('dedup', '=', sourceId), eb.and([eb('dedup', '>=', `${sourceId}:`), eb('dedup', '<', `${sourceId};`)])]));
    const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(500).execute();
    return rows.map(toAlertRecord);
  }
}

function toHeartbeat(row: Selectable<HeartbeatsTable>): Heartbeat {
  return {
    sourceId: row.source_id,
    logType: row.log_type as LogType,
    at: Number(row.at),
    outcome: row.outcome as HeartbeatOutcome,
    errorCode: row.error_code,
    records: Number(row.records),
    durationMs: Number(row.duration_ms),
  };
}
