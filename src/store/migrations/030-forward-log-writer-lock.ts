import { sql, type Migration } from 'kysely';
import { HOLDS_FORWARD_LOG_WRITE_LOCK } from '../postgres-forward-log-horizon.js';
import { isPostgres } from './is-postgres.js';

/**
 * PostgreSQL: a row of `forward_log` may only be inserted by a transaction that
 * holds the writers' shared advisory lock (postgres-forward-log-horizon.ts).
 * Readers no longer wait for every transaction of the cluster, only for the
 * lock's holders, so a writer without the lock could commit a row below a
 * sink's cursor and the sink would never see it. The trigger turns that into
 * an error at the insert (the page is retried, nothing is lost). SQLite has one
 * writer and no horizon: nothing.
 */
export const forwardLogWriterLockMigration: Migration = {
  async up(db): Promise<void> {
    if (!isPostgres(db)) return;
    await sql`CREATE OR REPLACE FUNCTION forward_log_requires_writer_lock() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT ${sql.raw(HOLDS_FORWARD_LOG_WRITE_LOCK)} THEN
          RAISE EXCEPTION 'forward_log insert without the writers'' lock'
            USING HINT = 'Every transaction that writes the forward log must call lockForForwardLogWrite first (postgres-forward-log-horizon.ts); run every Zoomtrail instance on the same version.';
        END IF;
        RETURN NEW;
      END $$`.execute(db);
    await sql`CREATE TRIGGER forward_log_writer_lock BEFORE INSERT ON forward_log FOR EACH ROW EXECUTE FUNCTION forward_log_requires_writer_lock()`.execute(db);
  },

  async down(db): Promise<void> {
    if (!isPostgres(db)) return;
    await sql`DROP TRIGGER IF EXISTS forward_log_writer_lock ON forward_log`.execute(db);
    await sql`DROP FUNCTION IF EXISTS forward_log_requires_writer_lock()`.execute(db);
  },
};
