import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Clock } from '../shared/clock.js';
import type { LogType } from '../zoom/report-records.js';
import type {
  AlertQuery,
  AlertRecord,
  AlertStatus,
  DeliveryAttemptInput,
  DeliveryAttemptRecord,
  DeliveryQuery,
  DeliveryRecord,
  DestinationPatch,
  DestinationRecord,
  DetectionCommit,
  DetectionCommitResult,
  NewDestination,
  RuleErrorQuery,
  RuleErrorRecord,
} from './alert-store.js';
import { AlertRepository } from './alert-repository.js';
import { LeaseRepository } from './lease-repository.js';
import type { BudgetSlot, Lease, LeaseRecord } from './lease-store.js';
import { AuthRepository } from './auth-repository.js';
import type { ApiTokenRecord, NewApiToken, NewSession, NewUser, SessionPolicy, SessionRecord, TakenAuthorization, UserRecord } from './auth-store.js';
import type { PendingAuthorization } from '../zoom/authorization-code-flow.js';
import type { DestinationSecret } from '../alert/destination.js';
import { CoverageReader } from './coverage-reader.js';
import { DEFAULT_QUERY_BATCH_SIZE, EventReader } from './event-reader.js';
import { HealthRepository } from './health-repository.js';
import type { HealthCounts, Heartbeat, HeartbeatQuery, SystemAlertInput } from './health-store.js';
import { hasEncryptedData, verifyKeyCheck } from './key-check.js';
import { runMigrations } from './migrations/run-migrations.js';
import { PostgresAlertWriter } from './postgres-alert-writer.js';
import { PostgresHealthWriter } from './postgres-health-writer.js';
import { PostgresPageWriter } from './postgres-page-writer.js';
import { removePostgresSource } from './postgres-source-remover.js';
import { DatabaseConnectionError, redactDatabaseUrl } from './postgres-url.js';
import { readKeyFile, resolveSecretKey, SecretBox } from './secret-box.js';
import { SourceRepository } from './source-repository.js';
import { SECRET_KEY_ENV, SecretKeyError } from './store-errors.js';
import type {
  ClassificationFailure,
  DayCoverage,
  DayUpdate,
  EventQuery,
  Fence,
  FailureQuery,
  NewSource,
  PageCommit,
  PageCommitResult,
  SourceCredentials,
  SourcePatch,
  SourceRecord,
  Store,
  StoredEvent,
  StreamState,
  StreamUpdate,
} from './store.js';
import type { StoreTables } from './store-tables.js';

/** Environment variable naming a file that holds the secret key (PostgreSQL has no data directory for one). */
export const SECRET_KEY_FILE_ENV = 'ZOOMTRAIL_SECRET_KEY_FILE';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` (or `postgresql://`). */
  url: string;
  clock: Clock;
  /** Where `ZOOMTRAIL_SECRET_KEY` / `ZOOMTRAIL_SECRET_KEY_FILE` are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** A file holding the key (64 hex characters or base64 of 32 bytes); default `ZOOMTRAIL_SECRET_KEY_FILE`. The variable wins when both are set. */
  secretKeyFile?: string;
  /** Rows per query when streaming events and failures out; default 1000. */
  batchSize?: number;
  /**
   * A schema to live in (tests, benchmarks): created if missing and put first on
   * every pooled connection's `search_path`. Default: the connection's own search path (usually `public`).
   */
  schema?: string;
  /** Pool size; default 10. */
  maxConnections?: number;
  /**
   * PostgreSQL ends a transaction left idle this long (default 15 s, or
   * `ZOOMTRAIL_DB_IDLE_TRANSACTION_TIMEOUT_MS`). Zoomtrail's transactions take
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
 * const store = await openPostgresStore({ url: process.env.DATABASE_URL!, clock: systemClock });
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const env = options.env ?? process.env;
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`schema must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`);
  const location = redactDatabaseUrl(options.url) + (schema ? ` (schema ${schema})` : '');
  if (schema !== undefined) await createSchema(options.url, schema);
  const idleTimeout = options.idleTransactionTimeoutMs ?? (Number(env.ZOOMTRAIL_DB_IDLE_TRANSACTION_TIMEOUT_MS) || 15_000);
  const settings = [`-c idle_in_transaction_session_timeout=${Math.max(1000, Math.round(idleTimeout))}`];
  if (schema !== undefined) settings.push(`-c search_path=${schema}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    options: settings.join(' '),
  });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // Nor a checked-out client's (the server ended an idle transaction, or restarted): the query in
  // flight is rejected with the same error, and that is where it is handled.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const kysely = new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    let current: string;
    try {
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(kysely);
      current = rows[0]?.schema ?? '';
    } catch (error) {
      throw new DatabaseConnectionError(options.url, error);
    }
    if (!current) throw new DatabaseConnectionError(options.url, new Error('no schema on the search_path exists (current_schema() is null)'));
    // Kysely<any>: migrations see the schema as it was when they were written.
    await runMigrations(kysely as Kysely<any>, location, current);
    const box = serverSecretBox(env, options.secretKeyFile, await hasEncryptedData(kysely));
    await verifyKeyCheck(kysely, box);
    return new PostgresStore(kysely, box, options.clock, options.batchSize ?? DEFAULT_QUERY_BATCH_SIZE);
  } catch (error) {
    await kysely.destroy();
    throw error;
  }
}

/** The key from ZOOMTRAIL_SECRET_KEY (resolveSecretKey's rules), else from the key file; required: there is no data directory to create one in. */
function serverSecretBox(env: NodeJS.ProcessEnv, keyFileOption: string | undefined, encrypted: boolean): SecretBox {
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const { key, origin } = resolveSecretKey({ env, dataDir: null, hasEncryptedData: encrypted });
    const box = new SecretBox(key, origin);
    key.fill(0);
    return box;
  }
  const keyFile = keyFileOption ?? (env[SECRET_KEY_FILE_ENV]?.trim() || undefined);
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

/**
 * The Store on PostgreSQL: the shared Kysely repositories for reads and
 * single-statement writes; PostgreSQL transactions for the multi-statement
 * writes (PostgresPageWriter, PostgresAlertWriter, PostgresHealthWriter,
 * removePostgresSource), each safe with other processes on the same database.
 */
class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly #kysely: Kysely<StoreTables>;
  readonly #clock: Clock;
  readonly #sources: SourceRepository;
  readonly #coverage: CoverageReader;
  readonly #reader: EventReader;
  readonly #writer: PostgresPageWriter;
  readonly #alerts: AlertRepository;
  readonly #leases: LeaseRepository;
  readonly #alertWriter: PostgresAlertWriter;
  readonly #auth: AuthRepository;
  readonly #health: HealthRepository;
  readonly #healthWriter: PostgresHealthWriter;
  #closed = false;

  constructor(kysely: Kysely<StoreTables>, box: SecretBox, clock: Clock, batchSize: number) {
    this.#kysely = kysely;
    this.#clock = clock;
    this.#sources = new SourceRepository(kysely, box, clock);
    this.#coverage = new CoverageReader(kysely);
    this.#reader = new EventReader(kysely, batchSize, 'postgres');
    this.#writer = new PostgresPageWriter(kysely);
    this.#alerts = new AlertRepository(kysely, box, clock);
    this.#leases = new LeaseRepository(kysely, clock);
    this.#alertWriter = new PostgresAlertWriter(kysely);
    this.#auth = new AuthRepository(kysely, box, clock);
    this.#health = new HealthRepository(kysely, clock);
    this.#healthWriter = new PostgresHealthWriter(kysely);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#kysely.destroy(); // ends the pool
  }

  createSource(input: NewSource): Promise<SourceRecord> {
    return this.#sources.create(input);
  }

  updateSource(id: string, patch: SourcePatch): Promise<SourceRecord> {
    return this.#sources.update(id, patch);
  }

  getSource(id: string): Promise<SourceRecord | undefined> {
    return this.#sources.get(id);
  }

  listSources(): Promise<SourceRecord[]> {
    return this.#sources.list();
  }

  async removeSource(id: string): Promise<boolean> {
    return removePostgresSource(this.#kysely, id);
  }

  getSourceCredentials(id: string): Promise<SourceCredentials> {
    return this.#sources.getCredentials(id);
  }

  setSourceCredentials(id: string, credentials: Partial<SourceCredentials>): Promise<void> {
    return this.#sources.setCredentials(id, credentials);
  }

  getStreamState(sourceId: string, logType: LogType): Promise<StreamState> {
    return this.#coverage.streamState(sourceId, logType);
  }

  listDayCoverage(sourceId: string, logType: LogType, fromDay: string, toDay: string): Promise<DayCoverage[]> {
    return this.#coverage.dayCoverage(sourceId, logType, fromDay, toDay);
  }

  async commitPage(commit: PageCommit): Promise<PageCommitResult> {
    return this.#writer.commitPage(commit, this.#clock.now());
  }

  async updateStream(sourceId: string, logType: LogType, update: StreamUpdate, days: DayUpdate[] = [], fence?: Fence): Promise<void> {
    await this.#writer.updateStream(sourceId, logType, update, days, this.#clock.now(), fence);
  }

  queryEvents(query: EventQuery): AsyncIterable<StoredEvent> {
    return this.#reader.events(query);
  }

  countEvents(query: Omit<EventQuery, 'limit'>): Promise<number> {
    return this.#reader.countEvents(query);
  }

  getEvent(rowId: string): Promise<StoredEvent | undefined> {
    return this.#reader.getEvent(rowId);
  }

  eventHistogram(query: Omit<EventQuery, 'limit' | 'order' | 'after'>, fromMs: number, toMs: number, bucketMs: number): Promise<number[]> {
    return this.#reader.histogram(query, fromMs, toMs, bucketMs);
  }

  listFailures(query: FailureQuery): AsyncIterable<ClassificationFailure> {
    return this.#reader.failures(query);
  }

  countFailures(query: Omit<FailureQuery, 'limit'>): Promise<number> {
    return this.#reader.countFailures(query);
  }

  listPendingDetection(limit: number): Promise<StoredEvent[]> {
    return this.#alerts.listPendingDetection(limit);
  }

  countPendingDetection(): Promise<number> {
    return this.#alerts.countPendingDetection();
  }

  async commitDetection(commit: DetectionCommit): Promise<DetectionCommitResult> {
    return this.#alertWriter.commitDetection(commit, this.#clock.now());
  }

  ruleEnabledOverrides(): Promise<Map<string, boolean>> {
    return this.#alerts.ruleEnabledOverrides();
  }

  setRuleEnabled(ruleId: string, enabled: boolean): Promise<void> {
    return this.#alerts.setRuleEnabled(ruleId, enabled);
  }

  listRuleErrors(query: RuleErrorQuery): Promise<RuleErrorRecord[]> {
    return this.#alerts.listRuleErrors(query);
  }

  countRuleErrors(query: Omit<RuleErrorQuery, 'limit'>): Promise<number> {
    return this.#alerts.countRuleErrors(query);
  }

  listAlerts(query: AlertQuery): Promise<AlertRecord[]> {
    return this.#alerts.listAlerts(query);
  }

  getAlert(id: string): Promise<AlertRecord | undefined> {
    return this.#alerts.getAlert(id);
  }

  alertRowIds(alertId: string, limit?: number): Promise<string[]> {
    return this.#alerts.alertRowIds(alertId, limit);
  }

  async setAlertStatus(id: string, status: AlertStatus, note?: string): Promise<AlertRecord> {
    return this.#alertWriter.setAlertStatus(id, status, note ?? null, this.#clock.now());
  }

  createDestination(input: NewDestination): Promise<DestinationRecord> {
    return this.#alerts.createDestination(input);
  }

  updateDestination(id: string, patch: DestinationPatch): Promise<DestinationRecord> {
    return this.#alerts.updateDestination(id, patch);
  }

  getDestination(idOrName: string): Promise<DestinationRecord | undefined> {
    return this.#alerts.getDestination(idOrName);
  }

  listDestinations(): Promise<DestinationRecord[]> {
    return this.#alerts.listDestinations();
  }

  async removeDestination(id: string): Promise<boolean> {
    return this.#alertWriter.removeDestination(id);
  }

  getDestinationSecret(id: string): Promise<DestinationSecret> {
    return this.#alerts.getDestinationSecret(id);
  }

  dueDeliveries(now: number, limit: number): Promise<DeliveryRecord[]> {
    return this.#alerts.dueDeliveries(now, limit);
  }

  nextDeliveryDueAt(): Promise<number | null> {
    return this.#alerts.nextDeliveryDueAt();
  }

  async recordDeliveryAttempt(attempt: DeliveryAttemptInput): Promise<void> {
    await this.#alertWriter.recordDeliveryAttempt(attempt);
  }

  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    return this.#alerts.listDeliveries(query);
  }

  listDeliveryAttempts(deliveryId: string): Promise<DeliveryAttemptRecord[]> {
    return this.#alerts.listDeliveryAttempts(deliveryId);
  }

  // --- source health (HealthStore) --------------------------------------------

  recordHeartbeat(heartbeat: Heartbeat): Promise<void> {
    return this.#health.recordHeartbeat(heartbeat);
  }

  listHeartbeats(query: HeartbeatQuery): Promise<Heartbeat[]> {
    return this.#health.listHeartbeats(query);
  }

  healthCounts(sourceId: string, sinceMs: number): Promise<HealthCounts> {
    return this.#health.healthCounts(sourceId, sinceMs);
  }

  listLateRecordDays(sourceId: string, fromDay: string, limit?: number): Promise<DayCoverage[]> {
    return this.#health.listLateRecordDays(sourceId, fromDay, limit);
  }

  async raiseSystemAlert(input: SystemAlertInput): Promise<{ alert: AlertRecord; raised: boolean }> {
    return this.#healthWriter.raiseSystemAlert(input, this.#clock.now());
  }

  async resolveSystemAlert(ruleId: string, dedup: string, note: string): Promise<AlertRecord | undefined> {
    return this.#healthWriter.resolveSystemAlert(ruleId, dedup, note, this.#clock.now());
  }

  listOpenSystemAlerts(query?: { ruleId?: string; sourceId?: string }): Promise<AlertRecord[]> {
    return this.#health.listOpenSystemAlerts(query);
  }

  // --- console and API auth (AuthStore) ---------------------------------------

  countUsers(): Promise<number> {
    return this.#auth.countUsers();
  }

  createUser(input: NewUser): Promise<UserRecord> {
    return this.#auth.createUser(input);
  }

  findUserByUsername(username: string): Promise<UserRecord | undefined> {
    return this.#auth.findUserByUsername(username);
  }

  getUser(id: string): Promise<UserRecord | undefined> {
    return this.#auth.getUser(id);
  }

  createSession(input: NewSession): Promise<SessionRecord> {
    return this.#auth.createSession(input);
  }

  touchSession(idHash: string, policy: SessionPolicy): Promise<SessionRecord | undefined> {
    return this.#auth.touchSession(idHash, policy);
  }

  deleteSession(idHash: string): Promise<boolean> {
    return this.#auth.deleteSession(idHash);
  }

  deleteExpiredAuth(): Promise<number> {
    return this.#auth.deleteExpiredAuth();
  }

  createApiToken(input: NewApiToken): Promise<ApiTokenRecord> {
    return this.#auth.createApiToken(input);
  }

  listApiTokens(): Promise<ApiTokenRecord[]> {
    return this.#auth.listApiTokens();
  }

  deleteApiToken(id: string): Promise<boolean> {
    return this.#auth.deleteApiToken(id);
  }

  useApiToken(tokenHash: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | undefined> {
    return this.#auth.useApiToken(tokenHash);
  }

  createSetupToken(tokenHash: string, expiresAt: number): Promise<void> {
    return this.#auth.createSetupToken(tokenHash, expiresAt);
  }

  consumeSetupToken(tokenHash: string): Promise<boolean> {
    return this.#auth.consumeSetupToken(tokenHash);
  }

  savePendingAuthorization(sessionIdHash: string, sourceId: string, pending: PendingAuthorization, expiresAt: number): Promise<void> {
    return this.#auth.savePendingAuthorization(sessionIdHash, sourceId, pending, expiresAt);
  }

  takePendingAuthorization(state: string): Promise<TakenAuthorization | undefined> {
    return this.#auth.takePendingAuthorization(state);
  }

  claimDueDeliveries(owner: string, now: number, limit: number, claimMs: number): Promise<DeliveryRecord[]> {
    return this.#alerts.claimDueDeliveries(owner, now, limit, claimMs);
  }

  acquireLease(sourceId: string, owner: string, ttlMs: number, options?: { force?: boolean }): Promise<Lease | null> {
    return this.#leases.acquireLease(sourceId, owner, ttlMs, options);
  }

  renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    return this.#leases.renewLease(lease, ttlMs);
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.#leases.releaseLease(lease);
  }

  listLeases(): Promise<LeaseRecord[]> {
    return this.#leases.listLeases();
  }

  takeBudgetSlot(key: string, limits: { windowMs: number; perWindow: number; perDay: number }): Promise<BudgetSlot> {
    return this.#leases.takeBudgetSlot(key, limits);
  }

  holdBudget(key: string, untilMs: number): Promise<void> {
    return this.#leases.holdBudget(key, untilMs);
  }
}
