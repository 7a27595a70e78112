import { PostgresAdapter, sql, type Migration } from 'kysely';
import { createPostgresSignInInsertTrigger, createSqliteSignInInsertTrigger } from './009-sign-in-history.js';

/**
 * The page writers fill `sign_ins` and `history_pending` (migration 009) from
 * the event they already hold (`historyIndexOf`, src/domain/sign-in-facts.ts)
 * instead of an AFTER INSERT trigger that parsed each stored event's JSON
 * again: on SQLite that trigger was half the time of a page commit. Only the
 * INSERT trigger goes; the DELETE trigger (retention, source removal) stays.
 * Numbered 015: 011 to 014 are other branches'.
 */
export const historyIndexInWriterMigration: Migration = {
  async up(db): Promise<void> {
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`DROP TRIGGER IF EXISTS sign_ins_after_insert ON events`.execute(db);
      await sql`DROP FUNCTION IF EXISTS sign_ins_after_insert()`.execute(db);
    } else {
      await sql`DROP TRIGGER IF EXISTS sign_ins_after_insert`.execute(db);
    }
  },

  async down(db): Promise<void> {
    if (db.getExecutor().adapter instanceof PostgresAdapter) await createPostgresSignInInsertTrigger(db);
    else await createSqliteSignInInsertTrigger(db);
  },
};
