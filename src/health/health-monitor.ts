import { CompletenessMonitor, DEFAULT_COMPLETENESS_MARGIN_DAYS } from './completeness-monitor.js';
import { DropOffMonitor, type MonitorDeps } from './drop-off-monitor.js';
import { DEFAULT_SINK_STUCK_ALARM_MINUTES, SinkStuckMonitor } from './sink-stuck-monitor.js';
import type { HealthStore } from '../store/health-store.js';
import type { SinkStore } from '../store/sink-store.js';

export const HEALTH_CHECK_INTERVAL_MS = 60_000;

/** The drop-off, completeness and stuck-sink alarms, checked every minute until `signal` aborts. */
export class HealthMonitor {
  readonly dropOff: DropOffMonitor;
  readonly completeness: CompletenessMonitor;
  /** Set when the store has sinks (SinkStore). */
  readonly sinkStuck: SinkStuckMonitor | undefined;

  constructor(
    private readonly deps: MonitorDeps & {
      marginDays?: number;
      intervalMs?: number;
      /** The store's sinks: the stuck-sink alarm runs when given. */
      sinkStore?: SinkStore & HealthStore;
      sinkStuckAlarmMinutes?: number;
    },
  ) {
    this.dropOff = new DropOffMonitor(deps);
    this.completeness = new CompletenessMonitor(deps, deps.marginDays ?? DEFAULT_COMPLETENESS_MARGIN_DAYS);
    this.sinkStuck = deps.sinkStore
      ? new SinkStuckMonitor({
          store: deps.sinkStore,
          clock: deps.clock,
          logger: deps.logger,
          stuckAlarmMinutes: deps.sinkStuckAlarmMinutes ?? DEFAULT_SINK_STUCK_ALARM_MINUTES,
          ...(deps.onChange ? { onChange: deps.onChange } : {}),
        })
      : undefined;
  }

  async checkOnce(nowMs: number = this.deps.clock.now()): Promise<void> {
    await this.dropOff.checkOnce(nowMs);
    await this.completeness.checkOnce(nowMs);
    await this.sinkStuck?.checkOnce(nowMs);
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.checkOnce();
      } catch (error) {
        this.deps.logger.error({ err: error }, 'health check failed; retrying');
      }
      await this.deps.clock.sleep(this.deps.intervalMs ?? HEALTH_CHECK_INTERVAL_MS, signal).catch(() => undefined);
    }
  }
}
