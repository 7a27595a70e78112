import { sql, type Kysely } from 'kysely';
import { withRetry } from './postgres-transaction.js';
import type { StoreTables } from './store-tables.js';

/** Child tables first, the source last (as sqlite-source-remover.ts). */
const DELETES = (id: string) => [
  sql`DELETE FROM detection_pending WHERE row_id IN (SELECT row_id FROM events WHERE source_id = ${id})`,
  sql`DELETE FROM alert_events WHERE row_id IN (SELECT row_id FROM events WHERE source_id = ${id})`,
  sql`DELETE FROM rule_errors WHERE source_id = ${id}`,
  // By the events' ids (migration 035); no index by event: one scan of the table.
  sql`DELETE FROM event_indicators WHERE event_id IN (SELECT id FROM events WHERE source_id = ${id})`,
  sql`DELETE FROM events WHERE source_id = ${id}`,
  sql`DELETE FROM classification_failures WHERE source_id = ${id}`,
  sql`DELETE FROM day_coverage WHERE source_id = ${id}`,
  sql`DELETE FROM streams WHERE source_id = ${id}`,
  sql`DELETE FROM heartbeats WHERE source_id = ${id}`,
  sql`DELETE FROM sources WHERE id = ${id}`,
];

/**
 * Deletes a source with its streams, coverage, events, indicators, failures,
 * queued detections, rule errors and heartbeats (alerts stay) in one
 * PostgreSQL transaction; returns whether the source existed. The source row
 * is locked first (`FOR UPDATE`): a page commit in flight (which holds it
 * `FOR SHARE`) finishes before the deletes, and one that starts later waits,
 * then finds no source (UnknownSourceError) instead of leaving orphan rows.
 */
export function removePostgresSource(db: Kysely<StoreTables>, sourceId: string): Promise<boolean> {
  return withRetry(() =>
    db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('sources').select('id').where('id', '=', sourceId).forUpdate().executeTakeFirst();
      if (!row) return false;
      for (const statement of DELETES(sourceId)) await statement.execute(trx);
      return true;
    }),
  );
}
