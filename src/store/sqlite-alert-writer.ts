import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { acceptingBounds, addMatch, inGroupingOrder, startGroup } from '../domain/alert-grouping.js';
import { destinationWants } from '../domain/destination-filter.js';
import type { AlertRecord, AlertStatus, DetectionCommit, DetectionCommitResult } from './alert-store.js';
import type { DeliveryAttemptInput } from './destination-store.js';
import { newHistoryId, toAlertRecord, toDestinationRecord, groupState, JOINED_GROUP_ORDER_BY } from './alert-rows.js';
import { UnknownAlertError } from './store-errors.js';
import { BOUND, prepareQuery, requiredRow, sqliteQueries } from './sqlite-statements.js';

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/**
 * The group a match joins: one rule, one dedup string, not resolved, spanning less than a period with the match.
 * Bound: rule id, dedup, after, before, before. `first_event_ms < before` follows from `last_event_ms < before`
 * (a group's first event is never after its last) and bounds the scan of `alerts_group` on both sides:
 * without it a backfill (newest events first) read every later group of the rule and dedup for each match.
 */
function findGroupQuery() {
  let query = sqliteQueries
    .selectFrom('alerts')
    .selectAll()
    .where('type', '=', sql.lit('rule'))
    .where('rule_id', '=', BOUND)
    .where('dedup', '=', BOUND)
    .where('status', '!=', sql.lit('resolved'))
    .where('first_event_ms', '>', BOUND)
    .where('first_event_ms', '<', BOUND)
    .where('last_event_ms', '<', BOUND);
  for (const { column, direction } of JOINED_GROUP_ORDER_BY) query = query.orderBy(column, direction);
  return query.limit(sql.lit(1));
}

const INSERT_ALERT = `INSERT INTO alerts (id, type, rule_id, dedup, title, severity, first_event_ms, last_event_ms, event_count,
    dedup_period_ms, threshold, raised_at, status, status_changed_at, status_note, context_json, created_at, updated_at)
  VALUES (@id, 'rule', @ruleId, @dedup, @title, @severity, @firstEventMs, @lastEventMs, @eventCount,
    @dedupPeriodMs, @threshold, @raisedAt, 'open', NULL, NULL, @context, @now, @now)`;

const UPDATE_GROUP = `UPDATE alerts SET first_event_ms = @firstEventMs, last_event_ms = @lastEventMs, event_count = @eventCount,
    raised_at = @raisedAt, updated_at = @now WHERE id = @id`;

const INSERT_DELIVERY = `INSERT INTO deliveries (id, alert_id, destination_id, notice, state, attempts, next_attempt_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (alert_id, destination_id, notice) DO NOTHING`;

/**
 * SQLite's multi-statement writes for detections and alerts, each one
 * synchronous better-sqlite3 transaction (never interleaved with another
 * write on the single connection).
 */
export class SqliteAlertWriter {
  readonly #commitDetection: (commit: DetectionCommit, now: number) => DetectionCommitResult;
  readonly #setStatus: (id: string, status: AlertStatus, note: string | null, now: number, by: string) => AlertRecord;
  readonly #assign: (id: string, assignee: string | null, note: string | null, now: number, by: string) => AlertRecord;
  readonly #recordAttempt: (attempt: DeliveryAttemptInput) => void;
  readonly #removeDestination: (id: string) => boolean;

  constructor(db: Database) {
    const prep = (sql: string): Statement => db.prepare(sql);
    const s = {
      deletePending: prep('DELETE FROM detection_pending WHERE row_id = ?'),
      deleteHistoryPending: prep('DELETE FROM history_pending WHERE row_id = ?'),
      findGroup: prepareQuery(db, findGroupQuery()),
      insertAlert: prep(INSERT_ALERT),
      updateGroup: prep(UPDATE_GROUP),
      getAlert: prepareQuery(db, sqliteQueries.selectFrom('alerts').selectAll().where('id', '=', BOUND)),
      insertAlertEvent: prep('INSERT INTO alert_events (alert_id, row_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      insertRuleError: prep(`INSERT INTO rule_errors (rule_id, row_id, function_name, source_id, log_type, message, at)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      destinations: prepareQuery(db, sqliteQueries.selectFrom('destinations').selectAll().where('enabled', '=', sql.lit(1)).orderBy('created_at').orderBy('id')),
      insertDelivery: prep(INSERT_DELIVERY),
      setStatus: prep(`UPDATE alerts SET status = ?, status_changed_at = ?, status_note = ?, updated_at = ? WHERE id = ?`),
      setAssignee: prep(`UPDATE alerts SET assignee = ?, updated_at = ? WHERE id = ?`),
      insertHistory: prep(`INSERT INTO alert_history (id, alert_id, at, actor, kind, from_value, to_value, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      raisedDestinations: prepareQuery(
        db,
        sqliteQueries.selectFrom('deliveries').select('destination_id').distinct().where('alert_id', '=', BOUND).where('notice', '=', sql.lit('raised')),
      ),
      getDelivery: prepareQuery(db, sqliteQueries.selectFrom('deliveries').select('attempts').where('id', '=', BOUND)),
      insertAttempt: prep(`INSERT INTO delivery_attempts (delivery_id, attempt, at, ok, status, message, duration_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      updateDelivery: prep(`UPDATE deliveries SET state = @state, attempts = @attempts, next_attempt_at = @nextAttemptAt,
        last_status = @status, last_error = @error, updated_at = @at, delivered_at = @deliveredAt,
        claimed_by = NULL, claim_until = NULL WHERE id = @id`),
      removePendingDeliveries: prep(`DELETE FROM deliveries WHERE destination_id = ? AND state = 'pending'`),
      removeDestination: prep('DELETE FROM destinations WHERE id = ?'),
    };

    const enqueueRaised = (alert: AlertRecord, routedTo: readonly string[] | null | undefined, now: number) => {
      for (const row of s.destinations.all()) {
        const destination = toDestinationRecord(row);
        if (destinationWants(destination, alert, routedTo)) s.insertDelivery.run(randomUUID(), alert.id, destination.id, 'raised', now, now, now);
      }
    };

    this.#commitDetection = db.transaction((commit: DetectionCommit, now: number): DetectionCommitResult => {
      const claimed = new Set<string>();
      const ledger = commit.ledger === 'history' ? s.deleteHistoryPending : s.deletePending;
      for (const rowId of commit.rowIds) if (ledger.run(rowId).changes > 0) claimed.add(rowId);
      const raised: AlertRecord[] = [];
      let matched = 0;
      for (const match of inGroupingOrder(commit.matches)) {
        if (!claimed.has(match.rowId)) continue;
        matched++;
        const { after, before } = acceptingBounds(match.eventTimeMs, match.dedupPeriodMs);
        const existing = s.findGroup.get(match.ruleId, match.dedup, after, before, before);
        let alertId: string;
        let raisedNow: boolean;
        if (existing) {
          alertId = existing.id;
          const next = addMatch(groupState(existing), match.eventTimeMs, now);
          raisedNow = next.raisedNow;
          s.updateGroup.run({ id: alertId, ...next.group, now });
        } else {
          alertId = randomUUID();
          const next = startGroup(match.eventTimeMs, match.threshold, now);
          raisedNow = next.raisedNow;
          s.insertAlert.run({
            id: alertId,
            ruleId: match.ruleId,
            dedup: match.dedup,
            title: match.title,
            severity: match.severity,
            dedupPeriodMs: match.dedupPeriodMs,
            context: JSON.stringify(match.context),
            ...next.group,
            now,
          });
        }
        s.insertAlertEvent.run(alertId, match.rowId);
        if (raisedNow) {
          const alert = toAlertRecord(requiredRow(s.getAlert.get(alertId), `alert ${alertId}`));
          enqueueRaised(alert, match.destinations, now);
          raised.push(alert);
        }
      }
      for (const error of commit.errors) {
        if (!claimed.has(error.rowId)) continue;
        s.insertRuleError.run(error.ruleId, error.rowId, error.functionName, error.sourceId, error.logType, error.message, now);
      }
      return { claimed: claimed.size, raised, matched };
    });

    this.#setStatus = db.transaction((id: string, status: AlertStatus, note: string | null, now: number, by: string): AlertRecord => {
      const before = s.getAlert.get(id);
      if (!before) throw new UnknownAlertError(id);
      if (before.status !== status) {
        s.setStatus.run(status, now, note, now, id);
        s.insertHistory.run(newHistoryId(now), id, now, by, 'status', before.status, status, note);
        if (status === 'resolved') {
          for (const { destination_id } of s.raisedDestinations.all(id)) {
            s.insertDelivery.run(randomUUID(), id, destination_id, 'resolved', now, now, now);
          }
        }
      }
      return toAlertRecord(requiredRow(s.getAlert.get(id), `alert ${id}`));
    });

    this.#assign = db.transaction((id: string, assignee: string | null, note: string | null, now: number, by: string): AlertRecord => {
      const before = s.getAlert.get(id);
      if (!before) throw new UnknownAlertError(id);
      if ((before.assignee ?? null) !== assignee) {
        s.setAssignee.run(assignee, now, id);
        s.insertHistory.run(newHistoryId(now), id, now, by, 'assignee', before.assignee ?? null, assignee, note);
      }
      return toAlertRecord(requiredRow(s.getAlert.get(id), `alert ${id}`));
    });

    this.#recordAttempt = db.transaction((a: DeliveryAttemptInput) => {
      const row = s.getDelivery.get(a.deliveryId);
      if (!row) return;
      const attempt = Number(row.attempts) + 1;
      s.insertAttempt.run(a.deliveryId, attempt, a.at, a.ok ? 1 : 0, a.status, a.message, Math.round(a.durationMs));
      s.updateDelivery.run({
        id: a.deliveryId,
        state: a.ok ? 'delivered' : a.retryAt === null ? 'failed' : 'pending',
        attempts: attempt,
        nextAttemptAt: a.ok || a.retryAt === null ? a.at : a.retryAt,
        status: a.status,
        error: a.ok ? null : a.message,
        at: a.at,
        deliveredAt: a.ok ? a.at : null,
      });
    });

    this.#removeDestination = db.transaction((id: string) => {
      s.removePendingDeliveries.run(id);
      return s.removeDestination.run(id).changes > 0;
    });
  }

  commitDetection(commit: DetectionCommit, now: number): DetectionCommitResult {
    return this.#commitDetection(commit, now);
  }

  setAlertStatus(id: string, status: AlertStatus, note: string | null, now: number, by: string): AlertRecord {
    return this.#setStatus(id, status, note, now, by);
  }

  assignAlert(id: string, assignee: string | null, note: string | null, now: number, by: string): AlertRecord {
    return this.#assign(id, assignee, note, now, by);
  }

  recordDeliveryAttempt(attempt: DeliveryAttemptInput): void {
    this.#recordAttempt(attempt);
  }

  removeDestination(id: string): boolean {
    return this.#removeDestination(id);
  }
}
