import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres } from './is-postgres.js';

/**
 * Event search at scale (issue 14): indexes that serve every filter in
 * event-time order, per-hour event counts, and trigram indexes for free text
 * and parsed change names. Dialect-specific (the first migration that is).
 *
 * Both stores:
 * - `events_time (event_time_ms)` and `events_source_time (source_id, event_time_ms)`:
 *   the newest page, time ranges, cursor pages and exports walk an index in time
 *   order instead of sorting the table. Without `row_id` in the key: ties on the
 *   event time (Zoom's times are whole seconds) are ordered by row id with a sort
 *   of each group of equal times ("LAST TERM OF ORDER BY" / Incremental Sort), as
 *   fast as a longer key and a third of its size (15 against 48 bytes an event).
 * - `events_source_type_time` is dropped: source + log type filters use
 *   `events_source_time` or `events_type_time` (kept: retention by log type).
 * - `events_action_time`, `events_category_time`: the lower-cased `action` and
 *   `category_type` (the reader's exact expressions, `actionExpression` below), then the
 *   time; partial (only events that have the field, i.e. Zoom.Operation).
 * - `event_hour_counts`: events per (UTC hour, source, log type), added to by the page
 *   writers in the page's transaction and taken from by a trigger on every DELETE of
 *   events (a retention purge, a source removal): the sparkline and long histograms
 *   read hours, not events.
 *
 * SQLite: `events_search`, an FTS5 trigram index of `operation_detail` and of the
 * parsed changes' names (contentless: it stores no text), keyed by time:
 * `events_search_keys` maps a key (the event's second * 2^20 + a sequence) to the
 * event's rowid, so the newest matches come first from the index itself. Triggers
 * on INSERT and DELETE of events keep both in step.
 *
 * PostgreSQL: `event_change_names(event_json)` (the lower-cased names, one a line)
 * and, when the pg_trgm extension can be created (it is trusted; else searches
 * read rows, as before), GIN trigram indexes on it and on `operation_detail`;
 * extended statistics on the searched expressions, so the planner knows how
 * common a text is (walk the time index for a common one, the trigram index for
 * a rare one).
 *
 * Existing rows are indexed and counted here (backfill); PostgreSQL is analyzed.
 */
export const searchIndexesMigration: Migration = {
  async up(db): Promise<void> {
    if (isPostgres(db)) await upPostgres(db);
    else await upSqlite(db);
  },

  async down(db): Promise<void> {
    const postgres = isPostgres(db);
    if (postgres) {
      await sql`DROP TRIGGER IF EXISTS event_hour_counts_after_delete ON events`.execute(db);
      await sql`DROP FUNCTION IF EXISTS event_hour_counts_after_delete()`.execute(db);
      for (const index of TRIGRAM_INDEXES) await sql`DROP INDEX IF EXISTS ${sql.id(index)}`.execute(db);
      for (const name of ['events_detail_stats', 'events_change_names_stats', 'events_action_stats', 'events_category_type_stats'])
        await sql`DROP STATISTICS IF EXISTS ${sql.id(name)}`.execute(db);
      await sql`DROP FUNCTION IF EXISTS event_change_names(text)`.execute(db);
    } else {
      for (const trigger of ['events_search_insert', 'events_search_delete', 'event_hour_counts_after_delete']) await sql`DROP TRIGGER IF EXISTS ${sql.id(trigger)}`.execute(db);
      await sql`DROP TABLE IF EXISTS events_search`.execute(db);
      await sql`DROP TABLE IF EXISTS events_search_keys`.execute(db);
    }
    await sql`DROP TABLE IF EXISTS event_hour_counts`.execute(db);
    for (const index of ['events_time', 'events_source_time', 'events_action_time', 'events_category_time']) await sql`DROP INDEX IF EXISTS ${sql.id(index)}`.execute(db);
    await db.schema.createIndex('events_source_type_time').on('events').columns(['source_id', 'log_type', 'event_time_ms']).execute();
  },
};

/** Milliseconds in the hour of `event_hour_counts`. */
export const HOUR_MS = 3_600_000;

/** Keys of `events_search` per second of event time: `second * SEARCH_KEYS_PER_SECOND + sequence`. */
export const SEARCH_KEYS_PER_SECOND = 1_048_576;

/** The JSON fields with an index of their lower-cased value (then the time). */
export type IndexedField = 'action' | 'category_type';

/**
 * The expression the reader filters `field` with and the index holds, for the
 * `event_json` column `column` (e.g. `events.event_json`): identical text, or the
 * planner cannot use the index.
 */
export function indexedFieldExpression(dialect: 'sqlite' | 'postgres', column: string, field: IndexedField): string {
  return dialect === 'postgres' ? `lower((${column})::jsonb ->> '${field}')` : `lower(json_extract(${column}, '$.${field}'))`;
}

/** PostgreSQL: the lower-cased `operation_detail` (the reader's free-text expression; trigram-indexed). */
export function postgresDetailExpression(column: string): string {
  return `lower((${column})::jsonb ->> 'operation_detail')`;
}

/** The UTC hour (ms) of a time column or value, floored for negative times too (SQLite and PostgreSQL). */
export function hourOfSql(time: string): string {
  return `(${time} - (((${time} % ${HOUR_MS}) + ${HOUR_MS}) % ${HOUR_MS}))`;
}

/** The second of a time column (ms), floored for negative times too, as an integer (SQLite). */
function secondOfSql(time: string): string {
  return `((${time} - (((${time} % 1000) + 1000) % 1000)) / 1000)`;
}

const INDEXED_FIELDS: readonly IndexedField[] = ['action', 'category_type'];
const FIELD_INDEX: Record<IndexedField, string> = { action: 'events_action_time', category_type: 'events_category_time' };
const TRIGRAM_INDEXES = ['events_detail_trgm', 'events_change_names_trgm'] as const;

/** A GIN trigram index on `events` (partial: rows where the expression is not NULL). */
export interface TrigramIndex {
  name: string;
  /** A text column or expression of `events`. */
  expression: string;
}

/** This migration's trigram indexes (migration 024 moves the change names' onto a column: POSTGRES_TRIGRAM_INDEXES there). */
export const TRIGRAM_INDEXES_007: readonly TrigramIndex[] = [
  { name: 'events_detail_trgm', expression: postgresDetailExpression('event_json') },
  { name: 'events_change_names_trgm', expression: 'event_change_names(event_json)' },
];

async function upCommon(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  await sql`DROP INDEX events_source_type_time`.execute(db);
  await sql`CREATE INDEX events_time ON events (event_time_ms)`.execute(db);
  await sql`CREATE INDEX events_source_time ON events (source_id, event_time_ms)`.execute(db);
  for (const field of INDEXED_FIELDS) {
    const expression = sql.raw(indexedFieldExpression(dialect, 'event_json', field));
    await sql`CREATE INDEX ${sql.id(FIELD_INDEX[field])} ON events ((${expression}), event_time_ms) WHERE (${expression}) IS NOT NULL`.execute(db);
  }
  await sql`CREATE TABLE event_hour_counts (
      hour_ms bigint NOT NULL,
      source_id text NOT NULL,
      log_type text NOT NULL,
      event_count bigint NOT NULL,
      PRIMARY KEY (hour_ms, source_id, log_type)
    )${sql.raw(dialect === 'sqlite' ? ' WITHOUT ROWID' : '')}`.execute(db);
  await sql`INSERT INTO event_hour_counts (hour_ms, source_id, log_type, event_count)
    SELECT ${sql.raw(hourOfSql('event_time_ms'))}, source_id, log_type, count(*) FROM events GROUP BY 1, 2, 3`.execute(db);
}

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  await upCommon(db, 'sqlite');
  const hour = sql.raw(hourOfSql('old.event_time_ms'));
  await sql`CREATE TRIGGER event_hour_counts_after_delete AFTER DELETE ON events BEGIN
      UPDATE event_hour_counts SET event_count = event_count - 1 WHERE hour_ms = ${hour} AND source_id = old.source_id AND log_type = old.log_type;
      DELETE FROM event_hour_counts WHERE hour_ms = ${hour} AND source_id = old.source_id AND log_type = old.log_type AND event_count <= 0;
    END`.execute(db);

  await sql`CREATE VIRTUAL TABLE events_search USING fts5(detail, changes, tokenize = 'trigram', content = '', contentless_delete = 1, detail = column)`.execute(db);
  await sql`CREATE TABLE events_search_keys (key INTEGER PRIMARY KEY, event_rowid INTEGER NOT NULL)`.execute(db);
  // Backfill: keys in rowid order within each second, then the index of every keyed event.
  const searchable = (row: string) => sql.raw(`(${mayBeSearchable(row)}) AND (${detailSql(row)} IS NOT NULL OR ${changeNamesSql(row)} IS NOT NULL)`);
  const second = sql.raw(secondOfSql('e.event_time_ms'));
  await sql`INSERT INTO events_search_keys (key, event_rowid)
    SELECT second * ${sql.lit(SEARCH_KEYS_PER_SECOND)} + sequence, event_rowid FROM (
      SELECT ${second} AS second, row_number() OVER (PARTITION BY ${second} ORDER BY e.rowid) - 1 AS sequence, e.rowid AS event_rowid
      FROM events e WHERE ${searchable('e')}
    ) WHERE sequence < ${sql.lit(SEARCH_KEYS_PER_SECOND)}`.execute(db);
  await sql`INSERT INTO events_search (rowid, detail, changes)
    SELECT k.key, ${sql.raw(detailSql('e'))}, ${sql.raw(changeNamesSql('e'))} FROM events_search_keys k JOIN events e ON e.rowid = k.event_rowid`.execute(db);
  await sql`INSERT INTO events_search (events_search) VALUES ('optimize')`.execute(db);

  const keyRange = (row: string) =>
    `key >= ${secondOfSql(`${row}.event_time_ms`)} * ${SEARCH_KEYS_PER_SECOND} AND key < (${secondOfSql(`${row}.event_time_ms`)} + 1) * ${SEARCH_KEYS_PER_SECOND}`;
  // The next free key of the event's second (none left: the event is not indexed; 2^20 events of one second).
  await sql`CREATE TRIGGER events_search_insert AFTER INSERT ON events WHEN ${sql.raw(mayBeSearchable('new'))} BEGIN
      INSERT INTO events_search_keys (key, event_rowid)
        SELECT next_key, new.rowid FROM (
          SELECT coalesce((SELECT max(key) FROM events_search_keys WHERE ${sql.raw(keyRange('new'))}), ${sql.raw(secondOfSql('new.event_time_ms'))} * ${sql.lit(SEARCH_KEYS_PER_SECOND)} - 1) + 1 AS next_key
        )
        WHERE next_key < (${sql.raw(secondOfSql('new.event_time_ms'))} + 1) * ${sql.lit(SEARCH_KEYS_PER_SECOND)} AND ${searchable('new')};
      INSERT INTO events_search (rowid, detail, changes)
        SELECT key, ${sql.raw(detailSql('new'))}, ${sql.raw(changeNamesSql('new'))} FROM events_search_keys WHERE ${sql.raw(keyRange('new'))} AND event_rowid = new.rowid;
    END`.execute(db);
  await sql`CREATE TRIGGER events_search_delete AFTER DELETE ON events WHEN ${sql.raw(mayBeSearchable('old'))} BEGIN
      DELETE FROM events_search WHERE rowid IN (SELECT key FROM events_search_keys WHERE ${sql.raw(keyRange('old'))} AND event_rowid = old.rowid);
      DELETE FROM events_search_keys WHERE ${sql.raw(keyRange('old'))} AND event_rowid = old.rowid;
    END`.execute(db);
}

/**
 * SQLite: a cheap test that the event may have the indexed fields (JSON.stringify
 * writes keys verbatim), so sign-in events are not parsed on insert and delete.
 */
function mayBeSearchable(row: string): string {
  return `instr(${row}.event_json, '"operation_detail"') > 0 OR instr(${row}.event_json, '"changes"') > 0`;
}

/** SQLite: what `events_search.detail` indexes (the reader rechecks with `lower(...) LIKE`). */
function detailSql(row: string): string {
  return `json_extract(${row}.event_json, '$.operation_detail')`;
}

/** SQLite: what `events_search.changes` indexes: the changes' names, one a line. */
function changeNamesSql(row: string): string {
  return `(SELECT group_concat(json_extract(c.value, '$.name'), char(10)) FROM json_each(${row}.event_json, '$.p_udm.changes') AS c)`;
}

async function upPostgres(db: Kysely<unknown>): Promise<void> {
  await upCommon(db, 'postgres');
  // Statement-level: one grouped update per DELETE statement (a purge batch), not one per row.
  await sql`CREATE FUNCTION event_hour_counts_after_delete() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      UPDATE event_hour_counts c SET event_count = c.event_count - gone.n
      FROM (SELECT ${sql.raw(hourOfSql('d.event_time_ms'))} AS hour_ms, d.source_id, d.log_type, count(*) AS n FROM deleted_events d GROUP BY 1, 2, 3) gone
      WHERE c.hour_ms = gone.hour_ms AND c.source_id = gone.source_id AND c.log_type = gone.log_type;
      DELETE FROM event_hour_counts c
      WHERE c.event_count <= 0 AND (c.hour_ms, c.source_id, c.log_type) IN (SELECT ${sql.raw(hourOfSql('d.event_time_ms'))}, d.source_id, d.log_type FROM deleted_events d);
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER event_hour_counts_after_delete AFTER DELETE ON events
    REFERENCING OLD TABLE AS deleted_events FOR EACH STATEMENT EXECUTE FUNCTION event_hour_counts_after_delete()`.execute(db);
  await createChangeNamesFunction(db);
  await ensureTrigramIndexes(db, TRIGRAM_INDEXES_007);
  // Statistics of the searched expressions (PostgreSQL 14+; partial indexes get none of their own): without
  // them the planner guesses how many events a text matches, and reads thousands where a few would do.
  const statistics: [string, string][] = [
    ['events_detail_stats', postgresDetailExpression('event_json')],
    ['events_change_names_stats', 'event_change_names(event_json)'],
    ...INDEXED_FIELDS.map((field): [string, string] => [`events_${field}_stats`, indexedFieldExpression('postgres', 'event_json', field)]),
  ];
  for (const [name, expression] of statistics)
    await underSavepoint(db, () => sql`CREATE STATISTICS IF NOT EXISTS ${sql.id(name)} ON (${sql.raw(expression)}) FROM events`.execute(db));
  await sql`ANALYZE events, event_indicators, event_hour_counts`.execute(db);
}

/** PostgreSQL: `event_change_names(event_json)`, this migration's change names (migration 024 drops it for a column). */
export async function createChangeNamesFunction(db: Kysely<unknown>): Promise<void> {
  // Never fails on an odd event (changes not an array: no names), or inserts would.
  await sql`CREATE FUNCTION event_change_names(event_json text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(string_agg(c.value ->> 'name', chr(10)))
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(event_json::jsonb #> '{p_udm,changes}') = 'array' THEN event_json::jsonb #> '{p_udm,changes}' ELSE '[]'::jsonb END) AS c(value)
  $$`.execute(db);
}

/**
 * PostgreSQL: creates the pg_trgm extension if it can (in `public` when that
 * schema takes it, so one store's schema does not own what others use; else in
 * the current schema) and the trigram `indexes` (free text and change names:
 * the schema's current ones, or a migration's own).
 * Each step runs under a savepoint: when the extension cannot be created
 * (not installed on the server, no CREATE privilege), nothing is left half done
 * and searches read rows instead. Returns whether both indexes exist. Runs inside
 * a transaction: the migration's, or one of its own at every store open, so
 * indexes missing because pg_trgm was not available are built once it is.
 */
export async function ensureTrigramIndexes<DB>(db: Kysely<DB>, indexes: readonly TrigramIndex[], extension = 'pg_trgm'): Promise<boolean> {
  if ((await missingTrigramIndexes(db, indexes)).length === 0) return true;
  let schema = await extensionSchema(db, extension);
  for (const target of ['public', null]) {
    if (schema !== null) break;
    await underSavepoint(db, async () => {
      const into = target === null ? sql`current_schema()` : sql`${target}`;
      const { rows } = await sql<{ name: string | null }>`SELECT nspname AS name FROM pg_namespace WHERE nspname = ${into}`.execute(db);
      const name = rows[0]?.name;
      if (name) await sql`CREATE EXTENSION IF NOT EXISTS ${sql.id(extension)} SCHEMA ${sql.id(name)}`.execute(db);
    });
    schema = await extensionSchema(db, extension);
  }
  if (schema === null) return false;
  const opclass = sql`${sql.id(schema)}.gin_trgm_ops`;
  for (const index of await missingTrigramIndexes(db, indexes)) {
    const expression = sql.raw(index.expression);
    await underSavepoint(db, () =>
      sql`CREATE INDEX IF NOT EXISTS ${sql.id(index.name)} ON events USING gin ((${expression}) ${opclass}) WHERE (${expression}) IS NOT NULL`.execute(db),
    );
  }
  return (await missingTrigramIndexes(db, indexes)).length === 0;
}

async function missingTrigramIndexes<DB>(db: Kysely<DB>, indexes: readonly TrigramIndex[]): Promise<TrigramIndex[]> {
  const { rows } = await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'events'`.execute(db);
  const present = new Set(rows.map((r) => r.name));
  return indexes.filter((index) => !present.has(index.name));
}

async function extensionSchema<DB>(db: Kysely<DB>, extension: string): Promise<string | null> {
  const { rows } = await sql<{
    schema: string;
  }>`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ${extension}`.execute(db);
  return rows[0]?.schema ?? null;
}

/** Runs `step`; if it fails, rolls back to before it and carries on (the transaction stays usable). */
async function underSavepoint<DB>(db: Kysely<DB>, step: () => Promise<unknown>): Promise<void> {
  await sql`SAVEPOINT zoomtrail_optional_step`.execute(db);
  try {
    await step();
    await sql`RELEASE SAVEPOINT zoomtrail_optional_step`.execute(db);
  } catch {
    await sql`ROLLBACK TO SAVEPOINT zoomtrail_optional_step`.execute(db);
    await sql`RELEASE SAVEPOINT zoomtrail_optional_step`.execute(db);
  }
}
