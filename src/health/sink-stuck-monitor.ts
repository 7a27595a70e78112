import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { HealthStore } from '../store/health-store.js';
import type { SinkRecord, SinkStore } from '../store/sink-store.js';
import { formatDurationMs, isoSeconds } from './source-health.js';
import { SINK_STUCK } from './system-alarms.js';

export const DEFAULT_SINK_STUCK_ALARM_MINUTES = 30;

export interface SinkStuckDeps {
  store: SinkStore & HealthStore;
  clock: Clock;
  logger: Logger;
  /** ZOOMTRAIL_SINK_STUCK_ALARM_MINUTES. */
  stuckAlarmMinutes: number;
  /** Called after an alarm was raised or resolved (wake the delivery worker). */
  onChange?: () => void;
}

export type SinkStuckAction = 'ok' | 'raised' | 'still_open' | 'resolved' | 'paused';

/**
 * The stuck-sink alarm: a sink with events pending whose last successful
 * delivery (or, if it never delivered or the backlog is younger, the oldest
 * pending event's storing) is older than the period raises one system alert
 * `System.SinkStuck` (dedup = sink id) through the outbox; it resolves itself
 * when the sink delivers again or has nothing pending, or when it is paused or
 * removed.
 */
export class SinkStuckMonitor {
  constructor(private readonly deps: SinkStuckDeps) {}

  async checkOnce(nowMs: number = this.deps.clock.now()): Promise<Array<{ sinkId: string; action: SinkStuckAction }>> {
    const { store } = this.deps;
    const [sinks, open] = await Promise.all([store.listSinks(), store.listOpenSystemAlerts({ ruleId: SINK_STUCK })]);
    const openIds = new Set(open.map((a) => a.dedup));
    const out: Array<{ sinkId: string; action: SinkStuckAction }> = [];
    for (const sink of sinks) {
      try {
        out.push({ sinkId: sink.id, action: await this.#check(sink, openIds.has(sink.id), nowMs) });
      } catch (error) {
        this.deps.logger.error({ sink: sink.name, err: error }, 'stuck-sink check failed');
      }
    }
    const known = new Set(sinks.map((s) => s.id));
    for (const id of openIds) if (!known.has(id)) await this.#resolve(id, `The sink was removed at ${isoSeconds(nowMs)}.`);
    return out;
  }

  async #check(sink: SinkRecord, isOpen: boolean, nowMs: number): Promise<SinkStuckAction> {
    const { store } = this.deps;
    if (sink.paused) {
      if (isOpen) await this.#resolve(sink.id, `The sink was paused at ${isoSeconds(nowMs)}.`);
      return isOpen ? 'resolved' : 'paused';
    }
    const [state, backlog] = await Promise.all([store.getSinkState(sink.id), store.sinkBacklog(sink.id)]);
    const periodMs = this.deps.stuckAlarmMinutes * 60_000;
    const since = Math.max(state.lastDeliveredAt ?? sink.createdAt, backlog.oldestPendingStoredAt ?? nowMs);
    if (backlog.events === 0 || nowMs - since <= periodMs) {
      if (isOpen) {
        const why = backlog.events === 0 ? 'nothing is pending any more' : `it delivered at ${isoSeconds(state.lastDeliveredAt ?? nowMs)}`;
        await this.#resolve(sink.id, `Sink ${sink.name} recovered: ${why}.`);
        return 'resolved';
      }
      return 'ok';
    }
    const { alert, raised } = await store.raiseSystemAlert({
      ruleId: SINK_STUCK,
      dedup: sink.id,
      title: `Forwarding to sink ${sink.name} is stuck: nothing delivered for ${formatDurationMs(nowMs - since)}, ${backlog.events} events pending`,
      severity: 'HIGH',
      firstEventMs: since,
      context: {
        sinkId: sink.id,
        sinkName: sink.name,
        sinkKind: sink.kind,
        backlog: backlog.events,
        lastDeliveredAt: state.lastDeliveredAt === null ? null : new Date(state.lastDeliveredAt).toISOString(),
        stuckAlarmMinutes: this.deps.stuckAlarmMinutes,
        consecutiveFailures: state.consecutiveFailures,
        lastError: state.lastError?.message ?? null,
        fix: state.lastError?.fix ?? `Run \`zoomtrail sink show ${sink.name}\`.`,
      },
    });
    if (raised) {
      this.deps.logger.warn({ sink: sink.name, alertId: alert.id }, alert.title);
      this.deps.onChange?.();
    }
    return raised ? 'raised' : 'still_open';
  }

  async #resolve(sinkId: string, note: string): Promise<void> {
    const resolved = await this.deps.store.resolveSystemAlert(SINK_STUCK, sinkId, note);
    if (resolved) {
      this.deps.logger.info({ sinkId, alertId: resolved.id }, `stuck-sink alarm resolved: ${note}`);
      this.deps.onChange?.();
    }
  }
}
