import { Kysely } from 'kysely';
import type { Clock } from '../shared/clock.js';
import type { LogType } from '../zoom/report-records.js';
import type { AlertFilter, AlertHistoryEntry, AlertQuery, AlertRecord, RuleErrorQuery, RuleErrorRecord } from './alert-store.js';
import type { DeliveryAttemptRecord, DeliveryQuery, DeliveryRecord, DestinationPatch, DestinationRecord, NewDestination } from './destination-store.js';
import { AlertRepository } from './alert-repository.js';
import type { CoverageRecord } from '../domain/coverage-digest.js';
import { LeaseRepository } from './lease-repository.js';
import type { BudgetSlot, Lease, LeaseRecord } from './lease-store.js';
import { AuthRepository } from './auth-repository.js';
import { AuditRepository } from './audit-repository.js';
import { OidcRepository } from './oidc-repository.js';
import type { OidcPendingLogin } from './oidc-store.js';
import type { AuditEntry, AuditQuery, NewAuditEntry } from './audit-store.js';
import type { ApiTokenRecord, NewApiToken, NewSession, NewUser, SessionPolicy, SessionRecord, SetupPurpose, TakenAuthorization, UserChange, UserRecord } from './auth-store.js';
import type { PendingAuthorization } from '../domain/pending-authorization.js';
import type { DestinationSecret } from '../domain/destination-settings.js';
import { CoverageReader } from './coverage-reader.js';
import { EventReader } from './event-reader.js';
import { eventExportChunks } from './event-export-chunks.js';
import type { ReadWorkerPool } from './read-worker-pool.js';
import type { ReadOps } from './read-worker-protocol.js';
import { WorkerEventReader } from './worker-event-reader.js';
import { looseKeyFileWarning, SecretBox } from './secret-box.js';
import { SourceRepository } from './source-repository.js';
import { HealthRepository } from './health-repository.js';
import { HistoryPendingRepository } from './history-pending-repository.js';
import type { HistoryPendingDay } from './sign-in-history-store.js';
import type { HealthCounts, Heartbeat, HeartbeatQuery } from './health-store.js';
import { SignInViewRepository, type SignInPoint, type SignInSpan, type StoredSignIn, type UserSignInSummary } from './sign-in-view-repository.js';
import type {
  ClassificationFailure,
  DayCoverage,
  EventQuery,
  ExportFormat,
  ExportQuery,
  FailureQuery,
  NewSource,
  SourceCredentials,
  SourcePatch,
  SourceRecord,
  StoredEvent,
  StreamState,
} from './store.js';
import { SuppressionRepository } from './suppression-repository.js';
import { SavedSearchRepository } from './saved-search-repository.js';
import type { NewSavedSearch, SavedSearchChange, SavedSearchRecord } from './saved-search-store.js';
import { OverviewRepository } from './overview-repository.js';
import type { CountryCount, HourlyLogTypeCount, HourlySeverityCount, OpenAlertCount } from './overview-store.js';
import { RuleTuningRepository } from './rule-tuning-repository.js';
import type { RuleSetReport, RuleTuning, RuleTuningPatch } from './rule-tuning-store.js';
import { SinkCoverageRepository } from './sink-coverage-repository.js';
import type { SinkLease } from './sink-coverage-store.js';
import { SinkRepository, type SinkAdvancer } from './sink-repository.js';
import type { NewSink, SinkAdvance, SinkBatch, SinkCursor, SinkDeadLetter, SinkError, SinkPatch, SinkRecord, SinkState } from './sink-store.js';
import type { NewSuppression, SuppressionRecord } from './suppression-store.js';
import type { StoreTables } from './store-tables.js';

/**
 * What every store does the same way: reads and single-statement writes
 * through the Kysely repositories (dialect-neutral). SqliteStore and
 * PostgresStore extend it with their own write paths (page commits,
 * detection commits, status changes, removals), which differ by dialect.
 */
export abstract class KyselyRepositoryStore {
  protected readonly sources: SourceRepository;
  protected readonly coverage: CoverageReader;
  protected readonly reader: EventReader;
  protected readonly alerts: AlertRepository;
  protected readonly leases: LeaseRepository;
  protected readonly auth: AuthRepository;
  protected readonly audit: AuditRepository;
  protected readonly oidc: OidcRepository;
  protected readonly health: HealthRepository;
  protected readonly historyPending: HistoryPendingRepository;
  protected readonly suppressions: SuppressionRepository;
  protected readonly savedSearches: SavedSearchRepository;
  protected readonly signInViews: SignInViewRepository;
  protected readonly tuning: RuleTuningRepository;
  protected readonly sinks: SinkRepository;
  protected readonly sinkCoverage: SinkCoverageRepository;
  protected readonly overview: OverviewRepository;
  protected readonly clock: Clock;

  readonly #box: SecretBox;
  /** The read workers running the long reads, when the store has them (else they run on `reader`, on this thread). */
  readonly #readPool: ReadWorkerPool<ReadOps> | undefined;
  readonly #longReads: WorkerEventReader | undefined;

  /** What an operator should fix about how secrets are kept (a key file others can read); empty when nothing. */
  securityWarnings(): string[] {
    const warning = this.#box.origin.keyFile === null || this.#box.origin.kind !== 'file' ? undefined : looseKeyFileWarning(this.#box.origin.keyFile);
    return warning === undefined ? [] : [warning];
  }

  constructor(
    kysely: Kysely<StoreTables>,
    box: SecretBox,
    clock: Clock,
    batchSize: number,
    dialect: 'sqlite' | 'postgres',
    sinkAdvancer: SinkAdvancer,
    /** Worker threads for the long reads (event streams and exports, counts, histogram, failures); none: they run on this thread. */
    readPool?: ReadWorkerPool<ReadOps>,
  ) {
    this.#box = box;
    this.#readPool = readPool;
    this.#longReads = readPool ? new WorkerEventReader(readPool) : undefined;
    this.clock = clock;
    this.sources = new SourceRepository(kysely, box, clock);
    this.coverage = new CoverageReader(kysely);
    this.reader = new EventReader(kysely, batchSize, dialect);
    this.signInViews = new SignInViewRepository(kysely, dialect);
    this.alerts = new AlertRepository(kysely, box, clock);
    this.leases = new LeaseRepository(kysely, clock);
    this.auth = new AuthRepository(kysely, box, clock);
    this.audit = new AuditRepository(kysely, clock);
    this.oidc = new OidcRepository(kysely, box, clock);
    this.health = new HealthRepository(kysely, clock);
    this.historyPending = new HistoryPendingRepository(kysely);
    this.suppressions = new SuppressionRepository(kysely, clock);
    this.savedSearches = new SavedSearchRepository(kysely, clock);
    this.tuning = new RuleTuningRepository(kysely, clock);
    this.sinks = new SinkRepository(kysely, box, clock, dialect, sinkAdvancer);
    this.sinkCoverage = new SinkCoverageRepository(kysely, clock);
    this.overview = new OverviewRepository(kysely);
  }

  eventCountsByHour(fromMs: number, toMs: number): Promise<HourlyLogTypeCount[]> {
    return this.overview.eventCountsByHour(fromMs, toMs);
  }

  alertCountsByHour(fromMs: number, toMs: number): Promise<HourlySeverityCount[]> {
    return this.overview.alertCountsByHour(fromMs, toMs);
  }

  openAlertCounts(): Promise<OpenAlertCount[]> {
    return this.overview.openAlertCounts();
  }

  signInCountries(fromMs: number, toMs: number, limit: number): Promise<CountryCount[]> {
    return this.overview.signInCountries(fromMs, toMs, limit);
  }

  // --- forwarding (SinkStore) ---------------------------------------------------

  createSink(input: NewSink): Promise<SinkRecord> {
    return this.sinks.createSink(input);
  }

  getSink(idOrName: string): Promise<SinkRecord | undefined> {
    return this.sinks.getSink(idOrName);
  }

  listSinks(): Promise<SinkRecord[]> {
    return this.sinks.listSinks();
  }

  setSinkPaused(id: string, paused: boolean): Promise<SinkRecord> {
    return this.sinks.setSinkPaused(id, paused);
  }

  removeSink(id: string): Promise<boolean> {
    return this.sinks.removeSink(id);
  }

  getSinkSecret(id: string): Promise<string | null> {
    return this.sinks.getSinkSecret(id);
  }

  getSinkState(id: string): Promise<SinkState> {
    return this.sinks.getSinkState(id);
  }

  readSinkBatch(id: string, options: { maxEvents: number; logTypes?: readonly string[] | null }): Promise<SinkBatch> {
    return this.sinks.readSinkBatch(id, options);
  }

  advanceSink(id: string, advance: SinkAdvance): Promise<boolean> {
    return this.sinks.advanceSink(id, advance);
  }

  recordSinkFailure(id: string, failure: { error: SinkError; nextAttemptAt: number; now: number }): Promise<void> {
    return this.sinks.recordSinkFailure(id, failure);
  }

  sinkBacklog(id: string): Promise<{ events: number; newestStoredAt: number | null; oldestPendingStoredAt: number | null }> {
    return this.sinks.sinkBacklog(id);
  }

  listSinkDeadLetters(id: string, limit?: number): Promise<SinkDeadLetter[]> {
    return this.sinks.listSinkDeadLetters(id, limit);
  }

  purgeForwardLog(options: { olderThanMs: number; noSinkOlderThanMs: number; limit: number }): Promise<number> {
    return this.sinks.purgeForwardLog(options);
  }

  updateSink(id: string, patch: SinkPatch): Promise<SinkRecord> {
    return this.sinks.updateSink(id, patch);
  }

  removeSinkDeadLetters(id: string, rowIds: readonly string[]): Promise<number> {
    return this.sinks.removeSinkDeadLetters(id, rowIds);
  }

  sinkCursorAt(storedAtMs: number): Promise<SinkCursor> {
    return this.sinks.sinkCursorAt(storedAtMs);
  }

  moveSinkCursor(id: string, to: SinkCursor, now: number): Promise<void> {
    return this.sinks.moveSinkCursor(id, to, now);
  }

  eventsByRowIds(rowIds: readonly string[]): Promise<StoredEvent[]> {
    return this.sinks.eventsByRowIds(rowIds);
  }

  createSavedSearch(input: NewSavedSearch): Promise<SavedSearchRecord> {
    return this.savedSearches.createSavedSearch(input);
  }

  listSavedSearches(userId: string): Promise<SavedSearchRecord[]> {
    return this.savedSearches.listSavedSearches(userId);
  }

  getSavedSearch(id: string): Promise<SavedSearchRecord | undefined> {
    return this.savedSearches.getSavedSearch(id);
  }

  updateSavedSearch(id: string, change: SavedSearchChange): Promise<SavedSearchRecord | undefined> {
    return this.savedSearches.updateSavedSearch(id, change);
  }

  deleteSavedSearch(id: string): Promise<boolean> {
    return this.savedSearches.deleteSavedSearch(id);
  }

  // --- coverage records and sink leases (SinkCoverageStore) ----------------------

  listCoverageRecords(options: { fromDay: string; toDay: string }): Promise<CoverageRecord[]> {
    return this.sinkCoverage.listCoverageRecords(options);
  }

  dayEventRowIds(logType: string, day: string, sourceId?: string): Promise<string[]> {
    return this.sinkCoverage.dayEventRowIds(logType, day, sourceId);
  }

  acquireSinkLease(sinkId: string, owner: string, ttlMs: number): Promise<SinkLease | null> {
    return this.sinkCoverage.acquireSinkLease(sinkId, owner, ttlMs);
  }

  renewSinkLease(lease: SinkLease, ttlMs: number): Promise<boolean> {
    return this.sinkCoverage.renewSinkLease(lease, ttlMs);
  }

  releaseSinkLease(lease: SinkLease): Promise<void> {
    return this.sinkCoverage.releaseSinkLease(lease);
  }

  listSinkLeases(): Promise<SinkLease[]> {
    return this.sinkCoverage.listSinkLeases();
  }

  createSuppression(input: NewSuppression): Promise<SuppressionRecord> {
    return this.suppressions.createSuppression(input);
  }

  listSuppressions(query?: { ruleId?: string }): Promise<SuppressionRecord[]> {
    return this.suppressions.listSuppressions(query);
  }

  deleteSuppression(id: string): Promise<boolean> {
    return this.suppressions.deleteSuppression(id);
  }

  recordSuppressed(counts: ReadonlyMap<string, { count: number; lastEventMs: number }>): Promise<void> {
    return this.suppressions.recordSuppressed(counts);
  }

  // --- the history rules' queue (SignInHistoryStore; `signInHistory` is per dialect) ---
  listHistoryPendingDays(): Promise<HistoryPendingDay[]> {
    return this.historyPending.days();
  }

  listHistoryPending(sourceId: string, logType: LogType, day: string, limit: number, after?: { eventTimeMs: number; rowId: string }): Promise<StoredEvent[]> {
    return this.historyPending.events(sourceId, logType, day, limit, after);
  }

  userSignInSummary(user: string, span: SignInSpan, recentLimit: number): Promise<UserSignInSummary> {
    return this.signInViews.userSummary(user, span, recentLimit);
  }

  signInPoints(span: SignInSpan, user: string | undefined, limit: number): Promise<SignInPoint[]> {
    return this.signInViews.points(span, user, limit);
  }

  signInsByRowIds(rowIds: readonly string[]): Promise<(StoredSignIn & { user: string })[]> {
    return this.signInViews.signInsByRowIds(rowIds);
  }

  alertIdsForRows(rowIds: readonly string[], limit: number): Promise<string[]> {
    return this.signInViews.alertIdsForRows(rowIds, limit);
  }

  countHistoryPending(): Promise<number> {
    return this.historyPending.count();
  }

  createSource(input: NewSource): Promise<SourceRecord> {
    return this.sources.create(input);
  }

  updateSource(id: string, patch: SourcePatch): Promise<SourceRecord> {
    return this.sources.update(id, patch);
  }

  getSource(id: string): Promise<SourceRecord | undefined> {
    return this.sources.get(id);
  }

  listSources(): Promise<SourceRecord[]> {
    return this.sources.list();
  }

  getSourceCredentials(id: string): Promise<SourceCredentials> {
    return this.sources.getCredentials(id);
  }

  setSourceCredentials(id: string, credentials: Partial<SourceCredentials>): Promise<void> {
    return this.sources.setCredentials(id, credentials);
  }

  getStreamState(sourceId: string, logType: LogType): Promise<StreamState> {
    return this.coverage.streamState(sourceId, logType);
  }

  listDayCoverage(sourceId: string, logType: LogType, fromDay: string, toDay: string): Promise<DayCoverage[]> {
    return this.coverage.dayCoverage(sourceId, logType, fromDay, toDay);
  }

  queryEvents(query: EventQuery): AsyncIterable<StoredEvent> {
    return this.#longReads ? this.#longReads.events(query) : this.reader.events(query);
  }

  exportEvents(query: ExportQuery, format: ExportFormat): AsyncIterable<Uint8Array> {
    return this.#longReads ? this.#longReads.exportEvents(query, format) : eventExportChunks(this.reader.eventBatches({ ...query, order: 'asc' }), query, format);
  }

  countEvents(query: Omit<EventQuery, 'limit'>): Promise<number> {
    return this.#longReads ? this.#longReads.countEvents(query) : this.reader.countEvents(query);
  }

  getEvent(rowId: string): Promise<StoredEvent | undefined> {
    return this.reader.getEvent(rowId);
  }

  eventHistogram(query: Omit<EventQuery, 'limit' | 'order' | 'after'>, fromMs: number, toMs: number, bucketMs: number): Promise<number[]> {
    return this.#longReads ? this.#longReads.histogram(query, fromMs, toMs, bucketMs) : this.reader.histogram(query, fromMs, toMs, bucketMs);
  }

  listFailures(query: FailureQuery): AsyncIterable<ClassificationFailure> {
    return this.#longReads ? this.#longReads.failures(query) : this.reader.failures(query);
  }

  countFailures(query: Omit<FailureQuery, 'limit'>): Promise<number> {
    return this.#longReads ? this.#longReads.countFailures(query) : this.reader.countFailures(query);
  }

  /** Ends the read workers (before the store's own connection closes); waiting reads fail with ReadWorkerError. */
  protected async closeReadWorkers(): Promise<void> {
    await this.#readPool?.close();
  }

  listPendingDetection(limit: number): Promise<StoredEvent[]> {
    return this.alerts.listPendingDetection(limit);
  }

  countPendingDetection(): Promise<number> {
    return this.alerts.countPendingDetection();
  }

  async ruleEnabledOverrides(): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    for (const [ruleId, tuning] of await this.tuning.listRuleTunings()) if (tuning.enabled !== null) out.set(ruleId, tuning.enabled);
    return out;
  }

  async setRuleEnabled(ruleId: string, enabled: boolean, by = 'unknown'): Promise<void> {
    await this.tuning.tuneRule(ruleId, { enabled }, by);
  }

  listRuleTunings(): Promise<Map<string, RuleTuning>> {
    return this.tuning.listRuleTunings();
  }

  getRuleTuning(ruleId: string): Promise<RuleTuning | undefined> {
    return this.tuning.getRuleTuning(ruleId);
  }

  tuneRule(ruleId: string, patch: RuleTuningPatch, by: string): Promise<RuleTuning | undefined> {
    return this.tuning.tuneRule(ruleId, patch, by);
  }

  resetRuleTuning(ruleId: string): Promise<boolean> {
    return this.tuning.resetRuleTuning(ruleId);
  }

  reportRuleSet(report: Omit<RuleSetReport, 'seenAt'>): Promise<void> {
    return this.tuning.reportRuleSet(report);
  }

  listRuleSets(sinceMs: number): Promise<RuleSetReport[]> {
    return this.tuning.listRuleSets(sinceMs);
  }

  listRuleErrors(query: RuleErrorQuery): Promise<RuleErrorRecord[]> {
    return this.alerts.listRuleErrors(query);
  }

  countRuleErrors(query: Omit<RuleErrorQuery, 'limit'>): Promise<number> {
    return this.alerts.countRuleErrors(query);
  }

  listAlerts(query: AlertQuery): Promise<AlertRecord[]> {
    return this.alerts.listAlerts(query);
  }

  countAlerts(filter: AlertFilter): Promise<number> {
    return this.alerts.countAlerts(filter);
  }

  getAlert(id: string): Promise<AlertRecord | undefined> {
    return this.alerts.getAlert(id);
  }

  commentOnAlert(id: string, note: string, by: string): Promise<AlertHistoryEntry> {
    return this.alerts.commentOnAlert(id, note, by);
  }

  alertHistory(id: string, limit?: number): Promise<AlertHistoryEntry[]> {
    return this.alerts.alertHistory(id, limit);
  }

  alertRowIds(alertId: string, limit?: number): Promise<string[]> {
    return this.alerts.alertRowIds(alertId, limit);
  }

  createDestination(input: NewDestination): Promise<DestinationRecord> {
    return this.alerts.createDestination(input);
  }

  updateDestination(id: string, patch: DestinationPatch): Promise<DestinationRecord> {
    return this.alerts.updateDestination(id, patch);
  }

  getDestination(idOrName: string): Promise<DestinationRecord | undefined> {
    return this.alerts.getDestination(idOrName);
  }

  listDestinations(): Promise<DestinationRecord[]> {
    return this.alerts.listDestinations();
  }

  getDestinationSecret(id: string): Promise<DestinationSecret> {
    return this.alerts.getDestinationSecret(id);
  }

  dueDeliveries(now: number, limit: number): Promise<DeliveryRecord[]> {
    return this.alerts.dueDeliveries(now, limit);
  }

  nextDeliveryDueAt(): Promise<number | null> {
    return this.alerts.nextDeliveryDueAt();
  }

  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    return this.alerts.listDeliveries(query);
  }

  listDeliveryAttempts(deliveryId: string): Promise<DeliveryAttemptRecord[]> {
    return this.alerts.listDeliveryAttempts(deliveryId);
  }

  // --- source health (HealthStore) --------------------------------------------

  recordHeartbeat(heartbeat: Heartbeat): Promise<void> {
    return this.health.recordHeartbeat(heartbeat);
  }

  listHeartbeats(query: HeartbeatQuery): Promise<Heartbeat[]> {
    return this.health.listHeartbeats(query);
  }

  healthCounts(sourceId: string, sinceMs: number): Promise<HealthCounts> {
    return this.health.healthCounts(sourceId, sinceMs);
  }

  listLateRecordDays(sourceId: string, fromDay: string, limit?: number): Promise<DayCoverage[]> {
    return this.health.listLateRecordDays(sourceId, fromDay, limit);
  }

  listOpenSystemAlerts(query?: { ruleId?: string; sourceId?: string }): Promise<AlertRecord[]> {
    return this.health.listOpenSystemAlerts(query);
  }

  // --- OpenID Connect sign-in (OidcStore) -------------------------------------
  saveOidcLogin(state: string, bindingHash: string, pending: OidcPendingLogin, expiresAt: number): Promise<void> {
    return this.oidc.saveOidcLogin(state, bindingHash, pending, expiresAt);
  }

  takeOidcLogin(state: string): Promise<{ bindingHash: string; pending: OidcPendingLogin } | undefined> {
    return this.oidc.takeOidcLogin(state);
  }

  findOidcUser(issuer: string, subject: string): Promise<string | undefined> {
    return this.oidc.findOidcUser(issuer, subject);
  }

  linkOidcIdentity(issuer: string, subject: string, userId: string): Promise<void> {
    return this.oidc.linkOidcIdentity(issuer, subject, userId);
  }

  // --- the audit trail (AuditStore) -------------------------------------------

  appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    return this.audit.appendAudit(entry);
  }

  listAudit(query?: AuditQuery): Promise<AuditEntry[]> {
    return this.audit.listAudit(query);
  }

  // --- console and API auth (AuthStore) ---------------------------------------

  countUsers(): Promise<number> {
    return this.auth.countUsers();
  }

  createUser(input: NewUser): Promise<UserRecord> {
    return this.auth.createUser(input);
  }

  findUserByUsername(username: string): Promise<UserRecord | undefined> {
    return this.auth.findUserByUsername(username);
  }

  getUser(id: string): Promise<UserRecord | undefined> {
    return this.auth.getUser(id);
  }

  listUsers(): Promise<UserRecord[]> {
    return this.auth.listUsers();
  }

  updateUser(id: string, change: UserChange): Promise<UserRecord | undefined> {
    return this.auth.updateUser(id, change);
  }

  deleteSessionsOfUser(userId: string): Promise<number> {
    return this.auth.deleteSessionsOfUser(userId);
  }

  createSession(input: NewSession): Promise<SessionRecord> {
    return this.auth.createSession(input);
  }

  touchSession(idHash: string, policy: SessionPolicy): Promise<SessionRecord | undefined> {
    return this.auth.touchSession(idHash, policy);
  }

  deleteSession(idHash: string): Promise<boolean> {
    return this.auth.deleteSession(idHash);
  }

  deleteExpiredAuth(): Promise<number> {
    return this.auth.deleteExpiredAuth();
  }

  createApiToken(input: NewApiToken): Promise<ApiTokenRecord> {
    return this.auth.createApiToken(input);
  }

  listApiTokens(userId?: string): Promise<ApiTokenRecord[]> {
    return this.auth.listApiTokens(userId);
  }

  getApiToken(id: string): Promise<ApiTokenRecord | undefined> {
    return this.auth.getApiToken(id);
  }

  deleteApiToken(id: string): Promise<boolean> {
    return this.auth.deleteApiToken(id);
  }

  useApiToken(tokenHash: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | undefined> {
    return this.auth.useApiToken(tokenHash);
  }

  createSetupToken(tokenHash: string, expiresAt: number, purpose?: SetupPurpose): Promise<void> {
    return this.auth.createSetupToken(tokenHash, expiresAt, purpose);
  }

  setupTokenPurpose(tokenHash: string): Promise<SetupPurpose | undefined> {
    return this.auth.setupTokenPurpose(tokenHash);
  }

  recordServedUrl(url: string): Promise<void> {
    return this.auth.recordServedUrl(url);
  }

  servedUrl(): Promise<string | undefined> {
    return this.auth.servedUrl();
  }

  isSetupTokenValid(tokenHash: string): Promise<boolean> {
    return this.auth.isSetupTokenValid(tokenHash);
  }

  consumeSetupToken(tokenHash: string): Promise<boolean> {
    return this.auth.consumeSetupToken(tokenHash);
  }

  savePendingAuthorization(sessionIdHash: string, sourceId: string, pending: PendingAuthorization, expiresAt: number): Promise<void> {
    return this.auth.savePendingAuthorization(sessionIdHash, sourceId, pending, expiresAt);
  }

  pendingAuthorizationSource(state: string): Promise<string | undefined> {
    return this.auth.pendingAuthorizationSource(state);
  }

  takePendingAuthorization(state: string, sessionIdHash: string): Promise<TakenAuthorization | undefined> {
    return this.auth.takePendingAuthorization(state, sessionIdHash);
  }

  claimDueDeliveries(owner: string, now: number, limit: number, claimMs: number): Promise<DeliveryRecord[]> {
    return this.alerts.claimDueDeliveries(owner, now, limit, claimMs);
  }

  acquireLease(sourceId: string, owner: string, ttlMs: number, options?: { force?: boolean }): Promise<Lease | null> {
    return this.leases.acquireLease(sourceId, owner, ttlMs, options);
  }

  renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    return this.leases.renewLease(lease, ttlMs);
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.leases.releaseLease(lease);
  }

  listLeases(): Promise<LeaseRecord[]> {
    return this.leases.listLeases();
  }

  takeBudgetSlot(key: string, limits: { windowMs: number; perWindow: number; perDay: number }): Promise<BudgetSlot> {
    return this.leases.takeBudgetSlot(key, limits);
  }

  holdBudget(key: string, untilMs: number): Promise<void> {
    return this.leases.holdBudget(key, untilMs);
  }
}
