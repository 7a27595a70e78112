import type { Logger } from 'pino';
import { rowIdFor } from '../collect/row-identity.js';
import type { DetectableEvent } from '../detect/detector.js';
import { INTERNAL_SOURCE_ID, INTERNAL_SOURCE_NAME } from '../domain/internal-source.js';
import { utcDay } from '../shared/clock.js';
import type { Normalizer } from '../normalize/normalizer.js';
import { normalizerFor } from '../normalize/log-type-registry.js';
import { formatTimestamp } from '../normalize/timestamp-parser.js';
import type { Clock } from '../shared/clock.js';
import type { AuditEntry, AuditStore, NewAuditEntry } from '../store/audit-store.js';
import type { EventRow, EventStore } from '../store/store.js';
import { ZOOMTRAIL_AUDIT_LOG_TYPE } from '../zoom/report-records.js';

/**
 * The audit trail as events: every audit_log row is also stored as an event of log type
 * `Zoomtrail.Audit` under the internal source, so it is in events search, forwarded like any
 * event, and the rules run on it (the page commit queues it for detection).
 *
 * Exactly once by audit id: the event's row id is derived from the audit id, and the page commit
 * skips a row id already stored. The audit row and its event are two writes (the audit repository
 * and the page writers are separate transactions); `catchUpAuditEvents` (run at start) stores the
 * event of any audit row a crash left without one.
 */
export interface AuditEventDeps {
  store: AuditStore & Pick<EventStore, 'commitPage'>;
  clock: Clock;
  logger: Logger;
  /** The Zoomtrail.Audit normalizer; default the registry's. */
  normalizer?: Normalizer;
  /** Told about the events just stored (detection right away); the detection queue catches what it misses. */
  onStored?: (events: DetectableEvent[]) => Promise<void>;
}

/** The row id of an audit entry's event: time-ordered like a Zoom event's, from the audit id alone. */
export function auditEventRowId(entry: Pick<AuditEntry, 'id' | 'at'>): string {
  return rowIdFor(INTERNAL_SOURCE_ID, ZOOMTRAIL_AUDIT_LOG_TYPE, entry.id, 0, entry.at);
}

/** The raw `Zoomtrail.Audit` record of an entry (schemas/zoomtrail-audit.yml); absent values left out. */
export function auditEventRecord(entry: AuditEntry): Record<string, unknown> {
  const record: Record<string, unknown> = {
    id: entry.id,
    time: formatTimestamp(entry.at),
    actor: entry.actor,
    actor_kind: entry.actorKind,
    action: entry.action,
    outcome: entry.outcome,
    status: entry.status,
  };
  if (entry.address !== null) record.address = entry.address;
  if (entry.objectType !== null) record.object_type = entry.objectType;
  if (entry.objectId !== null) record.object_id = entry.objectId;
  if (entry.change !== null && typeof entry.change === 'object' && !Array.isArray(entry.change)) record.changed_fields = Object.keys(entry.change).sort();
  if (entry.before !== null && entry.before !== undefined) record.before = entry.before;
  if (entry.after !== null && entry.after !== undefined) record.after = entry.after;
  if (entry.change !== null && entry.change !== undefined) record.change = entry.change;
  return record;
}

/** Stores the events of these audit entries (those not stored yet); returns the row ids it inserted. */
export async function publishAuditEvents(deps: AuditEventDeps, entries: readonly AuditEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const normalizer = deps.normalizer ?? normalizerFor(ZOOMTRAIL_AUDIT_LOG_TYPE);
  const now = deps.clock.now();
  const rows: EventRow[] = [];
  for (const entry of entries) {
    const rowId = auditEventRowId(entry);
    const result = normalizer.normalize(auditEventRecord(entry), { sourceId: INTERNAL_SOURCE_ID, sourceLabel: INTERNAL_SOURCE_NAME, rowId, parseTimeMs: now });
    if (!result.ok) {
      // Cannot happen for a record built above; never lose the audit row over it.
      deps.logger.error({ auditId: entry.id, reason: result.problem.reason }, 'audit trail: the entry could not be stored as a Zoomtrail.Audit event');
      continue;
    }
    const { event, eventTimeMs, emails, ipAddresses } = result.value;
    event.p_row_id = rowId;
    rows.push({ rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event });
  }
  const commit = await deps.store.commitPage({ sourceId: INTERNAL_SOURCE_ID, logType: ZOOMTRAIL_AUDIT_LOG_TYPE, events: rows, failures: [], days: [], stream: {} });
  if (commit.insertedEventIds.length > 0 && deps.onStored) {
    const inserted = new Set(commit.insertedEventIds);
    const events = rows
      .filter((row) => inserted.has(row.rowId))
      .map((row) => ({ rowId: row.rowId, sourceId: INTERNAL_SOURCE_ID, logType: ZOOMTRAIL_AUDIT_LOG_TYPE, eventTimeMs: row.eventTimeMs, event: row.event }));
    try {
      await deps.onStored(events);
    } catch (error) {
      deps.logger.error({ err: error }, 'audit trail: detection on its events failed; the detection queue retries');
    }
  }
  return commit.insertedEventIds;
}

/** Appends an entry to the audit trail and stores its event: the one way Zoomtrail records an action. */
export async function recordAudit(deps: AuditEventDeps, entry: NewAuditEntry): Promise<AuditEntry> {
  const saved = await deps.store.appendAudit(entry);
  try {
    await publishAuditEvents(deps, [saved]);
  } catch (error) {
    // The audit row is written; catchUpAuditEvents stores its event at the next start.
    deps.logger.error({ err: error, auditId: saved.id }, 'audit trail: the Zoomtrail.Audit event could not be stored yet');
  }
  return saved;
}

/** Stores the events of audit entries since `sinceMs` that have none (after a crash between the two writes); returns how many. */
export async function catchUpAuditEvents(deps: AuditEventDeps, sinceMs: number): Promise<number> {
  const entries = await deps.store.listAudit({ since: sinceMs, limit: 10_000 });
  let inserted = 0;
  for (let i = 0; i < entries.length; i += 500) inserted += (await publishAuditEvents(deps, entries.slice(i, i + 500))).length;
  return inserted;
}
