import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { JOINED_GROUP_ORDER, type GroupSpan, type GroupState } from '../domain/alert-grouping.js';
import type { Severity } from '../domain/severity.js';
import type { DestinationKind, DestinationSettings } from '../domain/destination-settings.js';
import type { AlertHistoryEntry, AlertRecord, AlertStatus } from './alert-store.js';
import type { DeliveryAttemptRecord, DeliveryNotice, DeliveryRecord, DeliveryState, DestinationRecord } from './destination-store.js';
import type { AlertHistoryTable, AlertsTable, DeliveriesTable, DeliveryAttemptsTable, DestinationsTable } from './store-tables.js';

/** Row -> record conversions for the alert tables, shared by every store. */
export function toAlertRecord(row: Selectable<AlertsTable>): AlertRecord {
  return {
    id: row.id,
    type: row.type as AlertRecord['type'],
    ruleId: row.rule_id,
    dedup: row.dedup,
    title: row.title,
    severity: row.severity as Severity,
    firstEventMs: Number(row.first_event_ms),
    lastEventMs: Number(row.last_event_ms),
    eventCount: Number(row.event_count),
    dedupPeriodMs: Number(row.dedup_period_ms),
    threshold: Number(row.threshold),
    raisedAt: row.raised_at === null ? null : Number(row.raised_at),
    status: row.status as AlertStatus,
    statusChangedAt: row.status_changed_at === null ? null : Number(row.status_changed_at),
    statusNote: row.status_note,
    assignee: row.assignee ?? null,
    context: JSON.parse(row.context_json) as Record<string, unknown>,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

let historySequence = 0;

/**
 * A new alert_history id that sorts after every id this process gave out
 * before (its time, then a per-process counter, then randomness): the
 * history's order (at, id) is the order of the changes even within one ms.
 */
export function newHistoryId(now: number): string {
  historySequence = (historySequence + 1) % 36 ** 6;
  return `${Math.max(0, now).toString(36).padStart(10, '0')}${historySequence.toString(36).padStart(6, '0')}${randomUUID().slice(0, 8)}`;
}

export function toAlertHistoryEntry(row: Selectable<AlertHistoryTable>): AlertHistoryEntry {
  return {
    id: row.id,
    alertId: row.alert_id,
    at: Number(row.at),
    actor: row.actor,
    kind: row.kind as AlertHistoryEntry['kind'],
    from: row.from_value,
    to: row.to_value,
    note: row.note,
  };
}

export function toDestinationRecord(row: Selectable<DestinationsTable>): DestinationRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DestinationKind,
    settings: JSON.parse(row.settings_json) as DestinationSettings,
    enabled: Number(row.enabled) !== 0,
    hasSecret: row.secret_sealed !== null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function toDeliveryRecord(row: Selectable<DeliveriesTable>): DeliveryRecord {
  return {
    id: row.id,
    alertId: row.alert_id,
    destinationId: row.destination_id,
    notice: row.notice as DeliveryNotice,
    state: row.state as DeliveryState,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
  };
}

export function toDeliveryAttemptRecord(row: Selectable<DeliveryAttemptsTable>): DeliveryAttemptRecord {
  return {
    deliveryId: row.delivery_id,
    attempt: Number(row.attempt),
    at: Number(row.at),
    ok: Number(row.ok) !== 0,
    status: row.status === null ? null : Number(row.status),
    message: row.message,
    durationMs: Number(row.duration_ms),
  };
}

/** Associated data binding a sealed destination secret to its row. */
export function destinationSecretContext(destinationId: string): string {
  return `destinations/${destinationId}/secret`;
}

/** A stored alert group as the pure grouping functions see it. */
export function groupState(row: Selectable<AlertsTable>): GroupState {
  return {
    firstEventMs: Number(row.first_event_ms),
    lastEventMs: Number(row.last_event_ms),
    eventCount: Number(row.event_count),
    threshold: Number(row.threshold),
    raisedAt: row.raised_at === null ? null : Number(row.raised_at),
  };
}

const GROUP_SPAN_COLUMNS: Record<keyof GroupSpan, 'first_event_ms' | 'last_event_ms'> = { firstEventMs: 'first_event_ms', lastEventMs: 'last_event_ms' };

/**
 * The ORDER BY that picks the group a match joins (alert-grouping.ts's
 * JOINED_GROUP_ORDER, as columns), then `id` so the pick is deterministic
 * even for two identical spans (possible only after a reopen).
 */
export const JOINED_GROUP_ORDER_BY: ReadonlyArray<{ column: 'first_event_ms' | 'last_event_ms' | 'id'; direction: 'asc' | 'desc' }> = [
  ...JOINED_GROUP_ORDER.map(({ key, direction }) => ({ column: GROUP_SPAN_COLUMNS[key], direction })),
  { column: 'id', direction: 'asc' },
];
