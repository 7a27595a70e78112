import { sql, type Kysely, type Migration } from 'kysely';
import { INDICATOR_KIND_CODES } from '../indicator-kind-codes.js';
import { isPostgres } from './is-postgres.js';

/**
 * SQLite: `event_indicators.kind` as a small integer (issue 14 §2, bytes on disk per
 * event): `country` 0, `email` 1, `ip` 2, `asn` 3 (indicator-kind-codes.ts). The name
 * led every key of the table (3 to 4 keys an event), 2 to 7 bytes each; an integer of
 * 0 or 1 takes none (its type in the record header says it), 2 and 3 one byte. The
 * key's order within a kind is unchanged (value, event time, event rowid), so each query
 * reads the same keys in the same order.
 *
 * PostgreSQL keeps the names (nothing changes): EventSql.indicatorKind gives each
 * store's form. Numbered 027 (given to this change).
 */
export const indicatorKindCodesMigration: Migration = {
  async up(db): Promise<void> {
    if (isPostgres(db)) return;
    await rebuild(db, 'integer', caseOf('kind', Object.entries(INDICATOR_KIND_CODES)));
  },

  async down(db): Promise<void> {
    if (isPostgres(db)) return;
    await rebuild(
      db,
      'text',
      caseOf(
        'kind',
        Object.entries(INDICATOR_KIND_CODES).map(([name, code]) => [code, name]),
      ),
    );
  },
};

/** `CASE column WHEN from THEN to ... END` over literal pairs (the kind codes and names: constants, never input; also migration 035's). */
export function caseOf(column: string, pairs: ReadonlyArray<readonly [string | number, string | number]>): string {
  const literal = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`);
  return `CASE ${column} ${pairs.map(([from, to]) => `WHEN ${literal(from)} THEN ${literal(to)}`).join(' ')} END`;
}

/**
 * Copies `event_indicators` into a table whose kind column is `kindType`, each kind through `kindExpression`, in key order;
 * a key of another kind (none expected) is left out. The event is named as the table names it: by `event_rowid` (after
 * migration 026) or by `row_id` (a database that runs this before 026, out of order: 026 then copies the kinds as they are).
 */
async function rebuild(db: Kysely<unknown>, kindType: 'integer' | 'text', kindExpression: string): Promise<void> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM pragma_table_info('event_indicators')`.execute(db);
  const link = rows.some((r) => r.name === 'event_rowid') ? 'event_rowid integer' : 'row_id text';
  const linkName = link.split(' ')[0]!;
  await sql
    .raw(
      `CREATE TABLE event_indicators_next (
        kind ${kindType} NOT NULL,
        value text NOT NULL,
        event_time_ms integer NOT NULL,
        ${link} NOT NULL,
        CONSTRAINT event_indicators_pk PRIMARY KEY (kind, value, event_time_ms, ${linkName})
      ) WITHOUT ROWID`,
    )
    .execute(db);
  await sql
    .raw(
      `INSERT INTO event_indicators_next (kind, value, event_time_ms, ${linkName})
      SELECT k, value, event_time_ms, ${linkName} FROM (SELECT ${kindExpression} AS k, value, event_time_ms, ${linkName} FROM event_indicators)
      WHERE k IS NOT NULL ORDER BY 1, 2, 3, 4`,
    )
    .execute(db);
  await sql`DROP TABLE event_indicators`.execute(db);
  await sql`ALTER TABLE event_indicators_next RENAME TO event_indicators`.execute(db);
}
