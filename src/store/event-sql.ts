import { sql, type RawBuilder } from 'kysely';

/** The SQL dialects a Store runs on (`Store.kind`). */
export type StoreDialectKind = 'sqlite' | 'postgres';

/**
 * The few event-query expressions that differ between SQLite and PostgreSQL,
 * kept in this one place; everything else in EventReader is plain Kysely.
 * `column` is a qualified column holding the event's JSON text
 * (`events.event_json`); `field` a top-level key of the normalized event.
 */
export interface EventSql {
  /** The text value of a top-level field of the event JSON (NULL when absent). */
  jsonText(column: string, field: string): RawBuilder<string | null>;
  /** True when any `p_udm.changes[].name` of the event, lower-cased, is LIKE `pattern` (escaped with `\`). */
  changeNameLike(column: string, pattern: string): RawBuilder<boolean>;
  /** `floor((time - fromMs) / bucketMs)` as an integer, for times at or after `fromMs`. */
  bucketIndex(timeColumn: string, fromMs: number, bucketMs: number): RawBuilder<number>;
}

const sqliteSql: EventSql = {
  jsonText: (column, field) => sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${field}`})`,
  changeNameLike: (column, pattern) =>
    sql<boolean>`exists (select 1 from json_each(${sql.ref(column)}, '$.p_udm.changes') as c where lower(json_extract(c.value, '$.name')) like ${pattern} escape '\\')`,
  // Parameters may be bound as REAL: the CAST truncates, which is floor for non-negative values.
  bucketIndex: (timeColumn, fromMs, bucketMs) => sql<number>`cast((${sql.ref(timeColumn)} - ${fromMs}) / ${bucketMs} as integer)`,
};

const postgresSql: EventSql = {
  jsonText: (column, field) => sql<string | null>`(${sql.ref(column)}::jsonb ->> ${field})`,
  changeNameLike: (column, pattern) =>
    sql<boolean>`exists (select 1 from jsonb_array_elements(coalesce(${sql.ref(column)}::jsonb #> '{p_udm,changes}', '[]'::jsonb)) as c(value) where lower(c.value ->> 'name') like ${pattern} escape '\\')`,
  // Literals, not parameters: the expression appears in SELECT and GROUP BY, and PostgreSQL matches
  // them only when identical ($1 and $5 are different expressions). Both are checked finite numbers.
  bucketIndex: (timeColumn, fromMs, bucketMs) => sql<number>`((${sql.ref(timeColumn)} - ${sql.lit(numberLiteral(fromMs))}::bigint) / ${sql.lit(numberLiteral(bucketMs))}::bigint)`,
};

export function eventSqlFor(kind: StoreDialectKind): EventSql {
  return kind === 'postgres' ? postgresSql : sqliteSql;
}

/** A LIKE pattern matching `text` as a substring, lower-cased, with `\`, `%` and `_` escaped (use with `escape '\'`). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A finite number for an inline SQL literal (anything else would be an injection or a syntax error). */
function numberLiteral(n: number): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError('expected a finite number');
  return n;
}
