import type { Severity } from '../domain/severity.js';
import type { LogType } from '../zoom/report-records.js';
import type { AlertRecord } from './alert-store.js';
import type { DayCoverage } from './store.js';

/**
 * The store's part for source health: heartbeats (one per stream per
 * collection cycle) and Zoomtrail's own alarms, which are alerts of type
 * `system` going through the same outbox as rule alerts.
 */
export interface HealthStore {
  /** Records one poll; heartbeats older than `HEARTBEAT_RETENTION_MS` are pruned now and then. */
  recordHeartbeat(heartbeat: Heartbeat): Promise<void>;
  /** A source's heartbeats at or after `sinceMs`, newest first. */
  listHeartbeats(query: HeartbeatQuery): Promise<Heartbeat[]>;
  /** Records stored (from heartbeats), classification failures and rule errors of a source since `sinceMs`. */
  healthCounts(sourceId: string, sinceMs: number): Promise<HealthCounts>;
  /** Complete days that later gained records (`gainedAfterComplete > 0`), newest day first. */
  listLateRecordDays(sourceId: string, fromDay: string, limit?: number): Promise<DayCoverage[]>;
  /**
   * Raises a system alarm, with its `raised` deliveries to every enabled
   * destination, in one transaction; when one with the same rule id and dedup
   * is still open (or acknowledged) it is returned instead (context and last
   * time refreshed), `raised: false`, and nothing is queued.
   */
  raiseSystemAlert(input: SystemAlertInput): Promise<{ alert: AlertRecord; raised: boolean }>;
  /** Resolves the open system alarm (queues `resolved` notices), or returns undefined when none is open. */
  resolveSystemAlert(ruleId: string, dedup: string, note: string): Promise<AlertRecord | undefined>;
  /** Open or acknowledged system alarms, newest first; `sourceId` keeps those about that source (dedup `id` or `id:...`). */
  listOpenSystemAlerts(query?: { ruleId?: string; sourceId?: string }): Promise<AlertRecord[]>;
}

export const HEARTBEAT_RETENTION_MS = 14 * 24 * 3_600_000;

/**
 * `data`: Zoom answered and new records were stored; `empty`: Zoom answered,
 * nothing new; `error`: the poll failed (`errorCode`); `skipped`: not asked
 * (backoff or a rate-limit wait; `errorCode` is the error waited out).
 */
export type HeartbeatOutcome = 'data' | 'empty' | 'error' | 'skipped';

export interface Heartbeat {
  sourceId: string;
  logType: LogType;
  at: number;
  outcome: HeartbeatOutcome;
  errorCode: string | null;
  /** Records (events + classification failures) stored by the poll. */
  records: number;
  durationMs: number;
}

export interface HeartbeatQuery {
  sourceId: string;
  sinceMs?: number;
  logType?: LogType;
  limit?: number;
}

export interface HealthCounts {
  records: number;
  classificationFailures: number;
  ruleErrors: number;
}

export interface SystemAlertInput {
  /** `System.LogDropOff`, `System.CoverageAtRisk`. */
  ruleId: string;
  dedup: string;
  title: string;
  severity: Severity;
  context: Record<string, unknown>;
  /** The time the alarm is about (e.g. the last event); default now. */
  firstEventMs?: number;
}
