import type { SourceDetail, SourceState, SourceView, StreamView } from './api-types.js';
import type { SourceRecord, Store, StreamError, StreamState } from '../store/store.js';
import { REPORT_STREAMS } from '../zoom/report-records.js';

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

/**
 * The source's state, most pressing first: not authorized yet, paused, never
 * polled, failing (a stream's last error, with its fix), reading a window, else healthy.
 */
export function deriveSourceState(source: SourceRecord, streams: readonly StreamState[]): { state: SourceState; stateDetail: string } {
  if (source.authKind === 'authorization_code' && !source.hasRefreshToken) {
    return { state: 'setup_incomplete', stateDetail: 'Not authorized in Zoom yet: finish the setup (authorize the app, then check it).' };
  }
  if (source.paused) return { state: 'paused', stateDetail: 'Paused: nothing is collected until it is resumed.' };
  const failing = streams.filter((s) => s.lastError !== null).sort((a, b) => b.lastError!.at - a.lastError!.at)[0];
  if (failing?.lastError) return { state: 'error', stateDetail: `${failing.lastError.message} — ${failing.lastError.fix}` };
  if (streams.every((s) => s.lastPollAt === null && s.lastSuccessAt === null && s.readingWindow === null)) {
    return { state: 'not_collected_yet', stateDetail: 'Not collected yet: the first poll starts shortly.' };
  }
  const reading = streams.find((s) => s.readingWindow !== null);
  if (reading) return { state: 'reading', stateDetail: `Reading ${reading.logType} ${reading.readingWindow} (${reading.readingPages} pages so far).` };
  const lastSuccess = maxOf(streams.map((s) => s.lastSuccessAt));
  return { state: 'healthy', stateDetail: lastSuccess === null ? 'Collecting.' : `Collecting; last successful read ${new Date(lastSuccess).toISOString()}.` };
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

export async function loadStreams(store: Store, sourceId: string): Promise<StreamState[]> {
  return Promise.all(REPORT_STREAMS.map((stream) => store.getStreamState(sourceId, stream.logType)));
}

/** Events per hour, oldest first, over the 24 hours ending with the current hour. */
export async function hourlySparkline(store: Store, sourceId: string, nowMs: number): Promise<number[]> {
  const end = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const start = end - SPARK_HOURS * HOUR_MS;
  return Promise.all(
    Array.from({ length: SPARK_HOURS }, (_, i) => store.countEvents({ sourceId, sinceMs: start + i * HOUR_MS, untilMs: start + (i + 1) * HOUR_MS })),
  );
}

export async function buildSourceView(store: Store, source: SourceRecord, nowMs: number, streams?: StreamState[]): Promise<SourceView> {
  const states = streams ?? (await loadStreams(store, source.id));
  const { state, stateDetail } = deriveSourceState(source, states);
  const [sparkline, eventsLast24h] = await Promise.all([
    hourlySparkline(store, source.id, nowMs),
    store.countEvents({ sourceId: source.id, sinceMs: nowMs - SPARK_HOURS * HOUR_MS, untilMs: nowMs + 1 }),
  ]);
  const newestError = states.map((s) => s.lastError).filter((e): e is StreamError => e !== null).sort((a, b) => b.at - a.at)[0] ?? null;
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
    createdAt: new Date(source.createdAt).toISOString(),
    state,
    stateDetail,
    lastEventTime: iso(maxOf(states.map((s) => s.newestEventTimeMs))),
    lastPollTime: iso(maxOf(states.map((s) => s.lastPollAt))),
    eventsLast24h,
    sparkline,
    lastError: errorView(newestError),
  };
}

export async function buildSourceDetail(store: Store, source: SourceRecord, nowMs: number): Promise<SourceDetail> {
  const streams = await loadStreams(store, source.id);
  return { source: await buildSourceView(store, source, nowMs, streams), streams: streams.map(streamView) };
}
