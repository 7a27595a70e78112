import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { DataDirError } from './store-errors.js';

export interface SqliteDatabaseOptions {
  /** The data directory; ignored when `memory`. */
  dataDir: string;
  fileName: string;
  memory: boolean;
}

/**
 * Opens Zoomtrail's SQLite database: creates the data directory (recursively)
 * and checks it is writable (DataDirError naming the path and the OS reason
 * otherwise), then opens the file with incremental auto-vacuum (takes effect
 * on a new database only; see below), WAL journaling, `synchronous = NORMAL`,
 * a 5 s busy timeout, foreign keys on, a 64 MiB page cache and a WAL
 * checkpoint every 10,000 pages.
 */
export function openSqliteDatabase(options: SqliteDatabaseOptions): { db: Database.Database; location: string } {
  const location = options.memory ? ':memory:' : join(options.dataDir, options.fileName);
  if (!options.memory) {
    prepareDataDir(options.dataDir);
    createPrivately(location);
  }
  let db: Database.Database;
  try {
    db = new Database(location, addonOption());
  } catch (error) {
    throw DataDirError.fromOsError(options.dataDir, `opening the database ${location}`, error);
  }
  try {
    // Before anything writes the file: a new database keeps a map of its pages, so the space
    // retention frees can be given back (`PRAGMA incremental_vacuum`, RetentionStore.releaseFreeSpace).
    // A database created without it keeps auto_vacuum NONE (changing it needs a VACUUM, a full
    // rewrite): its free pages are reused by new rows, so under retention the file stops growing.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Tuning for the page-commit hot path: a 16 MiB page cache (default 2 MiB) keeps the
    // upper levels of the random-keyed indexes (row ids, emails, IPs) in memory (64 MiB
    // cost 48 MB of the 200 MB RSS budget, issue 14 section 3); checkpointing every ~40 MB
    // of WAL (default ~4 MB) spares a checkpoint, with its fsyncs, every few pages.
    db.pragma('cache_size = -16384');
    db.pragma('wal_autocheckpoint = 10000');
  } catch (error) {
    db.close();
    throw DataDirError.fromOsError(options.dataDir, `setting up the database ${location}`, error);
  }
  return { db, location };
}

/**
 * A read-only connection to an existing database file (SQLITE_OPEN_READONLY:
 * every write fails with SQLITE_READONLY), with a 5 s busy timeout: nothing
 * is created, set up, checkpointed or written, at open or at close. For the
 * read worker threads and the CLI's read-only commands. Throws SQLite's error
 * (SQLITE_CANTOPEN for a missing file).
 */
export function openReadOnlySqliteDatabase(location: string): Database.Database {
  const db = new Database(location, { readonly: true, fileMustExist: true, ...addonOption() });
  db.pragma('busy_timeout = 5000');
  return db;
}

let addon: { nativeBinding?: string } | undefined;

/**
 * better-sqlite3's native addon by its path (`nativeBinding`), where npm installs it: the CLI bundles
 * better-sqlite3's JavaScript (scripts/bundle-cli.mjs), where the `bindings` package it otherwise uses
 * could not find the addon from the caller's file, and a start spares its search. Elsewhere (a build
 * of its own) better-sqlite3 searches as before.
 */
export function addonOption(): { nativeBinding?: string } {
  if (addon === undefined) {
    const packageDir = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
    const file = join(packageDir, 'build', 'Release', 'better_sqlite3.node');
    addon = existsSync(file) ? { nativeBinding: file } : {};
  }
  return addon;
}

/**
 * Creates the database file, if new, readable by its owner only (0600): SQLite
 * gives its -wal and -shm files the database file's permissions.
 */
function createPrivately(location: string): void {
  try {
    closeSync(openSync(location, 'a', 0o600));
  } catch {
    // Opening reports it with the OS reason.
  }
}

function prepareDataDir(dataDir: string): void {
  try {
    // A new directory is its owner's only (0700): it holds the database and the key file.
    if (mkdirSync(dataDir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dataDir, 0o700);
  } catch (error) {
    throw DataDirError.fromOsError(dataDir, 'creating the directory', error);
  }
  try {
    if (!statSync(dataDir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw DataDirError.fromOsError(dataDir, 'checking the directory is writable', error);
  }
}
