import type { CoverageRecord } from '../domain/coverage-digest.js';
import type { StoredEvent } from './store.js';

/**
 * The store's part for forwarding (issue 18): sinks, their cursors over the
 * forward log (the page writers' outbox, migration 016), dead letters and the
 * log's retention. A cursor moves only by compare-and-set from the exact
 * position a batch was read at, so two instances sending the same sink
 * cannot both advance it.
 */
export interface SinkStore {
  /** Creates the sink and its cursor (at the log's start, or at its end for `start: 'now'`). Throws DuplicateSinkError. */
  createSink(input: NewSink): Promise<SinkRecord>;
  /** By id or by name. */
  getSink(idOrName: string): Promise<SinkRecord | undefined>;
  listSinks(): Promise<SinkRecord[]>;
  /** Throws UnknownSinkError. */
  setSinkPaused(id: string, paused: boolean): Promise<SinkRecord>;
  /**
   * Changes a sink's settings. `secret`: undefined keeps it, null clears it,
   * a string replaces it (sealed). Throws UnknownSinkError, DuplicateSinkError (name).
   */
  updateSink(id: string, patch: SinkPatch): Promise<SinkRecord>;
  /** Removes the sink with its cursor and dead letters; false when it did not exist. */
  removeSink(id: string): Promise<boolean>;
  /** Decrypted; only the forwarder calls this. Throws UnknownSinkError. */
  getSinkSecret(id: string): Promise<string | null>;

  /** The sink's cursor, counters and retry state. Throws UnknownSinkError. */
  getSinkState(id: string): Promise<SinkState>;
  /**
   * The next forward-log rows after the sink's cursor, in commit order, with
   * their events (deleted ones skipped; rows of other log types than
   * `logTypes` contribute no events but are passed), up to `maxEvents` events
   * (a single log row is never split). `to` equals `from` when nothing is pending.
   */
  readSinkBatch(id: string, options: { maxEvents: number; logTypes?: readonly string[] | null }): Promise<SinkBatch>;
  /**
   * Moves the cursor from `from` to `to`, adds the counters, stores the dead
   * letters and clears the error and backoff, in one transaction; only when the
   * cursor is still `from`. False (and nothing written) otherwise.
   */
  advanceSink(id: string, advance: SinkAdvance): Promise<boolean>;
  /** A failed attempt: the error (message + fix, never a secret) and when to try again; counts consecutive failures. */
  recordSinkFailure(id: string, failure: { error: SinkError; nextAttemptAt: number; now: number }): Promise<void>;
  /** Events after the cursor (from the log's counts, not the events) and the newest stored time in the log. */
  sinkBacklog(id: string): Promise<{ events: number; newestStoredAt: number | null; oldestPendingStoredAt: number | null }>;
  listSinkDeadLetters(id: string, limit?: number): Promise<SinkDeadLetter[]>;
  /** Deletes these dead letters (retried and delivered, or their event is gone); how many were deleted. */
  removeSinkDeadLetters(id: string, rowIds: readonly string[]): Promise<number>;
  /** The forward-log position just before the first row stored at or after `storedAtMs` (the log's end when none is): a start or replay point. */
  sinkCursorAt(storedAtMs: number): Promise<SinkCursor>;
  /**
   * Moves the cursor (replay, or a start point) and clears the backoff and last
   * error; unlike advanceSink not a compare-and-set: an operator's decision. Throws UnknownSinkError.
   */
  moveSinkCursor(id: string, to: SinkCursor, now: number): Promise<void>;
  /** Stored events by row id, in the order given (missing ones skipped): for retrying dead letters. */
  eventsByRowIds(rowIds: readonly string[]): Promise<StoredEvent[]>;
  /**
   * Deletes up to `limit` forward-log rows every sink's cursor has passed and
   * stored before `olderThanMs` (or, with no sink, before `noSinkOlderThanMs`). Returns how many.
   */
  purgeForwardLog(options: { olderThanMs: number; noSinkOlderThanMs: number; limit: number }): Promise<number>;
}

/** A position in the forward log: `(xid, seq)` on PostgreSQL, `(0, seq)` on SQLite. */
export interface SinkCursor {
  xid: string;
  seq: number;
}

export interface NewSink {
  name: string;
  kind: string;
  format: string;
  url: string;
  settings: Record<string, unknown>;
  secret: string | null;
  /** Log types forwarded; null for every one. */
  logTypes: string[] | null;
  /** Field filter clauses (`field=value`, `field!=value`, dotted paths), all of which an event must meet; none: every event. */
  fieldFilters?: string[];
  createdBy: string;
  /** `beginning` (default): everything in the forward log; `now`: only what is stored from now on; a number: what was stored from that time (ms) on. */
  start?: 'beginning' | 'now' | number;
}

/** What updateSink changes; absent fields stay. */
export interface SinkPatch {
  name?: string;
  format?: string;
  url?: string;
  settings?: Record<string, unknown>;
  /** undefined keeps the secret, null clears it, a string replaces it. */
  secret?: string | null;
  logTypes?: string[] | null;
  fieldFilters?: string[];
}

export interface SinkRecord {
  id: string;
  name: string;
  kind: string;
  format: string;
  url: string;
  settings: Record<string, unknown>;
  /** Whether a secret is stored; its value leaves the store only through getSinkSecret. */
  hasSecret: boolean;
  logTypes: string[] | null;
  /** Field filter clauses; empty for none. */
  fieldFilters: string[];
  paused: boolean;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
}

export interface SinkError {
  message: string;
  fix?: string;
  retryable: boolean;
}

export interface SinkState {
  cursor: SinkCursor;
  deliveredCount: number;
  failedCount: number;
  consecutiveFailures: number;
  nextAttemptAt: number;
  lastError: SinkError | null;
  lastDeliveredAt: number | null;
  /** stored_at of the last forward-log row passed (the lag's "newest delivered"). */
  deliveredStoredAt: number | null;
  updatedAt: number;
}

export interface SinkBatch {
  from: SinkCursor;
  to: SinkCursor;
  events: StoredEvent[];
  /** stored_at of the last log row in the batch, null when empty. */
  lastStoredAt: number | null;
  /** The coverage records of the batch's coverage rows (migration 021), sent after its events. */
  coverage?: CoverageRecord[];
}

export interface SinkAdvance {
  from: SinkCursor;
  to: SinkCursor;
  delivered: number;
  deadLetters: ReadonlyArray<{ rowId: string; reason: string }>;
  storedAt: number | null;
  now: number;
}

export interface SinkDeadLetter {
  rowId: string;
  reason: string;
  failedAt: number;
}
