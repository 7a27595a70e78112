import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { expect } from 'vitest';
import { MIGRATIONS } from './migrations/migration-list.js';
import { runMigrations } from './migrations/run-migrations.js';

/** A Kysely over the SQLite file `file` for the length of `use`. */
async function withSqliteFile(file: string, use: (db: Kysely<unknown>) => Promise<void>): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
  try {
    await use(db);
  } finally {
    await db.destroy();
  }
}

/** Migrates the SQLite store file `file` down (or up) to the migration named `target`, running the migrations' own `down`s. */
export function migrateSqliteFileTo(file: string, target: string): Promise<void> {
  return withSqliteFile(file, async (db) => {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
    expect((await migrator.migrateTo(target)).error).toBeUndefined();
  });
}

/** Migrates the SQLite store file `file` up to the newest migration with the store's own runner. */
export function migrateSqliteFileUp(file: string): Promise<void> {
  return withSqliteFile(file, (db) => runMigrations(db, file));
}
