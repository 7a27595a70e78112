import { addDays, dayStartMs } from '../domain/utc-days.js';
import { backfillFirstDay, ZOOM_RETENTION_DAYS } from '../domain/zoom-retention.js';
import { utcDay } from '../shared/clock.js';
import type { DayCoverage, SourceRecord, StreamState } from '../store/store.js';
import { REPORT_STREAMS, type LogType } from '../zoom/report-records.js';
import type { MonitorDeps } from './drop-off-monitor.js';
import { isoSeconds } from './source-health.js';
import { COVERAGE_AT_RISK } from './system-alarms.js';

/** The default of `ZOOMTRAIL_COMPLETENESS_MARGIN_DAYS` (configured in src/config/setting-definitions.ts). */
export const DEFAULT_COMPLETENESS_MARGIN_DAYS = 14;

export interface AtRiskDay {
  day: string;
  /** `failed`, `missing` (never read) or `open` (read, never completed). */
  state: 'failed' | 'missing' | 'open';
  /** The last day Zoom still serves it. */
  lastCollectableDay: string;
  lastError: string | null;
}

/**
 * How long a backfill is allowed to reach a day it has not read yet, from the
 * start of its next cycle: a cycle reads every planned day, newest first,
 * within the source's request budget (the default share, 3,000 requests at
 * 2 a second, is spent in 25 minutes).
 */
export const BACKFILL_REACH_MS = 3_600_000;

/** The stream's schedule, as far as the completeness alarm needs it. */
export type BackfillSchedule = Pick<StreamState, 'lastPollAt' | 'nextAttemptAt' | 'consecutiveFailures'>;

/**
 * Whether the stream's running backfill will read `day` (never read, within
 * the planned days) before it leaves Zoom (the end of its last collectable
 * day): the stream's last cycle did not fail, and its next cycle starts
 * (after its poll interval, backoff or rate-limit wait) at least
 * BACKFILL_REACH_MS before that. Pure.
 */
export function backfillWillRead(day: string, source: Pick<SourceRecord, 'backfillDays' | 'pollIntervalMs'>, stream: BackfillSchedule, nowMs: number): boolean {
  if (day < backfillFirstDay(utcDay(nowMs), source.backfillDays)) return false;
  if (stream.consecutiveFailures > 0) return false;
  const nextCycleAt = Math.max(nowMs, stream.lastPollAt === null ? nowMs : stream.lastPollAt + source.pollIntervalMs, stream.nextAttemptAt ?? nowMs);
  const leavesZoomAt = dayStartMs(addDays(day, ZOOM_RETENTION_DAYS));
  return nextCycleAt + BACKFILL_REACH_MS <= leavesZoomAt;
}

/**
 * Days a source is supposed to cover (from its backfill start, counted from
 * its creation day, or its oldest coverage row if older; up to 2 days ago)
 * that are not complete and leave Zoom's 6-month window within `marginDays`.
 * A day never read that the stream's running backfill will read in time
 * (`backfillWillRead`) is not at risk. Days retention purged, and every day
 * before the newest of them (past the retention, read or not), are not
 * supposed to be kept: never at risk. Pure.
 */
export function daysAtRisk(
  source: Pick<SourceRecord, 'createdAt' | 'backfillDays' | 'pollIntervalMs'>,
  coverage: readonly DayCoverage[],
  stream: BackfillSchedule,
  nowMs: number,
  marginDays: number,
): AtRiskDay[] {
  const today = utcDay(nowMs);
  const oldestServed = addDays(today, -(ZOOM_RETENTION_DAYS - 1));
  const riskUntil = addDays(oldestServed, marginDays);
  const lastDay = addDays(today, -2);
  let first = addDays(utcDay(source.createdAt), -(source.backfillDays - 1));
  if (coverage.length > 0 && coverage[0]!.day < first) first = coverage[0]!.day;
  if (first < oldestServed) first = oldestServed;
  const newestPurged = coverage.reduce<string | undefined>((newest, c) => (c.state === 'purged' && (newest === undefined || c.day > newest) ? c.day : newest), undefined);
  if (newestPurged !== undefined && first <= newestPurged) first = addDays(newestPurged, 1);
  const byDay = new Map(coverage.map((c) => [c.day, c]));
  const out: AtRiskDay[] = [];
  for (let day = first; day <= riskUntil && day <= lastDay; day = addDays(day, 1)) {
    const row = byDay.get(day);
    if (row?.state === 'complete') continue;
    if (!row && backfillWillRead(day, source, stream, nowMs)) continue;
    const state = !row ? 'missing' : row.state === 'failed' ? 'failed' : 'open';
    // Zoom serves `day` while it is >= today - 179: the last day is day + 179.
    out.push({ day, state, lastCollectableDay: addDays(day, ZOOM_RETENTION_DAYS - 1), lastError: row?.lastError ?? null });
  }
  return out;
}

/**
 * The completeness alarm: per source (not paused, set up) and log type, the
 * days of `daysAtRisk` raise `System.CoverageAtRisk` (dedup `sourceId:logType`,
 * HIGH, the days in the context, refreshed while open); it resolves itself
 * when none is left (read, or gone out of Zoom's window).
 */
export class CompletenessMonitor {
  constructor(
    private readonly deps: MonitorDeps,
    private readonly marginDays: number = DEFAULT_COMPLETENESS_MARGIN_DAYS,
  ) {}

  async checkOnce(
    nowMs: number = this.deps.clock.now(),
  ): Promise<Array<{ sourceId: string; logType: LogType; days: AtRiskDay[]; action: 'ok' | 'raised' | 'still_open' | 'resolved' }>> {
    const { store, logger } = this.deps;
    const [sources, open] = await Promise.all([store.listSources(), store.listOpenSystemAlerts({ ruleId: COVERAGE_AT_RISK })]);
    const openKeys = new Set(open.map((a) => a.dedup));
    const today = utcDay(nowMs);
    const out = [];
    for (const source of sources) {
      const active = !source.paused && !(source.authKind === 'authorization_code' && !source.hasRefreshToken);
      for (const { logType } of REPORT_STREAMS) {
        const dedup = `${source.id}:${logType}`;
        try {
          const days = active
            ? daysAtRisk(
                source,
                await store.listDayCoverage(source.id, logType, addDays(today, -(ZOOM_RETENTION_DAYS - 1)), today),
                await store.getStreamState(source.id, logType),
                nowMs,
                this.marginDays,
              )
            : [];
          if (days.length === 0) {
            if (openKeys.has(dedup)) {
              const note = active
                ? `Every listed day is complete, has left Zoom's 6-month window, or is read in time by the running backfill (${isoSeconds(nowMs)}).`
                : `The source was paused (${isoSeconds(nowMs)}).`;
              const resolved = await store.resolveSystemAlert(COVERAGE_AT_RISK, dedup, note);
              if (resolved) this.deps.onChange?.();
              out.push({ sourceId: source.id, logType, days, action: 'resolved' as const });
            } else out.push({ sourceId: source.id, logType, days, action: 'ok' as const });
            continue;
          }
          const soonest = days[0]!;
          const { alert, raised } = await store.raiseSystemAlert({
            ruleId: COVERAGE_AT_RISK,
            dedup,
            title: `${days.length} day${days.length === 1 ? '' : 's'} of ${logType} from ${source.name} will be lost: the first leaves Zoom after ${soonest.lastCollectableDay}`,
            severity: 'HIGH',
            firstEventMs: Date.parse(`${soonest.day}T00:00:00Z`),
            context: {
              sourceId: source.id,
              sourceName: source.name,
              logType,
              marginDays: this.marginDays,
              days: days.map((d) => ({ day: d.day, state: d.state, lastCollectableDay: d.lastCollectableDay, ...(d.lastError ? { lastError: d.lastError } : {}) })),
            },
          });
          if (raised) {
            logger.warn({ sourceId: source.id, logType, alertId: alert.id, days: days.map((d) => d.day) }, alert.title);
            this.deps.onChange?.();
          }
          out.push({ sourceId: source.id, logType, days, action: raised ? ('raised' as const) : ('still_open' as const) });
        } catch (error) {
          logger.error({ sourceId: source.id, logType, err: error }, 'completeness check failed');
        }
      }
    }
    return out;
  }
}
