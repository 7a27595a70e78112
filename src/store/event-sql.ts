import { sql, type RawBuilder } from 'kysely';
import { indexedFieldExpression, postgresDetailExpression, type IndexedField } from './migrations/007-search-indexes.js';

/** The SQL dialects a Store runs on (`Store.kind`). */
export type StoreDialectKind = 'sqlite' | 'postgres';

/**
 * The few event-query expressions that differ between SQLite and PostgreSQL,
 * kept in this one place; everything else in EventReader is plain Kysely.
 * `column` is a qualified column holding the event's JSON text
 * (`events.event_json`). The expressions are the ones migration 007 indexes,
 * text for text: a planner uses an expression index only for the same expression.
 */
export interface EventSql {
  /** The lower-cased text of an indexed top-level field (`action`, `category_type`; NULL when absent). */
  indexedField(column: string, field: IndexedField): RawBuilder<string | null>;
  /** True when the lower-cased `operation_detail` is LIKE `pattern` (escaped with `\`). */
  detailLike(column: string, pattern: string): RawBuilder<boolean>;
  /** True when any `p_udm.changes[].name` of the event, lower-cased, is LIKE `pattern` (escaped with `\`). */
  changeNameLike(column: string, pattern: string): RawBuilder<boolean>;
  /** True when the lower-cased name of any `p_udm.changes[]` is LIKE `pattern` exactly (each name on its own, whatever the pattern). */
  changeNameMatches(column: string, pattern: string): RawBuilder<boolean>;
  /** `floor((time - fromMs) / bucketMs)` as an integer, for times at or after `fromMs`. */
  bucketIndex(timeColumn: string, fromMs: number, bucketMs: number): RawBuilder<number>;
}

function sqliteChangeNameLike(column: string, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from json_each(${sql.raw(column)}, '$.p_udm.changes') as c where lower(json_extract(c.value, '$.name')) like ${pattern} escape '\\')`;
}

const sqliteSql: EventSql = {
  indexedField: (column, field) => sql<string | null>`${sql.raw(indexedFieldExpression('sqlite', column, field))}`,
  detailLike: (column, pattern) => sql<boolean>`lower(json_extract(${sql.raw(column)}, '$.operation_detail')) like ${pattern} escape '\\'`,
  changeNameLike: (column, pattern) => sqliteChangeNameLike(column, pattern),
  changeNameMatches: (column, pattern) => sqliteChangeNameLike(column, pattern),
  // Parameters may be bound as REAL: the CAST truncates, which is floor for non-negative values.
  bucketIndex: (timeColumn, fromMs, bucketMs) => sql<number>`cast((${sql.ref(timeColumn)} - ${fromMs}) / ${bucketMs} as integer)`,
};

const postgresSql: EventSql = {
  indexedField: (column, field) => sql<string | null>`${sql.raw(indexedFieldExpression('postgres', column, field))}`,
  // Trigram-indexed (GIN, pg_trgm) when the extension could be created; the same condition reads rows otherwise.
  detailLike: (column, pattern) => sql<boolean>`${sql.raw(postgresDetailExpression(column))} like ${pattern} escape '\\'`,
  // event_change_names joins the lower-cased names with newlines (trigram-indexed): a pattern without a
  // newline matches the joined text exactly when it matches one name. One with a newline reads the names.
  changeNameLike: (column, pattern) =>
    pattern.includes('\n')
      ? sql<boolean>`exists (select 1 from jsonb_array_elements(case when jsonb_typeof(${sql.raw(column)}::jsonb #> '{p_udm,changes}') = 'array' then ${sql.raw(column)}::jsonb #> '{p_udm,changes}' else '[]'::jsonb end) as c(value) where lower(c.value ->> 'name') like ${pattern} escape '\\')`
      : sql<boolean>`event_change_names(${sql.raw(column)}) like ${pattern} escape '\\'`,
  // The trigram-indexed joined names narrow (a name matching `pattern` makes the joined text match it with
  // `%` at both ends; the newlines are ordinary characters to it); each name is then checked on its own.
  changeNameMatches: (column, pattern) =>
    sql<boolean>`(event_change_names(${sql.raw(column)}) like ${`%${pattern}%`} escape '\\' and exists (select 1 from jsonb_array_elements(case when jsonb_typeof(${sql.raw(column)}::jsonb #> '{p_udm,changes}') = 'array' then ${sql.raw(column)}::jsonb #> '{p_udm,changes}' else '[]'::jsonb end) as c(value) where lower(c.value ->> 'name') like ${pattern} escape '\\'))`,
  // Literals, not parameters: the expression appears in SELECT and GROUP BY, and PostgreSQL matches
  // them only when identical ($1 and $5 are different expressions). Both are checked finite numbers.
  bucketIndex: (timeColumn, fromMs, bucketMs) => sql<number>`((${sql.ref(timeColumn)} - ${sql.lit(numberLiteral(fromMs))}::bigint) / ${sql.lit(numberLiteral(bucketMs))}::bigint)`,
};

export function eventSqlFor(kind: StoreDialectKind): EventSql {
  return kind === 'postgres' ? postgresSql : sqliteSql;
}

/** A LIKE pattern matching `text` as a substring, lower-cased, with `\`, `%` and `_` escaped (use with `escape '\'`). */
export function containsPattern(text: string): string {
  return `%${likeEscape(text.toLowerCase())}%`;
}

/** `text` with `\`, `%` and `_` escaped for a LIKE pattern (use with `escape '\'`). */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A finite number for an inline SQL literal (anything else would be an injection or a syntax error). */
function numberLiteral(n: number): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError('expected a finite number');
  return n;
}
