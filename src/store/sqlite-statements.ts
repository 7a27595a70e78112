import type BetterSqlite3 from 'better-sqlite3';
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type Compilable, type InferResult } from 'kysely';
import type { StoreTables } from './store-tables.js';

/**
 * Typed rows for the SQLite write path. Its statements are better-sqlite3's,
 * prepared once and run synchronously inside one transaction per write (Kysely
 * is asynchronous, so it cannot run there); their rows are typed here, and
 * nowhere else by a cast:
 * - a query Kysely can build is built on the store's schema with `sqliteQueries`
 *   and prepared by `prepareQuery`, which types its rows from the query;
 * - raw SQL kept as written (upserts with RETURNING, tuned statements) is
 *   prepared by `prepareRaw`, which names the row type once, beside its SQL.
 */

/** Builds queries on the store's schema (`StoreTables`) for `prepareQuery`; it never connects. */
export const sqliteQueries = new Kysely<StoreTables>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

/**
 * Stands for a parameter of a query given to `prepareQuery`: its value is
 * bound at each call of the statement, in the order the parameters appear in
 * the query. Typed `never` so it fits any column.
 */
export const BOUND = Symbol('bound parameter') as never;

/** A prepared statement whose rows are `Row`; parameters are positional. */
export type RowStatement<Row> = BetterSqlite3.Statement<unknown[], Row>;

/** The row type Kysely infers for a query. */
export type QueryRow<Q extends Compilable<unknown>> = InferResult<Q>[number];

/**
 * Prepares a Kysely-built query once; its rows have the type Kysely infers
 * for the query. Every parameter must be `BOUND` (a constant belongs in the
 * SQL: `sql.lit`), so the values bound at each call line up with the SQL.
 */
export function prepareQuery<Q extends Compilable<unknown>>(db: BetterSqlite3.Database, query: Q): RowStatement<QueryRow<Q>> {
  const { sql, parameters } = query.compile();
  if (parameters.some((parameter) => parameter !== BOUND)) {
    throw new Error(`prepareQuery: every parameter must be BOUND (a constant goes in the SQL with sql.lit): ${sql}`);
  }
  return db.prepare<unknown[], QueryRow<Q>>(sql);
}

/** Prepares raw SQL once; `Row` is the shape of its rows (what its SELECT or RETURNING lists). */
export function prepareRaw<Row>(db: BetterSqlite3.Database, sql: string): RowStatement<Row> {
  return db.prepare<unknown[], Row>(sql);
}

/** The row a statement must find (written earlier in the same transaction), like Kysely's `executeTakeFirstOrThrow`. */
export function requiredRow<Row>(row: Row | undefined, what: string): Row {
  if (row === undefined) throw new Error(`No ${what} found inside the transaction that wrote it`);
  return row;
}
