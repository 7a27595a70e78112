import { sql, type Kysely, type Transaction } from 'kysely';
import type { StoreTables } from './store-tables.js';

/**
 * The forward log's reading horizon on PostgreSQL (transactional outbox).
 *
 * A transaction that took seq 10 may commit after one that took seq 11, so
 * readers order the log by `(xid, seq)` and read only below a horizon under
 * which no row can still appear. That horizon used to be the snapshot's xmin:
 * the oldest transaction still running anywhere in the cluster, so any other
 * application's long write transaction, in any database, held forwarding back.
 *
 * Now only this store's own writers count. Every transaction that inserts into
 * `forward_log` takes a shared advisory lock for the schema as its very first
 * statement, before it has a transaction id (PostgreSQL assigns one at the
 * first write or row lock). A reader takes the same lock exclusively, which
 * waits for the writers in flight and holds new ones at the door; with the
 * lock held, the next transaction id to be assigned (`pg_snapshot_xmax`) is the
 * horizon. A writer with a smaller id has then ended (it held the shared lock
 * while it ran), and any later writer gets a larger id (it asks for its id
 * only after the reader's lock is released). The reader holds the lock for two
 * statements; writers wait at most that long.
 *
 * Migration 030's trigger refuses an insert into `forward_log` by a
 * transaction that does not hold the shared lock, so a code path that forgot
 * it fails loudly instead of losing rows for its sinks.
 */
export const FORWARD_LOG_LOCK_CLASS = 0x5a54_464c; // "ZTFL"
const LOCK_KEY = sql`${sql.lit(FORWARD_LOG_LOCK_CLASS)}, hashtext(current_schema())`;

/** The first statement of every transaction that may insert into `forward_log`. */
export async function lockForForwardLogWrite(trx: Transaction<StoreTables>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(${LOCK_KEY})`.execute(trx);
}

/** The xid8 (as text) below which every row of `forward_log` has been committed or rolled back for good. */
export function forwardLogHorizon(db: Kysely<StoreTables>): Promise<string> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
    // A second statement: in READ COMMITTED its snapshot is taken after the lock was granted.
    const { rows } = await sql<{ horizon: string }>`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS horizon`.execute(trx);
    return rows[0]!.horizon;
  });
}

/** SQL for migration 030's trigger: true when this transaction holds the writers' shared lock. */
export const HOLDS_FORWARD_LOG_WRITE_LOCK = `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
  AND classid = ${FORWARD_LOG_LOCK_CLASS}::oid AND objid = hashtext(current_schema())::oid AND objsubid = 2 AND mode = 'ShareLock')`;
