import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migration-list.js';
import { runMigrations } from './run-migrations.js';

describe('runMigrations', () => {
  it('applies the migrations a database lacks even when it ran a later-numbered one first (a build of one branch)', async () => {
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    try {
      const names = Object.keys(MIGRATIONS);
      const last = names[names.length - 1]!;
      const skipped = names[names.length - 2]!;
      // The database ran every migration but the second to last, then the last: numbers out of order.
      const partial = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name !== skipped));
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => partial } }).migrateToLatest();
      expect(error).toBeUndefined();

      await runMigrations(db, ':memory:');

      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
      expect(applied.rows.map((r) => r.name)).toEqual(names);
      expect(names.indexOf(last)).toBeGreaterThan(names.indexOf(skipped));
    } finally {
      await db.destroy();
    }
  });
});
