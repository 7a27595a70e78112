import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../shared/clock.js';
import type { AuditEntry, AuditQuery, AuditStore, NewAuditEntry } from './audit-store.js';
import type { AuditLogTable, StoreTables } from './store-tables.js';

const MAX_LIMIT = 10_000;

/** The audit_log table through Kysely, for every store: inserts and selects only. */
export class AuditRepository implements AuditStore {
  /** Entries of the same millisecond keep their order: ids sort by (time, sequence) within a process. */
  private sequence = 0;

  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly clock: Clock,
  ) {}

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const at = this.clock.now();
    const id = `aud_${at.toString(36).padStart(10, '0')}_${(this.sequence++).toString(36).padStart(8, '0')}_${randomUUID().slice(0, 8)}`;
    await this.db
      .insertInto('audit_log')
      .values({
        id,
        at,
        actor: entry.actor,
        actor_kind: entry.actorKind,
        address: entry.address,
        action: entry.action,
        object_type: entry.objectType,
        object_id: entry.objectId,
        outcome: entry.outcome,
        status: entry.status,
        before_json: json(entry.before),
        after_json: json(entry.after),
        change_json: json(entry.change),
      })
      .execute();
    return { ...entry, id, at };
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    let select = this.db.selectFrom('audit_log').selectAll();
    if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
    if (query.action !== undefined) select = select.where('action', '=', query.action);
    if (query.objectType !== undefined) select = select.where('object_type', '=', query.objectType);
    if (query.objectId !== undefined) select = select.where('object_id', '=', query.objectId);
    if (query.since !== undefined) select = select.where('at', '>=', query.since);
    const limit = Math.max(1, Math.min(query.limit ?? 100, MAX_LIMIT));
    const rows = await select.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toEntry);
  }
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function parsed(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    at: Number(row.at),
    actor: row.actor,
    actorKind: row.actor_kind as AuditEntry['actorKind'],
    address: row.address,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    outcome: row.outcome === 'failed' ? 'failed' : 'ok',
    status: Number(row.status),
    before: parsed(row.before_json),
    after: parsed(row.after_json),
    change: parsed(row.change_json),
  };
}
