import { sql, type Migration } from 'kysely';
import { isPostgres } from './is-postgres.js';

/**
 * SQLite: `event_indicators` refers to its event by the event's rowid (issue 14 §2,
 * bytes on disk per event). The key was (kind, value, event_time_ms, row_id): the
 * 26-character row id in every key, 3 to 4 keys an event (e-mail, IP, country, ASN),
 * about a third of the table. Now it is (kind, value, event_time_ms, event_rowid),
 * `event_rowid` being the rowid of the event in `events` (as `events_search_keys`
 * and `sign_ins` keep it: migrations 007 and 025), an integer of 3 to 4 bytes. An
 * indicator page still reads the keys of a value in time order off the table; the
 * events of one time are put in row-id order by a sort of that time's few rows
 * ("LAST TERM OF ORDER BY"), and an indicator filter joins `events.rowid`, the
 * table's own key.
 *
 * PostgreSQL has no rowid: its table keeps `row_id` (nothing changes). Numbered 026
 * (given to this change).
 */
export const indicatorsByEventRowidMigration: Migration = {
  async up(db): Promise<void> {
    if (isPostgres(db)) return;
    await sql`CREATE TABLE event_indicators_next (
        kind text NOT NULL,
        value text NOT NULL,
        event_time_ms integer NOT NULL,
        event_rowid integer NOT NULL,
        CONSTRAINT event_indicators_pk PRIMARY KEY (kind, value, event_time_ms, event_rowid)
      ) WITHOUT ROWID`.execute(db);
    // Over events' row-id index; a key without its event (none expected) is left out.
    await sql`INSERT INTO event_indicators_next (kind, value, event_time_ms, event_rowid)
      SELECT i.kind, i.value, i.event_time_ms, e.rowid FROM event_indicators i JOIN events e ON e.row_id = i.row_id
      ORDER BY i.kind, i.value, i.event_time_ms, e.rowid`.execute(db);
    await sql`DROP TABLE event_indicators`.execute(db);
    await sql`ALTER TABLE event_indicators_next RENAME TO event_indicators`.execute(db);
  },

  async down(db): Promise<void> {
    if (isPostgres(db)) return;
    await sql`CREATE TABLE event_indicators_prev (
        row_id text NOT NULL,
        kind text NOT NULL,
        value text NOT NULL,
        event_time_ms integer NOT NULL,
        CONSTRAINT event_indicators_pk PRIMARY KEY (kind, value, event_time_ms, row_id)
      ) WITHOUT ROWID`.execute(db);
    await sql`INSERT INTO event_indicators_prev (row_id, kind, value, event_time_ms)
      SELECT e.row_id, i.kind, i.value, i.event_time_ms FROM event_indicators i JOIN events e ON e.rowid = i.event_rowid
      ORDER BY i.kind, i.value, i.event_time_ms, e.row_id`.execute(db);
    await sql`DROP TABLE event_indicators`.execute(db);
    await sql`ALTER TABLE event_indicators_prev RENAME TO event_indicators`.execute(db);
  },
};
