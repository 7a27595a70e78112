import type { HistoryWindows } from '../domain/history-settings.js';
import type { SignInContext } from '../domain/sign-in-context.js';
import type { SignInFact } from '../domain/sign-in-facts.js';
import type { LogType } from '../zoom/report-records.js';
import type { StoredEvent } from './store.js';

/** A day with events waiting for the history rules. */
export interface HistoryPendingDay {
  sourceId: string;
  logType: LogType;
  day: string;
  events: number;
}

/** A stored sign-in and its history as of its own time. */
export interface SignInHistoryRecord {
  fact: SignInFact;
  context: SignInContext;
}

/**
 * The store's part for the history-aware rules (migration 009): the stored
 * sign-ins as narrow, indexed facts, and the durable queue of events the
 * history rules have not evaluated yet (`history_pending`). Both are kept by
 * triggers on the events table, so they change in the page commit's
 * transaction; the history detector takes rows off the queue with
 * `commitDetection({ ledger: 'history', ... })`, in the transaction that
 * records the rules' results (exactly once, as the detection queue).
 */
export interface SignInHistoryStore {
  /** Days with waiting events, oldest first (then source, log type). */
  listHistoryPendingDays(): Promise<HistoryPendingDay[]>;
  /** Waiting events of one source, log type and day, in event-time then row-id order, after `afterRowId` when given. */
  listHistoryPending(sourceId: string, logType: LogType, day: string, limit: number, after?: { eventTimeMs: number; rowId: string }): Promise<StoredEvent[]>;
  countHistoryPending(): Promise<number>;
  /**
   * The sign-in facts of these rows (stored sign-ins of `sourceId`; other rows
   * are absent from the answer), each with its user's and IP's history as of
   * its own time, over the given windows (see SignInContext). Reads the stored
   * facts only: the answer for a row depends on what is stored, never on the
   * order it arrived in.
   */
  signInHistory(sourceId: string, rowIds: readonly string[], windows: HistoryWindows): Promise<Map<string, SignInHistoryRecord>>;
}
