import type { HealthStore, Heartbeat } from '../store/health-store.js';
import type { SourceRecord, SourceStore, StreamState } from '../store/store.js';
import { REPORT_STREAMS } from '../zoom/report-records.js';
import { HEALTH_WINDOW_MS, sourceHealth, type SourceHealth } from './source-health.js';

export interface LoadedHealth extends SourceHealth {
  streams: StreamState[];
  /** The last 24 h of heartbeats, newest first. */
  heartbeats: Heartbeat[];
}

/** Reads what the health model needs (streams, the last 24 h of heartbeats and counts) and derives the source's health. */
export async function loadSourceHealth(store: SourceStore & HealthStore, source: SourceRecord, nowMs: number, streams?: StreamState[]): Promise<LoadedHealth> {
  const since = nowMs - HEALTH_WINDOW_MS;
  const [states, heartbeats, counts] = await Promise.all([
    streams ?? Promise.all(REPORT_STREAMS.map((stream) => store.getStreamState(source.id, stream.logType))),
    store.listHeartbeats({ sourceId: source.id, sinceMs: since, limit: 5000 }),
    store.healthCounts(source.id, since),
  ]);
  return { ...sourceHealth({ source, streams: states, heartbeats, nowMs, counts }), streams: states, heartbeats };
}
