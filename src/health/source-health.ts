import type { HealthCounts, Heartbeat } from '../store/health-store.js';
import type { SourceRecord, StreamError, StreamState } from '../store/store.js';
import { HEALTH_STATES, type HealthState } from '../domain/health-state.js';
import { describeQuietSchedule, isQuietAt } from './quiet-schedule.js';

/** The states (src/domain/health-state.ts), most pressing first. */
export { HEALTH_STATES, type HealthState } from '../domain/health-state.js';

export interface SourceHealth {
  state: HealthState;
  /** What is going on, in words (names the scope, the permission, the time the budget resets...). */
  cause: string;
  /** What to do about it, in words; empty when nothing is to be done. */
  fix: string;
  /** Since when (ms) the state holds, when known. */
  since: number | null;
  lastEventMs: number | null;
  lastPollMs: number | null;
}

export interface HealthInput {
  source: Pick<SourceRecord, 'authKind' | 'hasRefreshToken' | 'paused' | 'dropOffAlarmMinutes' | 'createdAt'> & Partial<Pick<SourceRecord, 'quietSchedule' | 'setupFinished'>>;
  streams: readonly StreamState[];
  /** The source's recent heartbeats (the last 24 h is plenty), any order. */
  heartbeats: readonly Heartbeat[];
  nowMs: number;
  /** Records, classification failures and rule errors of the last 24 h. */
  counts?: HealthCounts;
  /** Share of records not classified above which the source is flagged; default 5 %. */
  classificationThreshold?: number;
  /** No event for this long with polls succeeding is `quiet`; default one hour. */
  quietAfterMs?: number;
}

export const DEFAULT_CLASSIFICATION_THRESHOLD = 0.05;
export const DEFAULT_QUIET_AFTER_MS = 3_600_000;
export const HEALTH_WINDOW_MS = 24 * 3_600_000;

/** Stream error codes (ZoomErrorCode, ActionableError codes) -> the health state they mean. */
const STATE_OF_ERROR: Record<string, HealthState> = {
  reauthorization_required: 'reauthorization_required',
  wrong_credentials: 'wrong_credentials',
  missing_scope: 'missing_scope',
  permission_denied: 'permission_missing',
  plan_required: 'permission_missing',
  rate_limited: 'rate_limited',
  daily_budget_exhausted: 'rate_limited',
  zoom_unavailable: 'zoom_unavailable',
};

export function stateOfError(code: string): HealthState {
  return STATE_OF_ERROR[code] ?? 'error';
}

const rank = (state: HealthState) => HEALTH_STATES.indexOf(state);

/** The source's health: the first state of HEALTH_STATES that applies, with its cause and fix. Pure. */
export function sourceHealth(input: HealthInput): SourceHealth {
  const { source, streams, heartbeats, nowMs } = input;
  const lastEventMs = maxOf(streams.map((s) => s.newestEventTimeMs));
  const lastPollMs = maxOf([...streams.map((s) => s.lastPollAt), ...heartbeats.map((h) => h.at)]);
  const result = (state: HealthState, cause: string, fix: string, since: number | null): SourceHealth => ({ state, cause, fix, since, lastEventMs, lastPollMs });

  if (source.authKind === 'authorization_code' && !source.hasRefreshToken) {
    return result(
      'setup_incomplete',
      'Not authorized in Zoom yet.',
      'Finish the setup: authorize the app (an admin with the report permissions approves it in Zoom), then run the check.',
      null,
    );
  }
  if (source.setupFinished === false) {
    return result(
      'setup_incomplete',
      'Setup not finished: the live check has not passed yet, or Finish Setup was not clicked. Nothing is collected.',
      'Finish the setup (Sources > Continue setup): run the check, fix in Zoom what it reports, then click Finish Setup.',
      null,
    );
  }
  if (source.paused) return result('paused', 'Paused: nothing is collected until it is resumed.', 'Resume the source when collection should start again.', null);

  // A stream's last error stays until a read of it succeeds: the most pressing one wins, then the newest.
  const failing = streams
    .filter((s): s is StreamState & { lastError: StreamError } => s.lastError !== null)
    .sort((a, b) => rank(stateOfError(a.lastError.code)) - rank(stateOfError(b.lastError.code)) || b.lastError.at - a.lastError.at)[0];
  if (failing) {
    const error = failing.lastError;
    const state = stateOfError(error.code);
    const since = failingSince(heartbeats, failing);
    const streamNote = streams.length > 1 ? ` (${failing.logType})` : '';
    if (error.code === 'daily_budget_exhausted') {
      const reset = failing.nextAttemptAt ?? nextUtcMidnight(error.at);
      const whose = /this source's daily share/i.test(error.message) ? "this source's daily share of the Zoom Heavy API budget" : "Zoom's daily Heavy API limit for the account";
      return result(
        state,
        `Daily request budget exhausted until 00:00 UTC (${isoSeconds(reset)}): ${whose} is spent${streamNote}. Nothing is asked of Zoom until then.`,
        error.fix,
        since,
      );
    }
    if (error.code === 'rate_limited') {
      const next = failing.nextAttemptAt !== null && failing.nextAttemptAt > nowMs ? ` Next attempt ${isoSeconds(failing.nextAttemptAt)}.` : '';
      return result(state, `Rate limited (per-second): ${error.message}${streamNote}${next}`, error.fix, since);
    }
    return result(state, `${error.message}${streamNote}`, error.fix, since);
  }

  if (streams.every((s) => s.lastPollAt === null && s.lastSuccessAt === null && s.readingWindow === null) && heartbeats.length === 0) {
    return result('not_collected_yet', 'Not collected yet: the first poll starts shortly.', '', null);
  }

  const silentSince = lastEventMs ?? source.createdAt;
  const silentFor = nowMs - silentSince;
  const eventWords = lastEventMs === null ? 'No events yet' : `No events since ${isoSeconds(lastEventMs)} (${formatDurationMs(silentFor)} ago)`;
  const pollWords = pollsSummary(heartbeats);
  const periodMs = source.dropOffAlarmMinutes === null ? null : source.dropOffAlarmMinutes * 60_000;
  const quietNow = isQuietAt(source.quietSchedule ?? null, nowMs);
  if (periodMs !== null && silentFor > periodMs && !quietNow) {
    return result(
      'no_data',
      `${eventWords}, longer than the drop-off period of ${formatDurationMs(periodMs)}; ${pollWords}.`,
      'Check in Zoom (Reports > Sign In/Sign Out, Admin Activity Logs) that the account still has activity. If it is simply idle at times, lengthen the drop-off period or set a quiet schedule.',
      silentSince + periodMs,
    );
  }

  const counts = input.counts;
  if (counts && counts.classificationFailures > 0) {
    const threshold = input.classificationThreshold ?? DEFAULT_CLASSIFICATION_THRESHOLD;
    const total = Math.max(counts.records, counts.classificationFailures);
    const share = counts.classificationFailures / total;
    if (share > threshold) {
      return result(
        'classification_failures',
        `${counts.classificationFailures} of ${total} records stored in the last 24 h could not be classified (${percent(share)}, above the ${percent(threshold)} threshold).`,
        'Open Failures in the console to see the records and the field at fault: Zoom may have changed the log format. They are kept raw; update Zoomtrail or report the record shape.',
        null,
      );
    }
  }
  if (counts && counts.ruleErrors > 0) {
    return result(
      'rule_errors',
      `${counts.ruleErrors} rule error${counts.ruleErrors === 1 ? '' : 's'} in the last 24 h: detection rules threw on this source's events, so those events were not fully checked.`,
      'Open Rule errors in the console to see which rule failed on which event; fix or disable the rule.',
      null,
    );
  }

  const reading = streams.find((s) => s.readingWindow !== null);
  if (reading) return result('reading', `Reading ${reading.logType} ${reading.readingWindow} (${reading.readingPages} pages so far).`, '', null);

  if (silentFor > (input.quietAfterMs ?? DEFAULT_QUIET_AFTER_MS)) {
    const alarm =
      periodMs === null
        ? 'No drop-off alarm is set.'
        : quietNow && silentFor > periodMs
          ? `Inside the quiet schedule (${describeQuietSchedule(source.quietSchedule)}): the drop-off alarm holds its fire.`
          : `The drop-off alarm fires after ${formatDurationMs(periodMs)} without events.`;
    return result('quiet', `${eventWords}; ${pollWords}. ${alarm}`, '', lastEventMs);
  }

  return result('healthy', `Collecting; last event ${lastEventMs === null ? '-' : isoSeconds(lastEventMs)}, ${pollWords}.`, '', null);
}

/** Start of the stream's current run of failed or skipped polls, from its heartbeats; else the error's own time. */
function failingSince(heartbeats: readonly Heartbeat[], stream: StreamState & { lastError: StreamError }): number {
  const own = heartbeats.filter((h) => h.logType === stream.logType).sort((a, b) => b.at - a.at);
  let since = stream.lastError.at;
  for (const h of own) {
    if (h.outcome === 'data' || h.outcome === 'empty') break;
    since = Math.min(since, h.at);
  }
  return since;
}

function pollsSummary(heartbeats: readonly Heartbeat[]): string {
  if (heartbeats.length === 0) return 'no polls recorded recently';
  const newest = [...heartbeats].sort((a, b) => b.at - a.at)[0]!;
  const ok = heartbeats.filter((h) => h.outcome === 'data' || h.outcome === 'empty').length;
  const empty = heartbeats.filter((h) => h.outcome === 'empty').length;
  const failed = heartbeats.filter((h) => h.outcome === 'error').length;
  if (failed === 0 && ok > 0) {
    const nothing = newest.outcome === 'empty' ? ': Zoom returned nothing' : '';
    return `polls succeed (last ${isoSeconds(newest.at)}), ${empty} of ${ok} recent polls found nothing new${nothing}`;
  }
  return `${ok} recent polls succeeded, ${failed} failed (last ${isoSeconds(newest.at)})`;
}

function maxOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? Math.max(...present) : null;
}

function nextUtcMidnight(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** "45 min", "6 h", "2 d 3 h". */
export function formatDurationMs(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
}
