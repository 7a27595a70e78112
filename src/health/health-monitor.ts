import { CompletenessMonitor, DEFAULT_COMPLETENESS_MARGIN_DAYS } from './completeness-monitor.js';
import { DropOffMonitor, type MonitorDeps } from './drop-off-monitor.js';

export const HEALTH_CHECK_INTERVAL_MS = 60_000;

/** The drop-off and completeness alarms, checked every minute until `signal` aborts. */
export class HealthMonitor {
  readonly dropOff: DropOffMonitor;
  readonly completeness: CompletenessMonitor;

  constructor(private readonly deps: MonitorDeps & { marginDays?: number; intervalMs?: number }) {
    this.dropOff = new DropOffMonitor(deps);
    this.completeness = new CompletenessMonitor(deps, deps.marginDays ?? DEFAULT_COMPLETENESS_MARGIN_DAYS);
  }

  async checkOnce(nowMs: number = this.deps.clock.now()): Promise<void> {
    await this.dropOff.checkOnce(nowMs);
    await this.completeness.checkOnce(nowMs);
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
