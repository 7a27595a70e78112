import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveRuntimeConfig } from '../config/runtime-config.js';
import { ManualClock } from '../shared/clock.js';
import { SQLITE_FILE_NAME } from '../store/sqlite-store.js';
import { sampleSource } from '../store/store-contract.test-support.js';
import { openApp } from './app-context.js';
import { MIGRATIONS } from '../store/migrations/migration-list.js';
import { migrateSqliteFileTo } from '../store/sqlite-migration.test-support.js';

/** openApp({ readOnly: true }), the CLI's listings: read-only on a store that is ready, created or migrated as before otherwise. */

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
const env = { ZOOMTRAIL_SECRET_KEY: randomBytes(32).toString('hex') };

function config(): ReturnType<typeof resolveRuntimeConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'zoomtrail-app-read-only-'));
  tempDirs.push(dir);
  return resolveRuntimeConfig({ dataDir: join(dir, 'data'), env });
}

describe('openApp({ readOnly: true })', () => {
  it('opens a store that is there and up to date read-only: a write fails', async () => {
    const cfg = config();
    await (await openApp(cfg, { clock })).close();
    const app = await openApp(cfg, { clock, readOnly: true });
    try {
      expect(await app.store.listSources()).toEqual([]);
      await expect(app.store.createSource(sampleSource())).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
    } finally {
      await app.close();
    }
  });

  it('creates and migrates the store of a new data directory, as a writable open does', async () => {
    const cfg = config();
    const app = await openApp(cfg, { clock, readOnly: true });
    try {
      expect(await app.store.listSources()).toEqual([]);
    } finally {
      await app.close();
    }
    expect(existsSync(join(cfg.dataDir, SQLITE_FILE_NAME))).toBe(true);
  });

  it('migrates a store with migrations to run (an upgrade), then reads it', async () => {
    const cfg = config();
    await (await openApp(cfg, { clock })).close();
    const file = join(cfg.dataDir, SQLITE_FILE_NAME);
    // The newest migration undone with its own down (forgetting only its record would leave its changes to run again).
    const [previous, newest] = Object.keys(MIGRATIONS).sort().slice(-2) as [string, string];
    await migrateSqliteFileTo(file, previous);
    const app = await openApp(cfg, { clock, readOnly: true });
    try {
      expect(await app.store.listSources()).toEqual([]);
    } finally {
      await app.close();
    }
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT count(*) FROM kysely_migration WHERE name = ?').pluck().get(newest)).toBe(1);
    after.close();
  });
});
