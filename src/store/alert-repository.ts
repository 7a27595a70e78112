import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Clock } from '../shared/clock.js';
import type { DestinationSecret } from '../domain/destination-settings.js';
import type { AlertFilter, AlertHistoryEntry, AlertQuery, AlertRecord, RuleErrorQuery, RuleErrorRecord } from './alert-store.js';
import type { DeliveryAttemptRecord, DeliveryQuery, DeliveryRecord, DestinationPatch, DestinationRecord, NewDestination } from './destination-store.js';
import { afterPosition, ALERT_SORT_KEYS } from './alert-order.js';
import { destinationSecretContext, newHistoryId, toAlertHistoryEntry, toAlertRecord, toDeliveryAttemptRecord, toDeliveryRecord, toDestinationRecord } from './alert-rows.js';
import type { SecretBox } from './secret-box.js';
import { toStoredEvent } from './event-reader.js';
import { DuplicateDestinationError, UnknownAlertError, UnknownDestinationError } from './store-errors.js';
import type { StoredEvent } from './store.js';
import type { StoreTables } from './store-tables.js';
import type { LogType } from '../zoom/report-records.js';

/**
 * Reads and single-statement writes of the detection and alert tables through
 * Kysely (dialect-neutral, shared by every store). Multi-statement changes
 * (detection commits, status changes, delivery attempts) are the stores' own,
 * in their transactions.
 */
export class AlertRepository {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async listPendingDetection(limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('detection_pending')
      .innerJoin('events', 'events.row_id', 'detection_pending.row_id')
      .selectAll('events')
      .orderBy('detection_pending.row_id')
      .limit(limit)
      .execute();
    return rows.map(toStoredEvent);
  }

  async countPendingDetection(): Promise<number> {
    const row = await this.db
      .selectFrom('detection_pending')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async listRuleErrors(query: RuleErrorQuery): Promise<RuleErrorRecord[]> {
    let q = this.db.selectFrom('rule_errors').selectAll();
    if (query.ruleId !== undefined) q = q.where('rule_id', '=', query.ruleId);
    const rows = await q
      .orderBy('at', 'desc')
      .orderBy('rule_id')
      .orderBy('row_id')
      .limit(query.limit ?? 100)
      .execute();
    return rows.map((r) => ({
      ruleId: r.rule_id,
      rowId: r.row_id,
      sourceId: r.source_id,
      logType: r.log_type as LogType,
      functionName: r.function_name,
      message: r.message,
      at: Number(r.at),
    }));
  }

  async countRuleErrors(query: Omit<RuleErrorQuery, 'limit'>): Promise<number> {
    let q = this.db.selectFrom('rule_errors').select((eb) => eb.fn.countAll().as('n'));
    if (query.ruleId !== undefined) q = q.where('rule_id', '=', query.ruleId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  async listAlerts(query: AlertQuery): Promise<AlertRecord[]> {
    const sort = query.sort ?? 'last-event';
    let q = this.filterAlerts(this.db.selectFrom('alerts').selectAll(), query);
    if (query.after) q = q.where(afterPosition(sort, query.after));
    for (const key of ALERT_SORT_KEYS[sort]) q = q.orderBy(key.sql, key.direction);
    const rows = await q.limit(query.limit ?? 100).execute();
    return rows.map(toAlertRecord);
  }

  async countAlerts(filter: AlertFilter): Promise<number> {
    const row = await this.filterAlerts(this.db.selectFrom('alerts'), filter)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Raised alerts matching the filter. */
  private filterAlerts<O>(q: SelectQueryBuilder<StoreTables, 'alerts', O>, filter: AlertFilter): SelectQueryBuilder<StoreTables, 'alerts', O> {
    q = q.where('raised_at', 'is not', null);
    if (filter.status?.length) q = q.where('status', 'in', [...filter.status]);
    if (filter.severity?.length) q = q.where('severity', 'in', [...filter.severity]);
    if (filter.ruleId !== undefined) q = q.where('rule_id', '=', filter.ruleId);
    if (filter.assignee === null) q = q.where('assignee', 'is', null);
    else if (filter.assignee !== undefined) q = q.where('assignee', '=', filter.assignee);
    const sourceId = filter.sourceId;
    if (sourceId !== undefined) {
      // Through the alert's matched events (alert_events' key, then events' key): no scan of events.
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('alert_events')
            .innerJoin('events', 'events.row_id', 'alert_events.row_id')
            .select(sql.lit(1).as('one'))
            .whereRef('alert_events.alert_id', '=', 'alerts.id')
            .where('events.source_id', '=', sourceId),
        ),
      );
    }
    if (filter.sinceMs !== undefined) q = q.where('raised_at', '>=', filter.sinceMs);
    if (filter.untilMs !== undefined) q = q.where('raised_at', '<', filter.untilMs);
    return q;
  }

  async getAlert(id: string): Promise<AlertRecord | undefined> {
    const row = await this.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAlertRecord(row);
  }

  async commentOnAlert(id: string, note: string, by: string): Promise<AlertHistoryEntry> {
    if (!(await this.getAlert(id))) throw new UnknownAlertError(id);
    const now = this.clock.now();
    const row = { id: newHistoryId(now), alert_id: id, at: now, actor: by, kind: 'comment', from_value: null, to_value: null, note };
    await this.db.insertInto('alert_history').values(row).execute();
    return toAlertHistoryEntry(row);
  }

  async alertHistory(id: string, limit = 1000): Promise<AlertHistoryEntry[]> {
    const rows = await this.db.selectFrom('alert_history').selectAll().where('alert_id', '=', id).orderBy('at').orderBy('id').limit(limit).execute();
    return rows.map(toAlertHistoryEntry);
  }

  async alertRowIds(alertId: string, limit = 1000): Promise<string[]> {
    const rows = await this.db.selectFrom('alert_events').select('row_id').where('alert_id', '=', alertId).orderBy('row_id').limit(limit).execute();
    return rows.map((r) => r.row_id);
  }

  async createDestination(input: NewDestination): Promise<DestinationRecord> {
    if (await this.getDestination(input.name)) throw new DuplicateDestinationError(input.name);
    const id = randomUUID();
    const now = this.clock.now();
    const row = await this.db
      .insertInto('destinations')
      .values({
        id,
        name: input.name,
        kind: input.kind,
        settings_json: JSON.stringify(input.settings),
        secret_sealed: input.secret === null ? null : this.box.seal(input.secret, destinationSecretContext(id)),
        enabled: input.enabled ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDestinationRecord(row);
  }

  async updateDestination(id: string, patch: DestinationPatch): Promise<DestinationRecord> {
    if (patch.name !== undefined) {
      const other = await this.getDestination(patch.name);
      if (other && other.id !== id) throw new DuplicateDestinationError(patch.name);
    }
    const row = await this.db
      .updateTable('destinations')
      .set({
        updated_at: this.clock.now(),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.settings !== undefined ? { settings_json: JSON.stringify(patch.settings) } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
        ...(patch.secret !== undefined ? { secret_sealed: patch.secret === null ? null : this.box.seal(patch.secret, destinationSecretContext(id)) } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new UnknownDestinationError(id);
    return toDestinationRecord(row);
  }

  async getDestination(idOrName: string): Promise<DestinationRecord | undefined> {
    const row = await this.db
      .selectFrom('destinations')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .orderBy('created_at')
      .executeTakeFirst();
    return row && toDestinationRecord(row);
  }

  async listDestinations(): Promise<DestinationRecord[]> {
    const rows = await this.db.selectFrom('destinations').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toDestinationRecord);
  }

  async getDestinationSecret(id: string): Promise<DestinationSecret> {
    const row = await this.db.selectFrom('destinations').select('secret_sealed').where('id', '=', id).executeTakeFirst();
    if (!row) throw new UnknownDestinationError(id);
    return row.secret_sealed === null ? null : this.box.open(row.secret_sealed, destinationSecretContext(id));
  }

  async dueDeliveries(now: number, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toDeliveryRecord);
  }

  /**
   * Claims up to `limit` due deliveries for `owner` until `now + claimMs`, in one
   * statement: a delivery claimed by another live instance is skipped, so one
   * alert is sent by one instance. (The outer condition is checked again on
   * each row as it is updated, which makes the claim safe on PostgreSQL too.)
   */
  async claimDueDeliveries(owner: string, now: number, limit: number, claimMs: number): Promise<DeliveryRecord[]> {
    const due = this.db
      .selectFrom('deliveries')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claim_until', 'is', null), eb('claim_until', '<', now)]))
      .orderBy('next_attempt_at')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit);
    const rows = await this.db
      .updateTable('deliveries')
      .set({ claimed_by: owner, claim_until: now + claimMs })
      .where('id', 'in', due)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('claim_until', 'is', null), eb('claim_until', '<', now)]))
      .returningAll()
      .execute();
    return rows.map(toDeliveryRecord).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async nextDeliveryDueAt(): Promise<number | null> {
    const row = await this.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('due'))
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  }

  async listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    let q = this.db.selectFrom('deliveries').selectAll();
    if (query.alertId !== undefined) q = q.where('alert_id', '=', query.alertId);
    if (query.destinationId !== undefined) q = q.where('destination_id', '=', query.destinationId);
    if (query.state !== undefined) q = q.where('state', '=', query.state);
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(query.limit ?? 100)
      .execute();
    return rows.map(toDeliveryRecord);
  }

  async listDeliveryAttempts(deliveryId: string): Promise<DeliveryAttemptRecord[]> {
    const rows = await this.db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').execute();
    return rows.map(toDeliveryAttemptRecord);
  }
}
