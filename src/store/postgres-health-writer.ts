import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { destinationWants } from '../domain/destination-filter.js';
import type { AlertRecord } from './alert-store.js';
import { toAlertRecord, toDestinationRecord } from './alert-rows.js';
import type { SystemAlertInput } from './health-store.js';
import { insertDelivery } from './postgres-delivery-insert.js';
import { withRetry } from './postgres-transaction.js';
import type { StoreTables } from './store-tables.js';

type Trx = Transaction<StoreTables>;

/**
 * PostgreSQL's writes of system alarms, with SqliteHealthWriter's behaviour,
 * each one transaction. A transaction-scoped advisory lock on (rule id, dedup)
 * makes find-or-insert safe when several instances raise the same alarm.
 */
export class PostgresHealthWriter {
  constructor(private readonly db: Kysely<StoreTables>) {}

  raiseSystemAlert(input: SystemAlertInput, now: number): Promise<{ alert: AlertRecord; raised: boolean }> {
    return withRetry(() =>
      this.db.transaction().execute(async (trx) => {
        const open = await findOpen(trx, input.ruleId, input.dedup);
        const context = JSON.stringify(input.context);
        if (open) {
          await trx.updateTable('alerts').set({ title: input.title, context_json: context, last_event_ms: now, updated_at: now }).where('id', '=', open).execute();
          return { alert: await getAlert(trx, open), raised: false };
        }
        const id = randomUUID();
        await trx
          .insertInto('alerts')
          .values({
            id,
            type: 'system',
            rule_id: input.ruleId,
            dedup: input.dedup,
            title: input.title,
            severity: input.severity,
            first_event_ms: input.firstEventMs ?? now,
            last_event_ms: now,
            event_count: 1,
            dedup_period_ms: 0,
            threshold: 1,
            raised_at: now,
            status: 'open',
            status_changed_at: null,
            status_note: null,
            context_json: context,
            created_at: now,
            updated_at: now,
          })
          .execute();
        const alert = await getAlert(trx, id);
        const destinations = await trx.selectFrom('destinations').selectAll().where('enabled', '=', 1).orderBy('created_at').orderBy('id').execute();
        for (const row of destinations) {
          const destination = toDestinationRecord(row);
          if (destinationWants(destination, alert)) await insertDelivery(trx, id, destination.id, 'raised', now);
        }
        return { alert, raised: true };
      }),
    );
  }

  resolveSystemAlert(ruleId: string, dedup: string, note: string, now: number): Promise<AlertRecord | undefined> {
    return withRetry(() =>
      this.db.transaction().execute(async (trx) => {
        const open = await findOpen(trx, ruleId, dedup);
        if (!open) return undefined;
        await trx.updateTable('alerts').set({ status: 'resolved', status_changed_at: now, status_note: note, updated_at: now }).where('id', '=', open).execute();
        const rows = await trx.selectFrom('deliveries').select('destination_id').distinct().where('alert_id', '=', open).where('notice', '=', 'raised').execute();
        for (const { destination_id } of rows) await insertDelivery(trx, open, destination_id, 'resolved', now);
        return getAlert(trx, open);
      }),
    );
  }
}

/** Locks (rule id, dedup) for the transaction, then finds its open system alarm (locked too). */
async function findOpen(trx: Trx, ruleId: string, dedup: string): Promise<string | undefined> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${JSON.stringify(['system', ruleId, dedup])}, 7261))`.execute(trx);
  const row = await trx
    .selectFrom('alerts')
    .select('id')
    .where('type', '=', 'system')
    .where('rule_id', '=', ruleId)
    .where('dedup', '=', dedup)
    .where('status', '!=', 'resolved')
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  return row?.id;
}

async function getAlert(trx: Trx, id: string): Promise<AlertRecord> {
  return toAlertRecord(await trx.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}
