import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
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
import { hasEncryptedData, verifyKeyCheck } from './key-check.js';
import { runMigrations } from './migrations/run-migrations.js';
import { resolveSecretKey, SecretBox } from './secret-box.js';
import { SourceRepository } from './source-repository.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { SqliteAlertWriter } from './sqlite-alert-writer.js';
import { SqlitePageWriter } from './sqlite-page-writer.js';
import { HealthRepository } from './health-repository.js';
import type { HealthCounts, Heartbeat, HeartbeatQuery, SystemAlertInput } from './health-store.js';
import { SqliteHealthWriter } from './sqlite-health-writer.js';
import { sqliteSourceRemover } from './sqlite-source-remover.js';
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

/** Default database file name inside the data directory. */
export const SQLITE_FILE_NAME = 'zoomtrail.db';

export interface SqliteStoreOptions {
  /** Directory for the database and the key file; created if missing. Ignored when `memory`. */
  dataDir: string;
  clock: Clock;
  /** Where `ZOOMTRAIL_SECRET_KEY` is read; default `process.env`. */
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
  const { db, location } = openSqliteDatabase({ dataDir: options.dataDir, fileName: options.fileName ?? SQLITE_FILE_NAME, memory });
  const kysely = new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: db }) });
  try {
    // Kysely<any>: migrations see the schema as it was when they were written.
    // Kysely runs SQLite migrations without a transaction or a lock: one IMMEDIATE
    // transaction around them makes a second process opening the same new database
    // wait (busy timeout) and then find them applied, and a failed migration leave nothing.
    db.exec('BEGIN IMMEDIATE');
    try {
      await runMigrations(kysely as Kysely<any>, location);
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
    const { key, origin } = resolveSecretKey({
      env: options.env ?? process.env,
      dataDir: memory ? null : options.dataDir,
      hasEncryptedData: await hasEncryptedData(kysely),
    });
    const box = new SecretBox(key, origin);
    key.fill(0);
    await verifyKeyCheck(kysely, box);
    return new SqliteStore(db, kysely, box, options.clock, options.batchSize ?? DEFAULT_QUERY_BATCH_SIZE);
  } catch (error) {
    await kysely.destroy();
    throw error;
  }
}

/**
 * The Store on SQLite: Kysely for sources, reads and coverage; better-sqlite3
 * prepared statements in synchronous transactions for the write path
 * (`commitPage`, `updateStream`, `removeSource`), so a write never interleaves
 * with another on the single connection.
 */
class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly #db: BetterSqlite3.Database;
  readonly #kysely: Kysely<StoreTables>;
  readonly #clock: Clock;
  readonly #sources: SourceRepository;
  readonly #coverage: CoverageReader;
  readonly #reader: EventReader;
  readonly #writer: SqlitePageWriter;
  readonly #alerts: AlertRepository;
  readonly #leases: LeaseRepository;
  readonly #alertWriter: SqliteAlertWriter;
  readonly #removeSource: (sourceId: string) => boolean;
  readonly #auth: AuthRepository;
  readonly #health: HealthRepository;
  readonly #healthWriter: SqliteHealthWriter;
  #closed = false;

  constructor(db: BetterSqlite3.Database, kysely: Kysely<StoreTables>, box: SecretBox, clock: Clock, batchSize: number) {
    this.#db = db;
    this.#kysely = kysely;
    this.#clock = clock;
    this.#sources = new SourceRepository(kysely, box, clock);
    this.#coverage = new CoverageReader(kysely);
    this.#reader = new EventReader(kysely, batchSize, 'sqlite');
    this.#writer = new SqlitePageWriter(db);
    this.#alerts = new AlertRepository(kysely, box, clock);
    this.#leases = new LeaseRepository(kysely, clock);
    this.#alertWriter = new SqliteAlertWriter(db);
    this.#removeSource = sqliteSourceRemover(db);
    this.#auth = new AuthRepository(kysely, box, clock);
    this.#health = new HealthRepository(kysely, clock);
    this.#healthWriter = new SqliteHealthWriter(db);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#kysely.destroy(); // closes the better-sqlite3 database too
    if (this.#db.open) this.#db.close();
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
    return this.#removeSource(id);
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
    this.#writer.updateStream(sourceId, logType, update, days, this.#clock.now(), fence);
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
    this.#alertWriter.recordDeliveryAttempt(attempt);
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
