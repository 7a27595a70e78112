import { sql, type RawBuilder } from 'kysely';
import { indexedFieldExpression, postgresDetailExpression, type IndexedField } from './migrations/007-search-indexes.js';
import { indicatorKindCode, type IndicatorKind } from './indicator-kind-codes.js';

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
  /**
   * True when any change name of the event (event-change-names.ts), lower-cased, is LIKE `pattern` (escaped
   * with `\`). Both stores read the `change_names` column of `column`'s table (migrations 024 and 034), not the JSON.
   */
  changeNameLike(column: string, pattern: string): RawBuilder<boolean>;
  /** True when any change name of the event, lower-cased, is LIKE `pattern` exactly (each name on its own, whatever the pattern). */
  changeNameMatches(column: string, pattern: string): RawBuilder<boolean>;
  /** `floor((time - fromMs) / bucketMs)` as an integer, for times at or after `fromMs`. */
  bucketIndex(timeColumn: string, fromMs: number, bucketMs: number): RawBuilder<number>;
  /**
   * How an `event_indicators` key names its event: the column of `event_indicators`
   * and the column of `events` it equals, an integer on both stores. SQLite: the
   * event's rowid (migration 026); PostgreSQL: `events.id` (migration 035).
   */
  indicatorLink: { indicator: 'event_rowid' | 'event_id'; event: 'rowid' | 'id' };
  /** `event_indicators.kind` of `kind`: the same small integer on both stores (migrations 027 and 035, indicator-kind-codes.ts). */
  indicatorKind(kind: IndicatorKind): number;
}

/**
 * SQLite: the `change_names` column of `column`'s table (migration 034: the lower-cased change names, one a
 * line, as PostgreSQL's). A pattern that is one literal text between two `%` (a substring search) and holds
 * no newline matches the joined names exactly when it matches one name; any other (wildcards inside, an
 * anchored end, a newline) narrows the same way with `%` at both ends, then checks each name on its own.
 */
function sqliteChangeNameLike(column: string, pattern: string): RawBuilder<boolean> {
  const names = changeNamesColumn(column);
  if (isLineSubstringPattern(pattern)) return sql<boolean>`${names} like ${pattern} escape '\\'`;
  return sql<boolean>`(${names} like ${`%${pattern}%`} escape '\\' and ${sqliteChangeNameMatches(names, pattern)})`;
}

/** SQLite: true when one line of `names` (a name) is LIKE `pattern`: the lines split by a recursive CTE (SQLite has no split function). */
function sqliteChangeNameMatches(names: RawBuilder<string | null>, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`exists (with recursive n(name, rest) as (select null, ${names} || char(10)
      union all select substr(rest, 1, instr(rest, char(10)) - 1), substr(rest, instr(rest, char(10)) + 1) from n where rest <> '')
    select 1 from n where n.name like ${pattern} escape '\\')`;
}

/** Whether `pattern` (escaped with `\`) is `%`, a text without wildcards or newlines, `%`: true of every `containsPattern` of a one-line text. */
function isLineSubstringPattern(pattern: string): boolean {
  if (pattern.length < 2 || !pattern.startsWith('%') || !pattern.endsWith('%')) return false;
  for (let i = 1; i < pattern.length - 1; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      if (i >= pattern.length - 1) return false;
    } else if (c === '%' || c === '_' || c === '\n') return false;
  }
  return true;
}

/** The column `name` of the table of `column` (`events.event_json` -> `events.log_type`). */
function siblingColumn(column: string, name: string): string {
  return `${column.slice(0, column.lastIndexOf('.') + 1)}${name}`;
}

const sqliteSql: EventSql = {
  indexedField: (column, field) => sql<string | null>`${sql.raw(indexedFieldExpression('sqlite', column, field))}`,
  detailLike: (column, pattern) => sql<boolean>`lower(json_extract(${sql.raw(column)}, '$.operation_detail')) like ${pattern} escape '\\'`,
  changeNameLike: (column, pattern) => sqliteChangeNameLike(column, pattern),
  changeNameMatches: (column, pattern) => sqliteChangeNameLike(column, pattern),
  // Parameters may be bound as REAL: the CAST truncates, which is floor for non-negative values.
  bucketIndex: (timeColumn, fromMs, bucketMs) => sql<number>`cast((${sql.ref(timeColumn)} - ${fromMs}) / ${bucketMs} as integer)`,
  indicatorLink: { indicator: 'event_rowid', event: 'rowid' },
  indicatorKind: indicatorKindCode,
};

const postgresSql: EventSql = {
  indexedField: (column, field) => sql<string | null>`${sql.raw(indexedFieldExpression('postgres', column, field))}`,
  // Trigram-indexed (GIN, pg_trgm) when the extension could be created; the same condition reads rows otherwise.
  detailLike: (column, pattern) => sql<boolean>`${sql.raw(postgresDetailExpression(column))} like ${pattern} escape '\\'`,
  // `events.change_names` holds the lower-cased change names one a line (migration 024; trigram-indexed):
  // a pattern without a newline matches the joined text exactly when it matches one name. Neither
  // condition parses JSON: one with a newline, and the per-name check, read the column's lines.
  changeNameLike: (column, pattern) =>
    pattern.includes('\n') ? postgresChangeNameMatches(column, pattern) : sql<boolean>`${changeNamesColumn(column)} like ${pattern} escape '\\'`,
  // The trigram-indexed joined names narrow (a name matching `pattern` makes the joined text match it with
  // `%` at both ends; the newlines are ordinary characters to it); each name is then checked on its own.
  changeNameMatches: (column, pattern) => sql<boolean>`(${changeNamesColumn(column)} like ${`%${pattern}%`} escape '\\' and ${postgresChangeNameMatches(column, pattern)})`,
  // Literals, not parameters: the expression appears in SELECT and GROUP BY, and PostgreSQL matches
  // them only when identical ($1 and $5 are different expressions). Both are checked finite numbers.
  bucketIndex: (timeColumn, fromMs, bucketMs) => sql<number>`((${sql.ref(timeColumn)} - ${sql.lit(numberLiteral(fromMs))}::bigint) / ${sql.lit(numberLiteral(bucketMs))}::bigint)`,
  indicatorLink: { indicator: 'event_id', event: 'id' },
  indicatorKind: indicatorKindCode,
};

/** The `change_names` column of the row whose `event_json` is `column` (`events.event_json` -> `events.change_names`). */
function changeNamesColumn(column: string): RawBuilder<string | null> {
  return sql<string | null>`${sql.raw(siblingColumn(column, 'change_names'))}`;
}

/** PostgreSQL: true when one of the row's change names (a line of `change_names`) is LIKE `pattern`. */
function postgresChangeNameMatches(column: string, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from unnest(string_to_array(${changeNamesColumn(column)}, chr(10))) as n(name) where n.name like ${pattern} escape '\\')`;
}

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
