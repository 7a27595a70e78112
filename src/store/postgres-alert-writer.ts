import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { acceptingBounds, addMatch, inGroupingOrder, startGroup } from '../domain/alert-grouping.js';
import { destinationWants } from '../domain/destination-filter.js';
import type { AlertRecord, AlertStatus, DetectionCommit, DetectionCommitResult } from './alert-store.js';
import type { DeliveryAttemptInput } from './destination-store.js';
import { newHistoryId, toAlertRecord, toDestinationRecord, groupState, JOINED_GROUP_ORDER_BY } from './alert-rows.js';
import { insertDelivery } from './postgres-delivery-insert.js';
import { withRetry } from './postgres-transaction.js';
import { UnknownAlertError } from './store-errors.js';
import type { AlertHistoryTable, StoreTables } from './store-tables.js';

type Trx = Transaction<StoreTables>;

function insertHistory(trx: Trx, entry: Omit<AlertHistoryTable, 'id'>): Promise<unknown> {
  return trx
    .insertInto('alert_history')
    .values({ id: newHistoryId(entry.at as number), ...entry })
    .execute();
}

/**
 * PostgreSQL's multi-statement writes for detections and alerts, each one
 * transaction through Kysely, with the same behaviour as SqliteAlertWriter
 * (the grouping rules are the pure functions of alert-grouping.ts).
 *
 * Safe with several processes on one database: rows are claimed with one
 * `DELETE ... WHERE row_id = ANY($1) RETURNING row_id` (a row deleted by a
 * concurrent commit is not returned, so it is claimed once in all); before
 * grouping, the transaction takes a transaction-scoped advisory lock per
 * (rule, dedup) it touches, in sorted order, so two commits never both start
 * a group for the same key, and candidate groups are read `FOR UPDATE`.
 */
export class PostgresAlertWriter {
  constructor(private readonly db: Kysely<StoreTables>) {}

  commitDetection(commit: DetectionCommit, now: number): Promise<DetectionCommitResult> {
    return withRetry(() => this.db.transaction().execute((trx) => commitDetection(trx, commit, now)));
  }

  setAlertStatus(id: string, status: AlertStatus, note: string | null, now: number, by: string): Promise<AlertRecord> {
    return withRetry(() =>
      this.db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('alerts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!before) throw new UnknownAlertError(id);
        if (before.status !== status) {
          await trx.updateTable('alerts').set({ status, status_changed_at: now, status_note: note, updated_at: now }).where('id', '=', id).execute();
          await insertHistory(trx, { alert_id: id, at: now, actor: by, kind: 'status', from_value: before.status, to_value: status, note });
          if (status === 'resolved') {
            const rows = await trx.selectFrom('deliveries').select('destination_id').distinct().where('alert_id', '=', id).where('notice', '=', 'raised').execute();
            for (const { destination_id } of rows) await insertDelivery(trx, id, destination_id, 'resolved', now);
          }
        }
        return toAlertRecord(await trx.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
      }),
    );
  }

  assignAlert(id: string, assignee: string | null, note: string | null, now: number, by: string): Promise<AlertRecord> {
    return withRetry(() =>
      this.db.transaction().execute(async (trx) => {
        const before = await trx.selectFrom('alerts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!before) throw new UnknownAlertError(id);
        if ((before.assignee ?? null) !== assignee) {
          await trx.updateTable('alerts').set({ assignee, updated_at: now }).where('id', '=', id).execute();
          await insertHistory(trx, { alert_id: id, at: now, actor: by, kind: 'assignee', from_value: before.assignee ?? null, to_value: assignee, note });
        }
        return toAlertRecord(await trx.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
      }),
    );
  }

  recordDeliveryAttempt(a: DeliveryAttemptInput): Promise<void> {
    return withRetry(() =>
      this.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('deliveries').select('attempts').where('id', '=', a.deliveryId).forUpdate().executeTakeFirst();
        if (!row) return;
        const attempt = Number(row.attempts) + 1;
        await trx
          .insertInto('delivery_attempts')
          .values({ delivery_id: a.deliveryId, attempt, at: a.at, ok: a.ok ? 1 : 0, status: a.status, message: a.message, duration_ms: Math.round(a.durationMs) })
          .execute();
        await trx
          .updateTable('deliveries')
          .set({
            state: a.ok ? 'delivered' : a.retryAt === null ? 'failed' : 'pending',
            attempts: attempt,
            next_attempt_at: a.ok || a.retryAt === null ? a.at : a.retryAt,
            last_status: a.status,
            last_error: a.ok ? null : a.message,
            updated_at: a.at,
            delivered_at: a.ok ? a.at : null,
            // The attempt is recorded: the claim ends, so the next attempt can be claimed when due.
            claimed_by: null,
            claim_until: null,
          })
          .where('id', '=', a.deliveryId)
          .execute();
      }),
    );
  }

  removeDestination(id: string): Promise<boolean> {
    return withRetry(() =>
      this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('deliveries').where('destination_id', '=', id).where('state', '=', 'pending').execute();
        const result = await trx.deleteFrom('destinations').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      }),
    );
  }
}

async function commitDetection(trx: Trx, commit: DetectionCommit, now: number): Promise<DetectionCommitResult> {
  const claimed = new Set<string>();
  const rowIds = [...new Set(commit.rowIds)].sort();
  const ledger = commit.ledger === 'history' ? 'history_pending' : 'detection_pending';
  for (let i = 0; i < rowIds.length; i += 1000) {
    const result = await sql<{ row_id: string }>`DELETE FROM ${sql.table(ledger)} WHERE row_id = ANY(${rowIds.slice(i, i + 1000)}::text[]) RETURNING row_id`.execute(trx);
    for (const { row_id } of result.rows) claimed.add(row_id);
  }
  const raised: AlertRecord[] = [];
  let matched = 0;
  const matches = inGroupingOrder(commit.matches).filter((m) => claimed.has(m.rowId));

  // One advisory lock per (rule, dedup), in one order: a concurrent commit for the same key waits here.
  const keys = [...new Set(matches.map((m) => JSON.stringify([m.ruleId, m.dedup])))].sort();
  for (const key of keys) await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 7261))`.execute(trx);

  let destinations: ReturnType<typeof toDestinationRecord>[] | undefined;
  for (const match of matches) {
    matched++;
    const { after, before } = acceptingBounds(match.eventTimeMs, match.dedupPeriodMs);
    let candidates = trx
      .selectFrom('alerts')
      .selectAll()
      .where('type', '=', 'rule')
      .where('rule_id', '=', match.ruleId)
      .where('dedup', '=', match.dedup)
      .where('status', '!=', 'resolved')
      .where('first_event_ms', '>', after)
      .where('first_event_ms', '<', before) // implied by the next (first <= last); bounds the index scan on both sides
      .where('last_event_ms', '<', before);
    for (const { column, direction } of JOINED_GROUP_ORDER_BY) candidates = candidates.orderBy(column, direction);
    const existing = await candidates.limit(1).forUpdate().executeTakeFirst();
    let alertId: string;
    let raisedNow: boolean;
    if (existing) {
      alertId = existing.id;
      const next = addMatch(groupState(existing), match.eventTimeMs, now);
      raisedNow = next.raisedNow;
      await trx
        .updateTable('alerts')
        .set({
          first_event_ms: next.group.firstEventMs,
          last_event_ms: next.group.lastEventMs,
          event_count: next.group.eventCount,
          raised_at: next.group.raisedAt,
          updated_at: now,
        })
        .where('id', '=', alertId)
        .execute();
    } else {
      alertId = randomUUID();
      const next = startGroup(match.eventTimeMs, match.threshold, now);
      raisedNow = next.raisedNow;
      await trx
        .insertInto('alerts')
        .values({
          id: alertId,
          type: 'rule',
          rule_id: match.ruleId,
          dedup: match.dedup,
          title: match.title,
          severity: match.severity,
          first_event_ms: next.group.firstEventMs,
          last_event_ms: next.group.lastEventMs,
          event_count: next.group.eventCount,
          dedup_period_ms: match.dedupPeriodMs,
          threshold: next.group.threshold,
          raised_at: next.group.raisedAt,
          status: 'open',
          status_changed_at: null,
          status_note: null,
          context_json: JSON.stringify(match.context),
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    await trx
      .insertInto('alert_events')
      .values({ alert_id: alertId, row_id: match.rowId })
      .onConflict((oc) => oc.doNothing())
      .execute();
    if (raisedNow) {
      const alert = toAlertRecord(await trx.selectFrom('alerts').selectAll().where('id', '=', alertId).executeTakeFirstOrThrow());
      destinations ??= (await trx.selectFrom('destinations').selectAll().where('enabled', '=', 1).orderBy('created_at').orderBy('id').execute()).map(toDestinationRecord);
      for (const destination of destinations) {
        if (destinationWants(destination, alert, match.destinations)) await insertDelivery(trx, alert.id, destination.id, 'raised', now);
      }
      raised.push(alert);
    }
  }

  const errors = commit.errors.filter((e) => claimed.has(e.rowId));
  if (errors.length > 0) {
    await trx
      .insertInto('rule_errors')
      .values(
        errors.map((e) => ({
          rule_id: e.ruleId,
          row_id: e.rowId,
          function_name: e.functionName,
          source_id: e.sourceId,
          log_type: e.logType,
          message: e.message,
          at: now,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return { claimed: claimed.size, raised, matched };
}
