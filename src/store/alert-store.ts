import type { Severity } from '../domain/severity.js';
import type { LogType } from '../zoom/report-records.js';
import type { StoredEvent } from './store.js';
import type { AlertSort, AlertStatus } from '../domain/alert-status.js';

/** Alert statuses and sorts are shared values (src/domain/alert-status.ts). */
export { ALERT_SORTS, ALERT_STATUSES, type AlertSort, type AlertStatus } from '../domain/alert-status.js';

/**
 * The store's part for detections and alerts (destinations and deliveries:
 * `destination-store.ts`). Every
 * multi-row change is one transaction; `commitDetection` in particular makes
 * detection exactly-once: it takes the events' rows off the detection queue
 * (filled in the transaction that stored them) and records the rules'
 * results in the same transaction, so a crash before it leaves the rows
 * queued, and a second evaluation of a row already taken changes nothing.
 */
export interface AlertStore {
  // --- detection queue -------------------------------------------------------
  /** Stored events not yet through detection, oldest (by row id, which starts with the event time) first. */
  listPendingDetection(limit: number): Promise<StoredEvent[]>;
  countPendingDetection(): Promise<number>;
  /** See the interface comment. Matches of rows no longer queued are ignored. */
  commitDetection(commit: DetectionCommit): Promise<DetectionCommitResult>;

  // --- rules -----------------------------------------------------------------
  /** Rules whose enabled state the user changed, by rule id (the `enabled` of their tuning, see RuleTuningStore). */
  ruleEnabledOverrides(): Promise<Map<string, boolean>>;
  /** Sets the `enabled` override of the rule's tuning, by `by` (default `unknown`). */
  setRuleEnabled(ruleId: string, enabled: boolean, by?: string): Promise<void>;
  listRuleErrors(query: RuleErrorQuery): Promise<RuleErrorRecord[]>;
  countRuleErrors(query: Omit<RuleErrorQuery, 'limit'>): Promise<number>;

  // --- alerts ----------------------------------------------------------------
  /**
   * Raised alerts (groups at or above their threshold) in `query.sort` order
   * (default: newest last event first), each sort ending with the alert id;
   * `query.after` continues after an alert (keyset paging: every alert once).
   */
  listAlerts(query: AlertQuery): Promise<AlertRecord[]>;
  /** How many raised alerts match the filters (the M of "N of M"). */
  countAlerts(query: AlertFilter): Promise<number>;
  getAlert(id: string): Promise<AlertRecord | undefined>;
  /** Row ids of the events grouped into an alert, oldest first. */
  alertRowIds(alertId: string, limit?: number): Promise<string[]>;
  /**
   * Acknowledges or resolves (or reopens) an alert; resolving queues a
   * `resolved` notice to each destination told about it. Throws UnknownAlertError.
   */
  setAlertStatus(id: string, status: AlertStatus, note?: string, by?: string): Promise<AlertRecord>;

  // --- triage (migration 022) ------------------------------------------------
  /**
   * Assigns an alert to a console user (null: nobody), with a history entry by
   * `by`, in one transaction; the same assignee again changes nothing. Throws UnknownAlertError.
   */
  assignAlert(id: string, assignee: string | null, note: string | undefined, by: string): Promise<AlertRecord>;
  /** Adds a comment to an alert's history. Throws UnknownAlertError. */
  commentOnAlert(id: string, note: string, by: string): Promise<AlertHistoryEntry>;
  /** Every status change, assignment and comment of an alert, oldest first. */
  alertHistory(id: string, limit?: number): Promise<AlertHistoryEntry[]>;
}

/** One entry of an alert's history (migration 022). */
export interface AlertHistoryEntry {
  id: string;
  alertId: string;
  at: number;
  /** Who: a console user's name, a token's name, or `cli` / `unknown`. */
  actor: string;
  kind: 'status' | 'assignee' | 'comment';
  /** The status or assignee before and after (null: none); null for a comment. */
  from: string | null;
  to: string | null;
  note: string | null;
}

/** One rule's match on one event, with the rule's grouping settings. */
export interface RuleMatchRow {
  ruleId: string;
  rowId: string;
  sourceId: string;
  logType: LogType;
  eventTimeMs: number;
  title: string;
  dedup: string;
  severity: Severity;
  context: Record<string, unknown>;
  dedupPeriodMs: number;
  threshold: number;
  /** The rule's tuned destinations (names or ids): only these get the alert it raises; absent or null, the destinations' own filters decide. */
  destinations?: readonly string[] | null;
}

/** A rule function that threw on an event. */
export interface RuleErrorRow {
  ruleId: string;
  rowId: string;
  sourceId: string;
  logType: LogType;
  /** `rule`, `title`, `dedup`, `severity` or `alertContext`. */
  functionName: string;
  message: string;
}

export interface DetectionCommit {
  /**
   * The queue the events are taken off: `detection` (default; `detection_pending`,
   * the per-event rules) or `history` (`history_pending`, the history-aware rules,
   * see SignInHistoryStore). Only matches and errors of rows taken off it are recorded.
   */
  ledger?: 'detection' | 'history';
  /** The events evaluated: taken off the queue. */
  rowIds: readonly string[];
  matches: readonly RuleMatchRow[];
  errors: readonly RuleErrorRow[];
}

export interface DetectionCommitResult {
  /** Rows that were still queued, so whose results were recorded. */
  claimed: number;
  /** Alerts that reached their threshold in this commit. */
  raised: AlertRecord[];
  /** Matches added to alerts or groups. */
  matched: number;
}

export interface RuleErrorRecord extends RuleErrorRow {
  at: number;
}

export interface RuleErrorQuery {
  ruleId?: string;
  limit?: number;
}

export interface AlertRecord {
  id: string;
  /** `rule` (a detection) or `system` (Zoomtrail's own alarms). */
  type: 'rule' | 'system';
  ruleId: string;
  dedup: string;
  title: string;
  severity: Severity;
  firstEventMs: number;
  lastEventMs: number;
  eventCount: number;
  dedupPeriodMs: number;
  threshold: number;
  /** When the group reached its threshold; null below it (not an alert yet). */
  raisedAt: number | null;
  status: AlertStatus;
  statusChangedAt: number | null;
  statusNote: string | null;
  /** The console user it is assigned to; null: nobody. */
  assignee: string | null;
  context: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface AlertFilter {
  status?: readonly AlertStatus[];
  severity?: readonly Severity[];
  ruleId?: string;
  /** A console user's alerts; null: the unassigned ones. */
  assignee?: string | null;
  /** Alerts with at least one matched event from this source. */
  sourceId?: string;
  /** Raised at or after / before. */
  sinceMs?: number;
  untilMs?: number;
}

/** An alert's place in every sort: its sort keys (a paging cursor holds one). */
export interface AlertPosition {
  id: string;
  lastEventMs: number;
  raisedAt: number;
  severity: Severity;
  status: AlertStatus;
  ruleId: string;
  /** '' for nobody. */
  assignee: string;
}

/** An alert's position (a raised alert's; `createdAt` stands in for a missing raise time). */
export function alertPosition(alert: AlertRecord): AlertPosition {
  return {
    id: alert.id,
    lastEventMs: alert.lastEventMs,
    raisedAt: alert.raisedAt ?? alert.createdAt,
    severity: alert.severity,
    status: alert.status,
    ruleId: alert.ruleId,
    assignee: alert.assignee ?? '',
  };
}

export interface AlertQuery extends AlertFilter {
  sort?: AlertSort;
  /** Only alerts after this one in `sort`. */
  after?: AlertPosition;
  /** Default 100. */
  limit?: number;
}
