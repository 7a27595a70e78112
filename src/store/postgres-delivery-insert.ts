import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { StoreTables } from './store-tables.js';

/**
 * Queues one notice of an alert for one destination, inside the transaction that
 * raised or resolved the alert; a notice already queued stays as it is. Both the
 * detection writer (rule alerts) and the health writer (system alerts) queue this way.
 */
export async function insertDelivery(trx: Transaction<StoreTables>, alertId: string, destinationId: string, notice: 'raised' | 'resolved', now: number): Promise<void> {
  await trx
    .insertInto('deliveries')
    .values({
      id: randomUUID(),
      alert_id: alertId,
      destination_id: destinationId,
      notice,
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      last_status: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      delivered_at: null,
    })
    .onConflict((oc) => oc.columns(['alert_id', 'destination_id', 'notice']).doNothing())
    .execute();
}
