import type { SinkError, SinkRecord, SinkStore } from '../store/sink-store.js';

/** One sink's health: how far behind it is and why. */
export interface SinkHealth {
  sink: Pick<SinkRecord, 'id' | 'name' | 'kind' | 'format' | 'paused'>;
  /** Events stored after the cursor (from the forward log's counts). */
  backlog: number;
  /** Newest stored minus newest delivered (stored-at times; the oldest pending when nothing was delivered yet), 0 when caught up; null when the log is empty. */
  lagMs: number | null;
  delivered: number;
  failed: number;
  consecutiveFailures: number;
  lastDeliveredAt: number | null;
  nextAttemptAt: number | null;
  lastError: SinkError | null;
}

export async function sinkHealth(store: SinkStore, sink: SinkRecord): Promise<SinkHealth> {
  const [state, backlog] = await Promise.all([store.getSinkState(sink.id), store.sinkBacklog(sink.id)]);
  const lagMs =
    backlog.newestStoredAt === null
      ? null
      : backlog.events === 0
        ? 0
        : backlog.newestStoredAt - (state.deliveredStoredAt ?? backlog.oldestPendingStoredAt ?? backlog.newestStoredAt);
  return {
    sink: { id: sink.id, name: sink.name, kind: sink.kind, format: sink.format, paused: sink.paused },
    backlog: backlog.events,
    lagMs: lagMs === null ? null : Math.max(0, lagMs),
    delivered: state.deliveredCount,
    failed: state.failedCount,
    consecutiveFailures: state.consecutiveFailures,
    lastDeliveredAt: state.lastDeliveredAt,
    nextAttemptAt: state.nextAttemptAt === 0 ? null : state.nextAttemptAt,
    lastError: state.lastError,
  };
}
