import type { QueryNode } from '../domain/event-query.js';
import type { LogType } from '../zoom/report-records.js';
import type { AlertStore } from './alert-store.js';
import type { SuppressionStore } from './suppression-store.js';
import type { SavedSearchStore } from './saved-search-store.js';
import type { RuleSetStore, RuleTuningStore } from './rule-tuning-store.js';
import type { DestinationStore } from './destination-store.js';
import type { LeaseStore } from './lease-store.js';
import type { AuditStore } from './audit-store.js';
import type { OidcStore } from './oidc-store.js';
import type { AuthStore } from './auth-store.js';
import type { HealthStore } from './health-store.js';
import type { RetentionStore } from './retention-store.js';
import type { SignInHistoryStore } from './sign-in-history-store.js';
import type { SignInViewStore } from './sign-in-view-repository.js';
import type { SinkCoverageStore } from './sink-coverage-store.js';
import type { SinkStore } from './sink-store.js';
import type { OverviewStore } from './overview-store.js';

/**
 * The interface between Zoomtrail and its database: one narrow interface per
 * concern, each with its contract suite run on both stores. A caller that
 * needs one concern takes that part (`HealthStore`, `LeaseStore`, ...);
 * `Store` is all of them. SQLite (`sqlite-store.ts`) and PostgreSQL
 * (`postgres-store.ts`) implement it.
 *
 * Times are milliseconds since the epoch (UTC); days are `yyyy-mm-dd` UTC.
 */
export interface Store
  extends
    SourceStore,
    EventStore,
    CoverageStore,
    AlertStore,
    SuppressionStore,
    SavedSearchStore,
    RuleTuningStore,
    RuleSetStore,
    DestinationStore,
    AuthStore,
    AuditStore,
    OidcStore,
    HealthStore,
    LeaseStore,
    RetentionStore,
    SignInHistoryStore,
    SignInViewStore,
    SinkStore,
    SinkCoverageStore,
    OverviewStore {
  /** `sqlite` or `postgres`: for messages and the benchmark. */
  readonly kind: string;
  /** What an operator should fix about how secrets are kept (e.g. a key file others can read); logged at start. */
  securityWarnings(): string[];
  close(): Promise<void>;
}

/** The store's part for sources and their streams (source x log type). */
export interface SourceStore {
  createSource(input: NewSource): Promise<SourceRecord>;
  /** Settings only; credentials change through `setSourceCredentials`. Throws UnknownSourceError. */
  updateSource(id: string, patch: SourcePatch): Promise<SourceRecord>;
  getSource(id: string): Promise<SourceRecord | undefined>;
  listSources(): Promise<SourceRecord[]>;
  /** Removes the source with its streams, coverage, events, failures and rule errors (alerts stay). False if it did not exist. */
  removeSource(id: string): Promise<boolean>;
  /** Decrypted credentials; only the collector calls this. Throws UnknownSourceError, SecretKeyError. */
  getSourceCredentials(id: string): Promise<SourceCredentials>;
  /** Replaces the credentials given (others kept), encrypted at rest. */
  setSourceCredentials(id: string, credentials: Partial<SourceCredentials>): Promise<void>;

  /** The stream's state; a default (nothing read yet) when the stream was never touched. */
  getStreamState(sourceId: string, logType: LogType): Promise<StreamState>;
  /** Records an outcome that carried no data (a failed read, a poll that found nothing). */
  updateStream(sourceId: string, logType: LogType, update: StreamUpdate, days?: DayUpdate[], fence?: Fence): Promise<void>;
}

/** The store's part for per-day coverage: what is proven read. */
export interface CoverageStore {
  /** Days with coverage rows in [fromDay, toDay], oldest first. */
  listDayCoverage(sourceId: string, logType: LogType, fromDay: string, toDay: string): Promise<DayCoverage[]>;
}

/** The store's part for events and classification failures: the page commit and reading back. */
export interface EventStore {
  /**
   * One page's work, atomically: inserts the events and failures that are not
   * stored yet (by `rowId`; an existing id is left untouched), adds what was
   * inserted to each day's `records`, applies the day and stream updates, in
   * one transaction, after the data. New events join the detection queue in
   * the same transaction. Returns what was new.
   */
  commitPage(commit: PageCommit): Promise<PageCommitResult>;

  /** Events in event-time order (then row id), streamed in batches. */
  queryEvents(query: EventQuery): AsyncIterable<StoredEvent>;
  /**
   * The events matching `query`, oldest first, as export text (`format`) in
   * UTF-8 chunks, tens of KB each (whole lines, but for a chunk a read worker
   * splits over its buffers, between characters); the CSV starts with its
   * header. A store with read workers makes the text there, so the caller only
   * writes bytes (and may give them back: ExportChunks.recycle). A caller that
   * stops reading early stops the reads.
   */
  exportEvents(query: ExportQuery, format: ExportFormat): ExportChunks;
  /** Counts the events matching the filters (`order` and `after` are ignored). */
  countEvents(query: Omit<EventQuery, 'limit'>): Promise<number>;
  /** One event by row id, or undefined. */
  getEvent(rowId: string): Promise<StoredEvent | undefined>;
  /**
   * Events matching the filters (`order`, `after` and `limit` ignored) counted per
   * bucket of `bucketMs` over [fromMs, toMs), oldest bucket first; the last bucket
   * may be partial. Returns `ceil((toMs - fromMs) / bucketMs)` numbers.
   */
  eventHistogram(query: Omit<EventQuery, 'limit' | 'order' | 'after'>, fromMs: number, toMs: number, bucketMs: number): Promise<number[]>;
  listFailures(query: FailureQuery): AsyncIterable<ClassificationFailure>;
  countFailures(query: Omit<FailureQuery, 'limit'>): Promise<number>;
}

export type AuthKind = 's2s' | 'authorization_code';

export interface SourceSettings {
  name: string;
  authKind: AuthKind;
  /** Zoom account id; required for s2s, known after authorization for authorization_code. */
  zoomAccountId: string | null;
  clientId: string;
  apiUrl: string;
  oauthUrl: string;
  /** Days read on first start, 1..180. */
  backfillDays: number;
  pollIntervalMs: number;
  /** Days after the end of a UTC day during which it stays open (late records), default 2. */
  settleDays: number;
  /** How often open days are re-read in full, default one hour. */
  reconcileIntervalMs: number;
  /** Share of the Zoom account's Heavy budget this source may spend. */
  requestsPerSecond: number;
  requestsPerDay: number;
  paused: boolean;
  /** Minutes without new events before the log drop-off alarm fires; null = off. */
  dropOffAlarmMinutes: number | null;
  /** When the drop-off alarm holds its fire (weekends, nights); null or absent = never. */
  quietSchedule?: QuietSchedule | null;
  /**
   * False for a draft the console's wizard saved before its setup was finished
   * (its state is `setup_incomplete`, not `paused`); absent or true otherwise.
   */
  setupFinished?: boolean;
}

/**
 * Times during which the log drop-off alarm does not fire, in `timeZone`
 * (IANA, e.g. `Europe/Paris`): whole `days` (0 = Sunday .. 6 = Saturday)
 * and/or a daily `window` from `from` to `to` (`HH:MM`, 24 h; `from` after
 * `to` wraps past midnight, e.g. 22:00 to 06:00).
 */
export interface QuietSchedule {
  timeZone: string;
  days?: number[];
  window?: { from: string; to: string };
}

export interface NewSource extends SourceSettings {
  credentials: SourceCredentials;
}

export type SourcePatch = Partial<SourceSettings>;

export interface SourceRecord extends SourceSettings {
  id: string;
  createdAt: number;
  updatedAt: number;
  /** Whether a client secret is stored; its value never leaves the store except through getSourceCredentials. */
  hasClientSecret: boolean;
  hasRefreshToken: boolean;
}

export interface SourceCredentials {
  clientSecret: string;
  /** authorization_code only: the current (rotating) refresh token. */
  refreshToken?: string;
}

/**
 * `open`: read, may still gain records; `complete`: proven read in full and
 * settled; `failed`: the last read of it failed; `purged`: its events were
 * deleted by retention (never read again; `records` is what it held).
 */
export type DayState = 'open' | 'complete' | 'failed' | 'purged';

export interface DayCoverage {
  sourceId: string;
  logType: LogType;
  day: string;
  /** Events plus classification failures stored for this day. */
  records: number;
  /** When a read that covered the whole day last finished, or null. */
  lastFullReadAt: number | null;
  state: DayState;
  /** A read left identical records at a page boundary undecided: read again with other page boundaries. */
  ambiguous: boolean;
  /** Records stored after the day was complete (late records), summed. */
  gainedAfterComplete: number;
  lastError: string | null;
  updatedAt: number;
}

/** Changes to one day's coverage row (created if absent): a field left undefined keeps its value; `lastError: null` clears it. */
export interface DayUpdate {
  day: string;
  lastFullReadAt?: number;
  state?: DayState;
  ambiguous?: boolean;
  lastError?: string | null;
}

export interface StreamError {
  code: string;
  message: string;
  fix: string;
  at: number;
}

export interface StreamState {
  sourceId: string;
  logType: LogType;
  /** Newest event time stored, for the newest-first fast path; null before the first event. */
  newestEventTimeMs: number | null;
  lastPollAt: number | null;
  lastSuccessAt: number | null;
  /** The window being read, for progress and restarts: `from..to` or null. */
  readingWindow: string | null;
  /** Pages committed of `readingWindow` so far. */
  readingPages: number;
  lastError: StreamError | null;
  consecutiveFailures: number;
  /** No request before this time (backoff, rate limit); null when free. */
  nextAttemptAt: number | null;
}

/**
 * Changes to a stream's state (its row is created if absent): a field left
 * undefined keeps its stored value, `null` clears it. Values are stored as
 * given; `newestEventTimeMs` in particular is not derived from the events.
 */
export type StreamUpdate = Partial<Omit<StreamState, 'sourceId' | 'logType'>>;

/** One normalized event ready to store. */
export interface EventRow {
  rowId: string;
  /** UTC day of the event time. */
  day: string;
  eventTimeMs: number;
  /** Lower-cased emails and valid IP addresses, for the indexes. */
  emails: string[];
  ipAddresses: string[];
  /** The whole normalized event (Zoom fields and p_ fields). */
  event: Record<string, unknown>;
}

export interface FailureRow {
  rowId: string;
  /** UTC day the record belongs to if its time could be read, else the day of the window read. */
  day: string;
  raw: string;
  reason: string;
  /** The field at fault, when there is one. */
  field: string | null;
  failedAt: number;
}

/** A lease's fencing token, carried by writes of an instance collecting under a lease. */
export interface Fence {
  owner: string;
  token: number;
}

export interface PageCommit {
  sourceId: string;
  logType: LogType;
  /** When set, the commit is refused (LeaseLostError) unless this is still the source's lease. */
  fence?: Fence;
  events: EventRow[];
  failures: FailureRow[];
  days: DayUpdate[];
  stream: StreamUpdate;
}

export interface PageCommitResult {
  /** Row ids of the events that were not stored before, in input order. */
  insertedEventIds: string[];
  insertedFailures: number;
  /** New records (events + failures) per day. */
  insertedPerDay: Map<string, number>;
  /** Days that were complete before this commit and gained records in it. */
  gainedAfterComplete: Map<string, number>;
}

export interface StoredEvent extends EventRow {
  sourceId: string;
  logType: LogType;
  storedAt: number;
}

export interface EventQuery {
  sourceId?: string;
  logType?: LogType;
  /** Inclusive lower and exclusive upper bound on the event time. */
  sinceMs?: number;
  untilMs?: number;
  email?: string;
  ipAddress?: string;
  /** Country of any of the event's IP addresses (`p_enrichment.ip_location.*.country`), ISO 3166-1 alpha-2, case-insensitive. */
  country?: string;
  /** Autonomous system number of any of the event's IP addresses (`p_enrichment.ip_location.*.asn`). */
  asn?: number;
  /** `category_type` (Zoom.Operation), exact, case-insensitive. */
  categoryType?: string;
  /** `action` (Zoom.Operation), exact, case-insensitive. */
  action?: string;
  /** Case-insensitive substring of `operation_detail`. */
  detailText?: string;
  /** Case-insensitive substring of any parsed change's name (`p_udm.changes[].name`). */
  changeName?: string;
  /** A parsed query-language condition (docs/query-language.md), ANDed with the filters above. */
  where?: QueryNode;
  /** Event-time order (then row id); default `asc`. */
  order?: 'asc' | 'desc';
  /** Keyset cursor: only events after this one in `order` (the last event of the previous page). */
  after?: { eventTimeMs: number; rowId: string };
  limit?: number;
}

/** What an export selects: the filters of a query, and at most `limit` events (an export is oldest first, from the start). */
export type ExportQuery = Omit<EventQuery, 'order' | 'after'>;

/** An export's text: NDJSON (one whole normalized event a line) or CSV (a header, then one column per schema field). */
export type ExportFormat = 'ndjson' | 'csv';

/**
 * Store.exportEvents' chunks. A store whose chunks are made in a read worker
 * can take a chunk's memory back for a later chunk (`recycle`), so that an
 * export does not allocate a new buffer per chunk on the calling thread.
 */
export interface ExportChunks extends AsyncIterable<Uint8Array> {
  /**
   * Gives a chunk back once nothing reads its bytes any more (written, not
   * queued anywhere): its memory is then reused, and its bytes change. Never
   * needed for correctness; a chunk not given back is collected as garbage.
   */
  recycle?: (chunk: Uint8Array) => void;
}

export interface ClassificationFailure extends FailureRow {
  sourceId: string;
  logType: LogType;
}

export interface FailureQuery {
  sourceId?: string;
  logType?: LogType;
  limit?: number;
}
