import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { destinationWants } from '../domain/destination-filter.js';
import type { AlertRecord } from './alert-store.js';
import { toAlertRecord, toDestinationRecord } from './alert-rows.js';
import type { SystemAlertInput } from './health-store.js';
import { BOUND, prepareQuery, requiredRow, sqliteQueries } from './sqlite-statements.js';

/** The open system alarm of a rule id and dedup. Bound: rule id, dedup. */
const FIND_OPEN = sqliteQueries
  .selectFrom('alerts')
  .selectAll()
  .where('type', '=', sql.lit('system'))
  .where('rule_id', '=', BOUND)
  .where('dedup', '=', BOUND)
  .where('status', '!=', sql.lit('resolved'))
  .orderBy('created_at', 'desc')
  .limit(sql.lit(1));

const INSERT_SYSTEM_ALERT = `INSERT INTO alerts (id, type, rule_id, dedup, title, severity, first_event_ms, last_event_ms, event_count,
    dedup_period_ms, threshold, raised_at, status, status_changed_at, status_note, context_json, created_at, updated_at)
  VALUES (@id, 'system', @ruleId, @dedup, @title, @severity, @firstEventMs, @now, 1, 0, 1, @now, 'open', NULL, NULL, @context, @now, @now)`;

const INSERT_DELIVERY = `INSERT INTO deliveries (id, alert_id, destination_id, notice, state, attempts, next_attempt_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (alert_id, destination_id, notice) DO NOTHING`;

/**
 * SQLite's writes of system alarms, each one synchronous better-sqlite3
 * transaction (the PostgreSQL store does the same in its own transactions):
 * - raise: find the open alarm of (rule id, dedup); if none, insert the alert
 *   (type `system`, raised now) and a `raised` delivery per enabled destination
 *   that wants it; if one is open, refresh its context, title and last time.
 * - resolve: find the open alarm; set it `resolved` with the note and queue a
 *   `resolved` delivery to every destination told it was raised.
 */
export class SqliteHealthWriter {
  readonly #raise: (input: SystemAlertInput, now: number) => { alert: AlertRecord; raised: boolean };
  readonly #resolve: (ruleId: string, dedup: string, note: string, now: number) => AlertRecord | undefined;

  constructor(db: BetterSqlite3.Database) {
    const s = {
      findOpen: prepareQuery(db, FIND_OPEN),
      insert: db.prepare(INSERT_SYSTEM_ALERT),
      refresh: db.prepare('UPDATE alerts SET title = ?, context_json = ?, last_event_ms = ?, updated_at = ? WHERE id = ?'),
      get: prepareQuery(db, sqliteQueries.selectFrom('alerts').selectAll().where('id', '=', BOUND)),
      destinations: prepareQuery(db, sqliteQueries.selectFrom('destinations').selectAll().where('enabled', '=', sql.lit(1)).orderBy('created_at').orderBy('id')),
      insertDelivery: db.prepare(INSERT_DELIVERY),
      resolve: db.prepare(`UPDATE alerts SET status = 'resolved', status_changed_at = ?, status_note = ?, updated_at = ? WHERE id = ?`),
      raisedDestinations: prepareQuery(
        db,
        sqliteQueries.selectFrom('deliveries').select('destination_id').distinct().where('alert_id', '=', BOUND).where('notice', '=', sql.lit('raised')),
      ),
    };

    this.#raise = db.transaction((input: SystemAlertInput, now: number) => {
      const open = s.findOpen.get(input.ruleId, input.dedup);
      const context = JSON.stringify(input.context);
      if (open) {
        s.refresh.run(input.title, context, now, now, open.id);
        return { alert: toAlertRecord(requiredRow(s.get.get(open.id), `alert ${open.id}`)), raised: false };
      }
      const id = randomUUID();
      s.insert.run({ id, ruleId: input.ruleId, dedup: input.dedup, title: input.title, severity: input.severity, firstEventMs: input.firstEventMs ?? now, context, now });
      const alert = toAlertRecord(requiredRow(s.get.get(id), `alert ${id}`));
      for (const row of s.destinations.all()) {
        const destination = toDestinationRecord(row);
        if (destinationWants(destination, alert)) s.insertDelivery.run(randomUUID(), id, destination.id, 'raised', now, now, now);
      }
      return { alert, raised: true };
    });

    this.#resolve = db.transaction((ruleId: string, dedup: string, note: string, now: number) => {
      const open = s.findOpen.get(ruleId, dedup);
      if (!open) return undefined;
      s.resolve.run(now, note, now, open.id);
      for (const { destination_id } of s.raisedDestinations.all(open.id)) {
        s.insertDelivery.run(randomUUID(), open.id, destination_id, 'resolved', now, now, now);
      }
      return toAlertRecord(requiredRow(s.get.get(open.id), `alert ${open.id}`));
    });
  }

  raiseSystemAlert(input: SystemAlertInput, now: number): { alert: AlertRecord; raised: boolean } {
    return this.#raise(input, now);
  }

  resolveSystemAlert(ruleId: string, dedup: string, note: string, now: number): AlertRecord | undefined {
    return this.#resolve(ruleId, dedup, note, now);
  }
}
