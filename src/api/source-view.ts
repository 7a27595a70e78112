import type { AlarmView, HeartbeatView, SourceDetail, SourceView, StreamView } from './api-types.js';
import { addDays } from '../domain/utc-days.js';
import { loadSourceHealth, type LoadedHealth } from '../health/health-loader.js';
import type { SourceHealth } from '../health/source-health.js';
import { utcDay } from '../shared/clock.js';
import type { AlertRecord } from '../store/alert-store.js';
import type { Heartbeat } from '../store/health-store.js';
import type { SourceRecord, Store, StreamError, StreamState } from '../store/store.js';

const HOUR_MS = 3_600_000;
const SPARK_HOURS = 24;

/** Builds what the console shows of sources. Secrets never pass through here: a SourceRecord only says whether they exist. */

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function errorView(error: StreamError | null): SourceView['lastError'] {
  return error ? { code: error.code, message: error.message, fix: error.fix, at: new Date(error.at).toISOString() } : null;
}

/** The source's log drop-off alarm setting (minutes), or null when off. */
export function dropOffAlarmOf(source: SourceRecord): number | null {
  return source.dropOffAlarmMinutes ?? null;
}

function maxOf(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? Math.max(...present) : null;
}

/** The source's health as the API shows it: state, one-line detail (cause — fix), cause, fix, since. */
export function healthFields(health: SourceHealth): Pick<SourceView, 'state' | 'stateDetail' | 'stateCause' | 'stateFix' | 'stateSince'> {
  return {
    state: health.state,
    stateDetail: health.fix ? `${health.cause} — ${health.fix}` : health.cause,
    stateCause: health.cause,
    stateFix: health.fix,
    stateSince: iso(health.since),
  };
}

export function alarmView(alert: AlertRecord): AlarmView {
  return { alertId: alert.id, ruleId: alert.ruleId, title: alert.title, status: alert.status, raisedAt: iso(alert.raisedAt) };
}

export function heartbeatView(h: Heartbeat): HeartbeatView {
  return { logType: h.logType, at: new Date(h.at).toISOString(), outcome: h.outcome, errorCode: h.errorCode, records: h.records, durationMs: h.durationMs };
}

export function streamView(state: StreamState): StreamView {
  return {
    logType: state.logType,
    newestEventTime: iso(state.newestEventTimeMs),
    lastPollTime: iso(state.lastPollAt),
    lastSuccessTime: iso(state.lastSuccessAt),
    readingWindow: state.readingWindow,
    readingPages: state.readingPages,
    lastError: errorView(state.lastError),
    consecutiveFailures: state.consecutiveFailures,
    nextAttemptTime: iso(state.nextAttemptAt),
  };
}

/** Events per hour, oldest first, over the 24 hours ending with the current hour: one histogram (the store's hour counts). */
export async function hourlySparkline(store: Store, sourceId: string, nowMs: number): Promise<number[]> {
  const end = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const start = end - SPARK_HOURS * HOUR_MS;
  return store.eventHistogram({ sourceId }, start, end, HOUR_MS);
}

export async function buildSourceView(store: Store, source: SourceRecord, nowMs: number, loaded?: LoadedHealth): Promise<SourceView> {
  const health = loaded ?? (await loadSourceHealth(store, source, nowMs));
  const states = health.streams;
  const [sparkline, eventsLast24h] = await Promise.all([
    hourlySparkline(store, source.id, nowMs),
    store.countEvents({ sourceId: source.id, sinceMs: nowMs - SPARK_HOURS * HOUR_MS, untilMs: nowMs + 1 }),
  ]);
  const newestError =
    states
      .map((s) => s.lastError)
      .filter((e): e is StreamError => e !== null)
      .sort((a, b) => b.at - a.at)[0] ?? null;
  return {
    id: source.id,
    name: source.name,
    authKind: source.authKind,
    zoomAccountId: source.zoomAccountId,
    clientId: source.clientId,
    apiUrl: source.apiUrl,
    oauthUrl: source.oauthUrl,
    backfillDays: source.backfillDays,
    pollIntervalMs: source.pollIntervalMs,
    paused: source.paused,
    hasClientSecret: source.hasClientSecret,
    hasRefreshToken: source.hasRefreshToken,
    dropOffAlarmMinutes: dropOffAlarmOf(source),
    quietSchedule: source.quietSchedule ?? null,
    createdAt: new Date(source.createdAt).toISOString(),
    ...healthFields(health),
    lastEventTime: iso(maxOf(states.map((s) => s.newestEventTimeMs))),
    lastPollTime: iso(maxOf(states.map((s) => s.lastPollAt))),
    eventsLast24h,
    sparkline,
    lastError: errorView(newestError),
  };
}

export async function buildSourceDetail(store: Store, source: SourceRecord, nowMs: number): Promise<SourceDetail> {
  const health = await loadSourceHealth(store, source, nowMs);
  const [view, late, alarms] = await Promise.all([
    buildSourceView(store, source, nowMs, health),
    store.listLateRecordDays(source.id, addDays(utcDay(nowMs), -179), 60),
    store.listOpenSystemAlerts({ sourceId: source.id }),
  ]);
  return {
    source: view,
    streams: health.streams.map(streamView),
    heartbeats: health.heartbeats.slice(0, 500).map(heartbeatView),
    lateRecordDays: late.map((d) => ({ day: d.day, logType: d.logType, gained: d.gainedAfterComplete })),
    openAlarms: alarms.map(alarmView),
  };
}
