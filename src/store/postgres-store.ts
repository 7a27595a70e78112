import { Worker } from 'node:worker_threads';
import { Kysely, sql } from 'kysely';
import { CurrentSchemaPostgresDialect } from './current-schema-postgres-dialect.js';
import pg from 'pg';
import type { Clock } from '../shared/clock.js';
import type { LogType } from '../zoom/report-records.js';
import type { AlertRecord, AlertStatus, DetectionCommit, DetectionCommitResult } from './alert-store.js';
import type { DeliveryAttemptInput } from './destination-store.js';
import { KyselyRepositoryStore } from './kysely-repository-store.js';
import { postgresSinkAdvancer } from './sink-repository.js';
import { DEFAULT_QUERY_BATCH_SIZE } from './event-reader.js';
import type { SystemAlertInput } from './health-store.js';
import { hasEncryptedData, verifyKeyCheck } from './key-check.js';
import { ensureTrigramIndexes } from './migrations/007-search-indexes.js';
import { POSTGRES_TRIGRAM_INDEXES } from './migrations/024-change-names-column.js';
import { runMigrations } from './migrations/run-migrations.js';
import { PostgresAlertWriter } from './postgres-alert-writer.js';
import { PostgresSignInHistory } from './postgres-sign-in-history.js';
import type { SignInHistoryRecord } from './sign-in-history-store.js';
import type { HistoryWindows } from '../domain/history-settings.js';
import { PostgresHealthWriter } from './postgres-health-writer.js';
import { PostgresPageWriter } from './postgres-page-writer.js';
import { postgresSessionOptions } from './postgres-session-options.js';
import { openPostgresPool, readWorkerApplicationName } from './postgres-pool.js';
import { ReadWorkerPool } from './read-worker-pool.js';
import type { PostgresReadWorkerData, ReadOps } from './read-worker-protocol.js';
import { readWorkerScript } from './read-worker-script.js';
import { removePostgresSource } from './postgres-source-remover.js';
import { purgePostgresBefore } from './postgres-retention-purger.js';
import type { FreeSpace, PurgeBatch } from './retention-store.js';
import { DatabaseConnectionError, redactDatabaseUrl } from './postgres-url.js';
import { readKeyFile, resolveSecretKey, SecretBox } from './secret-box.js';
import { SECRET_KEY_ENV, SecretKeyError } from './store-errors.js';
import type { DayUpdate, Fence, PageCommit, PageCommitResult, Store, StreamUpdate } from './store.js';
import type { StoreTables } from './store-tables.js';

/** Environment variable naming a file that holds the secret key (PostgreSQL has no data directory for one). */
export const SECRET_KEY_FILE_ENV = 'ZOOMTRAIL_SECRET_KEY_FILE';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` (or `postgresql://`). */
  url: string;
  clock: Clock;
  /** The secret key as configured (ZOOMTRAIL_SECRET_KEY); it wins over `secretKeyFile`. */
  secretKey?: string;
  /** A file holding the key (64 hex characters or base64 of 32 bytes), as configured (ZOOMTRAIL_SECRET_KEY_FILE). */
  secretKeyFile?: string;
  /**
   * Tests and benchmarks: the settings above as an environment (`ZOOMTRAIL_SECRET_KEY`,
   * `ZOOMTRAIL_SECRET_KEY_FILE`, `ZOOMTRAIL_DB_IDLE_TRANSACTION_TIMEOUT_MS`) when not given.
   */
  env?: NodeJS.ProcessEnv;
  /** Rows per query when streaming events and failures out; default 1000. */
  batchSize?: number;
  /** Events inserted between two background `ANALYZE`s of the event tables (the planner's statistics); default 100,000. */
  analyzeEveryEvents?: number;
  /**
   * A schema to live in (tests, benchmarks): created if missing and put first on
   * every pooled connection's `search_path`. Default: the connection's own search path (usually `public`).
   */
  schema?: string;
  /** Pool size; default 10. */
  maxConnections?: number;
  /**
   * Worker threads running the long reads (event streams and exports, counts,
   * histogram, failures) on connections of their own (READ_WORKER_CONNECTIONS
   * each), so neither the queries' rows nor an export's text are made on the
   * event loop's thread; default 2. 0 reads on the calling thread.
   */
  readWorkers?: number;
  /**
   * PostgreSQL ends a transaction left idle this long (default 15 s; configured
   * by `ZOOMTRAIL_DB_IDLE_TRANSACTION_TIMEOUT_MS`). Zoomtrail's transactions take
   * milliseconds; one idle for long belongs to a process that was paused or
   * cut off mid-commit, and its row locks would otherwise keep another
   * instance from taking over its lease (the takeover waits for the lease row).
   */
  idleTransactionTimeoutMs?: number;
}

/**
 * Opens (migrating as needed) the PostgreSQL store at `url`.
 *
 * Throws DatabaseConnectionError (cannot connect: names DATABASE_URL, never the
 * password), StoreSchemaError (database from a newer Zoomtrail), SecretKeyError
 * (key missing, malformed, or not the key the secrets were sealed with).
 *
 * @example
 * const store = await openPostgresStore({ url: config.databaseUrl, secretKey: config.secretKey, clock: systemClock });
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const env = options.env ?? {};
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`schema must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`);
  const location = redactDatabaseUrl(options.url) + (schema ? ` (schema ${schema})` : '');
  if (schema !== undefined) await createSchema(options.url, schema);
  const idleTimeout = options.idleTransactionTimeoutMs ?? (Number(env.ZOOMTRAIL_DB_IDLE_TRANSACTION_TIMEOUT_MS) || 15_000);
  const sessionOptions = postgresSessionOptions({ idleTransactionTimeoutMs: idleTimeout, schema });
  const pool = openPostgresPool({ url: options.url, max: options.maxConnections ?? 10, options: sessionOptions });
  const kysely = new Kysely<StoreTables>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  try {
    let current: string;
    try {
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(kysely);
      current = rows[0]?.schema ?? '';
    } catch (error) {
      throw new DatabaseConnectionError(options.url, error);
    }
    if (!current) throw new DatabaseConnectionError(options.url, new Error('no schema on the search_path exists (current_schema() is null)'));
    await runMigrations(kysely, location, current);
    await kysely.transaction().execute((trx) => ensureTrigramIndexes<StoreTables>(trx, POSTGRES_TRIGRAM_INDEXES));
    const secretKey = options.secretKey ?? env[SECRET_KEY_ENV];
    const keyFile = options.secretKeyFile ?? (env[SECRET_KEY_FILE_ENV]?.trim() || undefined);
    const box = serverSecretBox(secretKey, keyFile, await hasEncryptedData(kysely));
    await verifyKeyCheck(kysely, box);
    const batchSize = options.batchSize ?? DEFAULT_QUERY_BATCH_SIZE;
    const readWorkers = options.readWorkers ?? DEFAULT_READ_WORKERS;
    const workerData: PostgresReadWorkerData = {
      url: options.url,
      options: sessionOptions,
      maxConnections: READ_WORKER_CONNECTIONS,
      applicationName: readWorkerApplicationName(schema),
      batchSize,
    };
    const readPool =
      readWorkers > 0 ? new ReadWorkerPool<ReadOps>({ size: readWorkers, spawn: () => new Worker(readWorkerScript('postgres-read-worker.js'), { workerData }) }) : undefined;
    return new PostgresStore(kysely, box, options.clock, batchSize, options.analyzeEveryEvents ?? ANALYZE_EVERY_EVENTS, readPool);
  } catch (error) {
    await kysely.destroy();
    throw error;
  }
}

/** The key from ZOOMTRAIL_SECRET_KEY (resolveSecretKey's rules), else from the key file; required: there is no data directory to create one in. */
function serverSecretBox(secretKey: string | undefined, keyFile: string | undefined, encrypted: boolean): SecretBox {
  if (secretKey !== undefined && secretKey.trim() !== '') {
    const { key, origin } = resolveSecretKey({ secretKey, dataDir: null, hasEncryptedData: encrypted });
    const box = new SecretBox(key, origin);
    key.fill(0);
    return box;
  }
  if (keyFile === undefined) throw SecretKeyError.missingServerKey(null);
  const key = readKeyFile(keyFile);
  if (!key) throw SecretKeyError.missingServerKey(keyFile);
  const box = new SecretBox(key, { kind: 'file', keyFile });
  key.fill(0);
  return box;
}

/** `CREATE SCHEMA IF NOT EXISTS` on a connection of its own (concurrent creators tolerated). */
async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseConnectionError(url, error);
  }
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch(async (error: unknown) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (!rowCount) throw error;
    });
  } finally {
    await client.end();
  }
}

/** Read worker threads of a store, unless `readWorkers` says otherwise. */
export const DEFAULT_READ_WORKERS = 2;

/** Connections of each read worker at most: a stream's next batch is read while its current one is used. */
export const READ_WORKER_CONNECTIONS = 2;

/** Events inserted by this process between two background `ANALYZE`s of the event tables (the planner's statistics), by default. */
export const ANALYZE_EVERY_EVENTS = 100_000;

/**
 * The Store on PostgreSQL: the shared Kysely repositories for reads and
 * single-statement writes; PostgreSQL transactions for the multi-statement
 * writes (PostgresPageWriter, PostgresAlertWriter, PostgresHealthWriter,
 * removePostgresSource), each safe with other processes on the same database.
 */
class PostgresStore extends KyselyRepositoryStore implements Store {
  readonly kind = 'postgres';
  readonly #kysely: Kysely<StoreTables>;
  readonly #clock: Clock;
  readonly #writer: PostgresPageWriter;
  readonly #alertWriter: PostgresAlertWriter;
  readonly #signInHistory: PostgresSignInHistory;
  readonly #healthWriter: PostgresHealthWriter;
  readonly #analyzeEveryEvents: number;
  #insertedSinceAnalyze = 0;
  #analyzing: Promise<void> | undefined;
  #closed = false;

  constructor(kysely: Kysely<StoreTables>, box: SecretBox, clock: Clock, batchSize: number, analyzeEveryEvents: number, readPool: ReadWorkerPool<ReadOps> | undefined) {
    super(kysely, box, clock, batchSize, 'postgres', postgresSinkAdvancer(kysely), readPool);
    this.#analyzeEveryEvents = analyzeEveryEvents;
    this.#kysely = kysely;
    this.#clock = clock;
    this.#writer = new PostgresPageWriter(kysely);
    this.#alertWriter = new PostgresAlertWriter(kysely);
    this.#signInHistory = new PostgresSignInHistory(kysely);
    this.#healthWriter = new PostgresHealthWriter(kysely);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#analyzing;
    await this.closeReadWorkers();
    await this.#kysely.destroy(); // ends the pool
  }

  async removeSource(id: string): Promise<boolean> {
    return removePostgresSource(this.#kysely, id);
  }

  async commitPage(commit: PageCommit): Promise<PageCommitResult> {
    const result = await this.#writer.commitPage(commit, this.#clock.now());
    this.#insertedSinceAnalyze += result.insertedEventIds.length;
    if (this.#insertedSinceAnalyze >= this.#analyzeEveryEvents && this.#analyzing === undefined) {
      this.#insertedSinceAnalyze = 0;
      // In the background (a sample of each table: about a second at millions of rows); autovacuum may be off.
      // The queues' rows are all deleted soon after they are written: vacuumed here too, so their dead rows are
      // reused whatever the autovacuum settings (with it off, an empty detection queue held 158 MB after
      // 1,000,000 events, and counting it for /api/health took 140-800 ms).
      this.#analyzing = sql`ANALYZE events, event_indicators, event_hour_counts`
        .execute(this.#kysely)
        .then(() => sql`VACUUM (SKIP_LOCKED) detection_pending, history_pending`.execute(this.#kysely))
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          this.#analyzing = undefined;
        });
    }
    return result;
  }

  async updateStream(sourceId: string, logType: LogType, update: StreamUpdate, days: DayUpdate[] = [], fence?: Fence): Promise<void> {
    await this.#writer.updateStream(sourceId, logType, update, days, this.#clock.now(), fence);
  }

  signInHistory(sourceId: string, rowIds: readonly string[], windows: HistoryWindows): Promise<Map<string, SignInHistoryRecord>> {
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
    await this.#alertWriter.recordDeliveryAttempt(attempt);
  }

  async raiseSystemAlert(input: SystemAlertInput): Promise<{ alert: AlertRecord; raised: boolean }> {
    return this.#healthWriter.raiseSystemAlert(input, this.#clock.now());
  }

  async resolveSystemAlert(ruleId: string, dedup: string, note: string): Promise<AlertRecord | undefined> {
    return this.#healthWriter.resolveSystemAlert(ruleId, dedup, note, this.#clock.now());
  }

  async purgeBefore(logType: LogType, beforeDay: string, limit: number): Promise<PurgeBatch> {
    return purgePostgresBefore(this.#kysely, logType, beforeDay, limit, this.#clock.now());
  }

  /** Nothing to do: autovacuum makes deleted rows' space reusable; the files keep their size for new rows. */
  async releaseFreeSpace(): Promise<FreeSpace> {
    return { released: 0, remaining: 0 };
  }
}
