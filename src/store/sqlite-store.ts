import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Clock } from '../shared/clock.js';
import type { LogType } from '../zoom/report-records.js';
import type { AlertRecord, AlertStatus, DetectionCommit, DetectionCommitResult } from './alert-store.js';
import type { DeliveryAttemptInput } from './destination-store.js';
import { KyselyRepositoryStore } from './kysely-repository-store.js';
import { sqliteSinkAdvancer } from './sqlite-sink-advancer.js';
import { DEFAULT_QUERY_BATCH_SIZE } from './event-reader.js';
import { hasEncryptedData, hasKeyCheck, verifyKeyCheck } from './key-check.js';
import { pendingMigrations, runMigrations } from './migrations/run-migrations.js';
import { resolveSecretKey, SecretBox } from './secret-box.js';
import { DataDirError, SECRET_KEY_ENV, StoreNotReadyError } from './store-errors.js';
import { openReadOnlySqliteDatabase, openSqliteDatabase } from './sqlite-database.js';
import { SqliteAlertWriter } from './sqlite-alert-writer.js';
import { SqliteSignInHistory } from './sqlite-sign-in-history.js';
import type { SignInHistoryRecord } from './sign-in-history-store.js';
import type { HistoryWindows } from '../domain/history-settings.js';
import { SqlitePageWriter } from './sqlite-page-writer.js';
import type { SystemAlertInput } from './health-store.js';
import { SqliteHealthWriter } from './sqlite-health-writer.js';
import { sqliteSourceRemover } from './sqlite-source-remover.js';
import { SqliteRetentionPurger } from './sqlite-retention-purger.js';
import type { FreeSpace, PurgeBatch } from './retention-store.js';
import type { DayUpdate, Fence, PageCommit, PageCommitResult, Store, StreamUpdate } from './store.js';
import { ReadWorkerPool } from './read-worker-pool.js';
import { readWorkerScript } from './read-worker-script.js';
import type { ReadOps, SqliteReadWorkerData } from './read-worker-protocol.js';
import type { StoreTables } from './store-tables.js';

/** Default database file name inside the data directory. */
export const SQLITE_FILE_NAME = 'zoomtrail.db';

export interface SqliteStoreOptions {
  /** Directory for the database and the key file; created if missing. Ignored when `memory`. */
  dataDir: string;
  clock: Clock;
  /** The secret key as configured (ZOOMTRAIL_SECRET_KEY); unset: the key file in `dataDir`. */
  secretKey?: string;
  /** Tests and benchmarks: the key as an environment (`{ ZOOMTRAIL_SECRET_KEY }`) when `secretKey` is not given. */
  env?: NodeJS.ProcessEnv;
  /** Database file name inside `dataDir`; default `zoomtrail.db`. */
  fileName?: string;
  /**
   * An in-memory database (tests): nothing touches the disk; the key is
   * `ZOOMTRAIL_SECRET_KEY` when set, else random for the life of the store.
   * Default: true when `dataDir` is `:memory:`.
   */
  memory?: boolean;
  /** Rows per query when streaming events and failures out; default 1000. */
  batchSize?: number;
  /** Events inserted between two `PRAGMA optimize` (the planner's statistics); default 100,000. */
  optimizeEveryEvents?: number;
  /**
   * Worker threads running the long reads (event streams, counts, histogram,
   * failures) on read-only connections, so they never hold the event loop;
   * default 2. 0 reads on the calling thread. An in-memory store always reads
   * on the calling thread (a worker cannot open its database).
   */
  readWorkers?: number;
  /**
   * Open an existing, up-to-date database read-only (the CLI's listings): no
   * directory or file created, no migration, no `PRAGMA optimize`, no key file
   * or key check written, nothing checkpointed at close; every write fails
   * (SQLITE_READONLY). A database that is missing, has migrations to run or
   * has no key check yet is a StoreNotReadyError. Ignored for `memory`.
   */
  readOnly?: boolean;
}

/**
 * Opens (creating and migrating as needed) the SQLite store in `dataDir`.
 *
 * Throws DataDirError (directory not creatable or writable), StoreSchemaError
 * (database from a newer Zoomtrail), SecretKeyError (key malformed, missing
 * while secrets exist, or not the key the secrets were sealed with).
 *
 * @example
 * const store = await openSqliteStore({ dataDir: '/var/lib/zoomtrail', clock: systemClock });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const memory = options.memory ?? options.dataDir === ':memory:';
  const readOnly = options.readOnly === true && !memory;
  const fileName = options.fileName ?? SQLITE_FILE_NAME;
  const { db, location } = readOnly ? openReadOnly(options.dataDir, fileName) : openSqliteDatabase({ dataDir: options.dataDir, fileName, memory });
  const kysely = new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: db }) });
  try {
    if (readOnly) await checkReadyForReading(kysely, location);
    else {
      // Kysely runs SQLite migrations without a transaction or a lock: one IMMEDIATE
      // transaction around them makes a second process opening the same new database
      // wait (busy timeout) and then find them applied, and a failed migration leave nothing.
      db.exec('BEGIN IMMEDIATE');
      try {
        await runMigrations(kysely, location);
        db.exec('COMMIT');
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
      refreshPlannerStatistics(db, true);
    }
    const { key, origin } = resolveSecretKey({
      secretKey: options.secretKey ?? options.env?.[SECRET_KEY_ENV],
      dataDir: memory ? null : options.dataDir,
      // Read-only: the key check is there (checked), so a missing key file is an error, never a new key written.
      hasEncryptedData: readOnly || (await hasEncryptedData(kysely)),
    });
    const box = new SecretBox(key, origin);
    key.fill(0);
    await verifyKeyCheck(kysely, box);
    const batchSize = options.batchSize ?? DEFAULT_QUERY_BATCH_SIZE;
    const readWorkers = memory ? 0 : (options.readWorkers ?? DEFAULT_READ_WORKERS);
    const pool = readWorkers > 0 ? readWorkerPool(resolve(location), batchSize, readWorkers) : undefined;
    return new SqliteStore(db, kysely, box, options.clock, batchSize, options.optimizeEveryEvents ?? OPTIMIZE_EVERY_EVENTS, pool);
  } catch (error) {
    await kysely.destroy();
    throw error;
  }
}

/** The read-only connection of `openSqliteStore({ readOnly: true })`; StoreNotReadyError when there is no database yet. */
function openReadOnly(dataDir: string, fileName: string): { db: BetterSqlite3.Database; location: string } {
  const location = join(dataDir, fileName);
  if (!existsSync(location)) throw new StoreNotReadyError(location, 'it does not exist yet');
  try {
    return { db: openReadOnlySqliteDatabase(location), location };
  } catch (error) {
    throw DataDirError.fromOsError(dataDir, `opening the database ${location} read-only`, error);
  }
}

/** What a read-only open needs and cannot write itself: every migration applied and the key check. */
async function checkReadyForReading(kysely: Kysely<StoreTables>, location: string): Promise<void> {
  const pending = await pendingMigrations(kysely, location);
  if (pending.length > 0) throw new StoreNotReadyError(location, `schema migrations to run (${pending.join(', ')})`);
  if (!(await hasKeyCheck(kysely))) throw new StoreNotReadyError(location, 'its key check is not written yet');
}

/** Events inserted by this process between two `PRAGMA optimize` (refreshPlannerStatistics), by default. */
export const OPTIMIZE_EVERY_EVENTS = 100_000;

/**
 * Keeps the query planner's statistics fresh, so it picks the time and search
 * indexes (migration 007): `PRAGMA optimize` analyzes only tables whose size
 * changed a lot since they were last analyzed (or never were, `atOpen`), each
 * from a sample (`analysis_limit`), so it is cheap when nothing changed.
 */
function refreshPlannerStatistics(db: BetterSqlite3.Database, atOpen: boolean): void {
  db.pragma('analysis_limit = 1000');
  db.pragma(atOpen ? 'optimize = 0x10002' : 'optimize');
}

/** Read worker threads of a file-backed store, unless `readWorkers` says otherwise. */
export const DEFAULT_READ_WORKERS = 2;

/** Workers running the store's EventReader on read-only connections to `file` (started on the first long read). */
function readWorkerPool(file: string, batchSize: number, size: number): ReadWorkerPool<ReadOps> {
  const workerData: SqliteReadWorkerData = { file, batchSize };
  return new ReadWorkerPool<ReadOps>({ size, spawn: () => new Worker(readWorkerScript('sqlite-read-worker.js'), { workerData }) });
}

/**
 * The Store on SQLite: Kysely for sources, reads and coverage; better-sqlite3
 * prepared statements in synchronous transactions for the write path
 * (`commitPage`, `updateStream`, `removeSource`), so a write never interleaves
 * with another on the single connection. A file-backed store runs the long
 * reads (event streams, counts, histogram, failures) in read worker threads
 * (WAL: each read sees what was committed before it started); short reads
 * (one event, alerts, the detection queue) stay on the connection.
 */
class SqliteStore extends KyselyRepositoryStore implements Store {
  readonly kind = 'sqlite';
  readonly #db: BetterSqlite3.Database;
  readonly #kysely: Kysely<StoreTables>;
  readonly #clock: Clock;
  // The write paths' prepared statements, prepared on first use: a read-only listing prepares none.
  #writerOnce?: SqlitePageWriter;
  #alertWriterOnce?: SqliteAlertWriter;
  #signInHistoryOnce?: SqliteSignInHistory;
  #removeSourceOnce?: (sourceId: string) => boolean;
  #healthWriterOnce?: SqliteHealthWriter;
  #purgerOnce?: SqliteRetentionPurger;
  readonly #optimizeEveryEvents: number;
  #insertedSinceOptimize = 0;
  #closed = false;

  constructor(
    db: BetterSqlite3.Database,
    kysely: Kysely<StoreTables>,
    box: SecretBox,
    clock: Clock,
    batchSize: number,
    optimizeEveryEvents: number,
    readPool: ReadWorkerPool<ReadOps> | undefined,
  ) {
    super(kysely, box, clock, batchSize, 'sqlite', sqliteSinkAdvancer(db), readPool);
    this.#optimizeEveryEvents = optimizeEveryEvents;
    this.#db = db;
    this.#kysely = kysely;
    this.#clock = clock;
  }

  get #writer(): SqlitePageWriter {
    return (this.#writerOnce ??= new SqlitePageWriter(this.#db));
  }

  get #alertWriter(): SqliteAlertWriter {
    return (this.#alertWriterOnce ??= new SqliteAlertWriter(this.#db));
  }

  get #signInHistory(): SqliteSignInHistory {
    return (this.#signInHistoryOnce ??= new SqliteSignInHistory(this.#db));
  }

  get #removeSource(): (sourceId: string) => boolean {
    return (this.#removeSourceOnce ??= sqliteSourceRemover(this.#db));
  }

  get #healthWriter(): SqliteHealthWriter {
    return (this.#healthWriterOnce ??= new SqliteHealthWriter(this.#db));
  }

  get #purger(): SqliteRetentionPurger {
    return (this.#purgerOnce ??= new SqliteRetentionPurger(this.#db));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.closeReadWorkers(); // before the connection: the last one to close checkpoints the WAL
    await this.#kysely.destroy(); // closes the better-sqlite3 database too
    if (this.#db.open) this.#db.close();
  }

  async removeSource(id: string): Promise<boolean> {
    return this.#removeSource(id);
  }

  async commitPage(commit: PageCommit): Promise<PageCommitResult> {
    const result = this.#writer.commitPage(commit, this.#clock.now());
    this.#insertedSinceOptimize += result.insertedEventIds.length;
    if (this.#insertedSinceOptimize >= this.#optimizeEveryEvents) {
      this.#insertedSinceOptimize = 0;
      refreshPlannerStatistics(this.#db, false);
    }
    return result;
  }

  async updateStream(sourceId: string, logType: LogType, update: StreamUpdate, days: DayUpdate[] = [], fence?: Fence): Promise<void> {
    this.#writer.updateStream(sourceId, logType, update, days, this.#clock.now(), fence);
  }

  async signInHistory(sourceId: string, rowIds: readonly string[], windows: HistoryWindows): Promise<Map<string, SignInHistoryRecord>> {
    return this.#signInHistory.signInHistory(sourceId, rowIds, windows);
  }

  async commitDetection(commit: DetectionCommit): Promise<DetectionCommitResult> {
    return this.#alertWriter.commitDetection(commit, this.#clock.now());
  }

  async setAlertStatus(id: string, status: AlertStatus, note?: string, by = 'unknown'): Promise<AlertRecord> {
    return this.#alertWriter.setAlertStatus(id, status, note ?? null, this.#clock.now(), by);
  }

  async assignAlert(id: string, assignee: string | null, note: string | undefined, by: string): Promise<AlertRecord> {
    return this.#alertWriter.assignAlert(id, assignee, note ?? null, this.#clock.now(), by);
  }

  async removeDestination(id: string): Promise<boolean> {
    return this.#alertWriter.removeDestination(id);
  }

  async recordDeliveryAttempt(attempt: DeliveryAttemptInput): Promise<void> {
    this.#alertWriter.recordDeliveryAttempt(attempt);
  }

  async raiseSystemAlert(input: SystemAlertInput): Promise<{ alert: AlertRecord; raised: boolean }> {
    return this.#healthWriter.raiseSystemAlert(input, this.#clock.now());
  }

  async resolveSystemAlert(ruleId: string, dedup: string, note: string): Promise<AlertRecord | undefined> {
    return this.#healthWriter.resolveSystemAlert(ruleId, dedup, note, this.#clock.now());
  }

  async purgeBefore(logType: LogType, beforeDay: string, limit: number): Promise<PurgeBatch> {
    return this.#purger.purgeBefore(logType, beforeDay, limit, this.#clock.now());
  }

  async releaseFreeSpace(maxPages: number): Promise<FreeSpace> {
    return this.#purger.releaseFreeSpace(maxPages);
  }
}
