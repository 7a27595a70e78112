import { sql, type Kysely } from 'kysely';
import type { CoverageRecord } from '../domain/coverage-digest.js';
import type { Clock } from '../shared/clock.js';
import type { SinkLease } from './sink-coverage-store.js';
import type { StoreTables } from './store-tables.js';

const DAY_MS = 86_400_000;

/** Coverage records and sink leases through Kysely (dialect-neutral); each lease operation one statement. */
export class SinkCoverageRepository {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly clock: Clock,
  ) {}

  async listCoverageRecords(options: { fromDay: string; toDay: string }): Promise<CoverageRecord[]> {
    const rows = await this.db
      .selectFrom('coverage_records')
      .selectAll()
      .where('day', '>=', options.fromDay)
      .where('day', '<=', options.toDay)
      .orderBy('day')
      .orderBy('log_type')
      .orderBy('source_id')
      .orderBy('version')
      .execute();
    return rows.map(toCoverageRecord);
  }

  /** Coverage records by id (the forward log's coverage rows), in that order. */
  async coverageRecordsById(ids: readonly string[]): Promise<CoverageRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('coverage_records')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, toCoverageRecord(r)]));
    return ids.map((id) => byId.get(id)).filter((r): r is CoverageRecord => r !== undefined);
  }

  async dayEventRowIds(logType: string, day: string, sourceId?: string): Promise<string[]> {
    const start = Date.parse(`${day}T00:00:00.000Z`);
    let query = this.db
      .selectFrom('events')
      .select('row_id')
      .where('log_type', '=', logType)
      .where('event_time_ms', '>=', start)
      .where('event_time_ms', '<', start + DAY_MS);
    if (sourceId !== undefined) query = query.where('source_id', '=', sourceId);
    const rows = await query.execute();
    return rows.map((r) => r.row_id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async acquireSinkLease(sinkId: string, owner: string, ttlMs: number): Promise<SinkLease | null> {
    const now = this.clock.now();
    const expiresAt = now + ttlMs;
    const result = await sql<{ token: number | string }>`
      INSERT INTO sink_leases (sink_id, owner, token, expires_at, acquired_at)
      VALUES (${sinkId}, ${owner}, 1, ${expiresAt}, ${now})
      ON CONFLICT (sink_id) DO UPDATE SET
        token = CASE WHEN sink_leases.owner = excluded.owner AND sink_leases.expires_at >= ${now}
                     THEN sink_leases.token ELSE sink_leases.token + 1 END,
        acquired_at = CASE WHEN sink_leases.owner = excluded.owner AND sink_leases.expires_at >= ${now}
                     THEN sink_leases.acquired_at ELSE excluded.acquired_at END,
        owner = excluded.owner,
        expires_at = excluded.expires_at
      WHERE sink_leases.owner = excluded.owner OR sink_leases.expires_at < ${now}
      RETURNING token`.execute(this.db);
    const row = result.rows[0];
    return row ? { sinkId, owner, token: Number(row.token), expiresAt } : null;
  }

  async renewSinkLease(lease: SinkLease, ttlMs: number): Promise<boolean> {
    const expiresAt = this.clock.now() + ttlMs;
    const result = await this.db
      .updateTable('sink_leases')
      .set({ expires_at: expiresAt })
      .where('sink_id', '=', lease.sinkId)
      .where('owner', '=', lease.owner)
      .where('token', '=', lease.token)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    lease.expiresAt = expiresAt;
    return true;
  }

  async releaseSinkLease(lease: SinkLease): Promise<void> {
    await this.db.updateTable('sink_leases').set({ expires_at: 0 }).where('sink_id', '=', lease.sinkId).where('owner', '=', lease.owner).where('token', '=', lease.token).execute();
  }

  async listSinkLeases(): Promise<SinkLease[]> {
    const rows = await this.db.selectFrom('sink_leases').selectAll().orderBy('sink_id').execute();
    return rows.map((r) => ({ sinkId: r.sink_id, owner: r.owner, token: Number(r.token), expiresAt: Number(r.expires_at) }));
  }
}

function toCoverageRecord(r: {
  id: string;
  source_id: string;
  log_type: string;
  day: string;
  version: number;
  state: string;
  event_count: number;
  records: number;
  late_records: number;
  digest: string;
  created_at: number | string | bigint;
}): CoverageRecord {
  return {
    id: r.id,
    sourceId: r.source_id,
    logType: r.log_type,
    day: r.day,
    version: Number(r.version),
    state: r.state,
    eventCount: Number(r.event_count),
    records: Number(r.records),
    lateRecords: Number(r.late_records),
    digest: r.digest,
    createdAt: Number(r.created_at),
  };
}
