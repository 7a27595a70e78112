import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './sqlite-store.js';
import { sampleSource } from './store-contract.test-support.js';
import { SecretKeyError, StoreNotReadyError } from './store-errors.js';
import { MIGRATIONS } from './migrations/migration-list.js';
import { migrateSqliteFileTo } from './sqlite-migration.test-support.js';

/** `openSqliteStore({ readOnly: true })`, the CLI's listings (issue 14 section 5): reads, never writes, and says when it cannot serve. */

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zoomtrail-read-only-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
const secretKey = randomBytes(32).toString('hex');

/** A data directory with a store created, migrated and holding one source, closed. */
async function existingStore(): Promise<{ dataDir: string; file: string; sourceId: string }> {
  const dataDir = tempDir();
  const store = await openSqliteStore({ dataDir, clock, secretKey, readWorkers: 0 });
  const { id } = await store.createSource(sampleSource());
  await store.close();
  return { dataDir, file: join(dataDir, SQLITE_FILE_NAME), sourceId: id };
}

describe('openSqliteStore({ readOnly: true })', () => {
  it('reads an up-to-date store, refuses every write (SQLITE_READONLY) and leaves the database file as it was', async () => {
    const { dataDir, file, sourceId } = await existingStore();
    const before = readFileSync(file);
    const store = await openSqliteStore({ dataDir, clock, secretKey, readOnly: true });
    try {
      expect((await store.listSources()).map((s) => s.id)).toEqual([sourceId]);
      // Secrets open with the key: the key check was verified, not rewritten.
      expect((await store.getSource(sourceId))?.id).toBe(sourceId);
      await expect(store.createSource(sampleSource({ name: 'another' }))).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
      await expect(store.removeSource(sourceId)).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
    } finally {
      await store.close();
    }
    expect(readFileSync(file).equals(before)).toBe(true);
    // Nothing was written to the write-ahead log either (no optimize, no checkpoint, no key check).
    expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
  });

  it('on a data directory without a database: StoreNotReadyError with the fix, and nothing created', async () => {
    const dataDir = join(tempDir(), 'data');
    const error = await openSqliteStore({ dataDir, clock, secretKey, readOnly: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreNotReadyError);
    expect((error as StoreNotReadyError).message).toContain('does not exist yet');
    expect((error as StoreNotReadyError).fix).toMatch(/Open it once for writing/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('on a store with migrations to run: StoreNotReadyError naming them, and the store unchanged; a writable open then migrates it', async () => {
    const { dataDir, file } = await existingStore();
    // As if this version added a migration the database has not run.
    // The newest migration undone with its own down (forgetting only its record would leave its changes to run again).
    const [previous, newest] = Object.keys(MIGRATIONS).sort().slice(-2) as [string, string];
    await migrateSqliteFileTo(file, previous);
    const before = readFileSync(file);
    const error = await openSqliteStore({ dataDir, clock, secretKey, readOnly: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreNotReadyError);
    expect((error as StoreNotReadyError).message).toContain(`schema migrations to run (${newest})`);
    expect(readFileSync(file).equals(before)).toBe(true);
    await (await openSqliteStore({ dataDir, clock, secretKey, readWorkers: 0 })).close();
    await (await openSqliteStore({ dataDir, clock, secretKey, readOnly: true })).close();
  });

  it('on a store without its key check: StoreNotReadyError (it would have to write one)', async () => {
    const { dataDir, file } = await existingStore();
    const raw = new Database(file);
    raw.prepare("DELETE FROM meta WHERE key = 'key_check'").run();
    raw.close();
    await expect(openSqliteStore({ dataDir, clock, secretKey, readOnly: true })).rejects.toBeInstanceOf(StoreNotReadyError);
  });

  it('never writes a key file: a missing one is the same SecretKeyError as a writable open gives', async () => {
    const dataDir = tempDir();
    // The key in the key file, not the environment.
    await (await openSqliteStore({ dataDir, clock, readWorkers: 0 })).close();
    rmSync(join(dataDir, 'secret.key'));
    await expect(openSqliteStore({ dataDir, clock, readOnly: true })).rejects.toBeInstanceOf(SecretKeyError);
    expect(readdirSync(dataDir)).not.toContain('secret.key');
  });
});
