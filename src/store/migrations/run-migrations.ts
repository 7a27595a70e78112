import { type Kysely, Migrator, sql } from 'kysely';
import { StoreSchemaError } from '../store-errors.js';
import { MIGRATIONS, staticMigrationProvider } from './migration-list.js';

/** Kysely's bookkeeping tables (its defaults). */
const MIGRATION_TABLE = 'kysely_migration';
const MIGRATION_LOCK_TABLE = 'kysely_migration_lock';

/**
 * Brings the schema up to date: runs every migration not applied yet, in order.
 * Idempotent. A database that has applied migrations this version does not know
 * was written by a newer Zoomtrail: StoreSchemaError, before anything changes.
 *
 * @param location names the database in messages (a path, or `:memory:`).
 * @param schema PostgreSQL: the schema the store lives in (its `current_schema()`), so
 *   Kysely's bookkeeping tables of other schemas in the same database are not mistaken
 *   for this one's. Unset for SQLite.
 *
 * Any Kysely will do, whatever its table types: the migrations (typed by Kysely's
 * `Migration`) see the schema as it was when each was written, not today's types.
 */
export async function runMigrations<DB>(db: Kysely<DB>, location: string, schema?: string): Promise<void> {
  // Up to date (every start but the first after an upgrade): no migrator, no lock table, no introspection.
  if ((await pendingMigrations(db, location, schema)).length === 0) return;

  const migrator = new Migrator({
    db,
    provider: staticMigrationProvider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // Migrations are numbered by the branch that wrote them and are independent of each other: a database that ran
    // a later number first (a build of one branch) still gets the earlier ones it lacks, instead of refusing to open.
    allowUnorderedMigrations: true,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`schema migration ${failed} failed on ${location}: ${error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error)}`, {
      cause: error,
    });
  }
}

/**
 * The migrations this version knows that the database has not applied, by a
 * read only (every one of them for a new database). StoreSchemaError when it
 * applied migrations this version does not know (a newer Zoomtrail wrote it).
 */
export async function pendingMigrations<DB>(db: Kysely<DB>, location: string, schema?: string): Promise<string[]> {
  const applied = await appliedMigrations(db, schema);
  const unknown = applied.filter((name) => !(name in MIGRATIONS));
  if (unknown.length > 0) throw new StoreSchemaError(location, unknown);
  const appliedSet = new Set(applied);
  return Object.keys(MIGRATIONS).filter((name) => !appliedSet.has(name));
}

/** Names of the migrations already applied; none for a new database. */
async function appliedMigrations<DB>(db: Kysely<DB>, schema: string | undefined): Promise<string[]> {
  // One catalogue lookup (SQLite's, or PostgreSQL's for the store's schema), not Kysely's introspection of every table's columns.
  const exists =
    schema === undefined
      ? await sql<{ n: number }>`select 1 as n from sqlite_master where type = 'table' and name = ${MIGRATION_TABLE}`.execute(db)
      : await sql<{ n: number }>`select 1 as n from information_schema.tables where table_schema = ${schema} and table_name = ${MIGRATION_TABLE}`.execute(db);
  if (exists.rows.length === 0) return [];
  const table = schema === undefined ? sql.table(MIGRATION_TABLE) : sql.table(`${schema}.${MIGRATION_TABLE}`);
  const rows = await sql<{ name: string }>`select name from ${table}`.execute(db);
  return rows.rows.map((r) => r.name);
}
