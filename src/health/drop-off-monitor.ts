import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { HealthStore } from '../store/health-store.js';
import type { CoverageStore, SourceRecord, SourceStore } from '../store/store.js';
import { REPORT_STREAMS } from '../zoom/report-records.js';
import { loadSourceHealth } from './health-loader.js';
import { describeQuietSchedule, isQuietAt } from './quiet-schedule.js';
import { formatDurationMs, isoSeconds } from './source-health.js';
import { LOG_DROP_OFF } from './system-alarms.js';

export interface MonitorDeps {
  /** The drop-off monitor reads no coverage; the completeness monitor does. */
  store: SourceStore & CoverageStore & HealthStore;
  clock: Clock;
  logger: Logger;
  /** Called after an alarm was raised or resolved (wake the delivery worker). */
  onChange?: () => void;
}

export type DropOffAction = 'off' | 'ok' | 'raised' | 'still_open' | 'resolved' | 'quiet_schedule';

export interface DropOffCheck {
  sourceId: string;
  action: DropOffAction;
  lastEventMs: number | null;
}

/**
 * The log drop-off alarm, per source with `dropOffAlarmMinutes` set: when the
 * newest stored event's time (Zoom's event time, across both log types) is
 * older than the period, a system alert `System.LogDropOff` is raised (one
 * open per source, dedup = source id) through the outbox. Event time, not the
 * time stored: a backfill or late records of old days say nothing about the
 * account producing logs now. A source with no event yet counts from its
 * creation. The alarm fires whether or not polls succeed (it says "no logs";
 * its context carries the health cause that says why). Inside the source's
 * quiet schedule nothing new is raised (an open alarm stays open). When events
 * arrive again the alarm resolves itself with a note, which queues `resolved`
 * notices; turning the alarm off, or pausing the source, resolves it too.
 */
export class DropOffMonitor {
  constructor(private readonly deps: MonitorDeps) {}

  async checkOnce(nowMs: number = this.deps.clock.now()): Promise<DropOffCheck[]> {
    const { store } = this.deps;
    const [sources, open] = await Promise.all([store.listSources(), store.listOpenSystemAlerts({ ruleId: LOG_DROP_OFF })]);
    const openBySource = new Map(open.map((a) => [a.dedup, a]));
    const out: DropOffCheck[] = [];
    for (const source of sources) {
      try {
        out.push(await this.#check(source, openBySource.has(source.id), nowMs));
      } catch (error) {
        this.deps.logger.error({ sourceId: source.id, err: error }, 'drop-off check failed');
      }
    }
    return out;
  }

  async #check(source: SourceRecord, isOpen: boolean, nowMs: number): Promise<DropOffCheck> {
    const { store } = this.deps;
    const notCollecting = source.paused || (source.authKind === 'authorization_code' && !source.hasRefreshToken);
    if (source.dropOffAlarmMinutes === null || notCollecting) {
      if (isOpen) {
        const why = source.dropOffAlarmMinutes === null ? 'The drop-off alarm was turned off' : 'The source was paused';
        await this.#resolve(source, `${why} at ${isoSeconds(nowMs)}.`);
        return { sourceId: source.id, action: 'resolved', lastEventMs: null };
      }
      return { sourceId: source.id, action: 'off', lastEventMs: null };
    }
    const streams = await Promise.all(REPORT_STREAMS.map((s) => store.getStreamState(source.id, s.logType)));
    const times = streams.map((s) => s.newestEventTimeMs).filter((t): t is number => t !== null);
    const lastEventMs = times.length ? Math.max(...times) : null;
    const periodMs = source.dropOffAlarmMinutes * 60_000;
    const since = lastEventMs ?? source.createdAt;
    if (nowMs - since <= periodMs) {
      if (isOpen && lastEventMs !== null) {
        await this.#resolve(source, `Events arrived again at ${isoSeconds(nowMs)}: the newest event is from ${isoSeconds(lastEventMs)}.`);
        return { sourceId: source.id, action: 'resolved', lastEventMs };
      }
      return { sourceId: source.id, action: isOpen ? 'still_open' : 'ok', lastEventMs };
    }
    if (!isOpen && isQuietAt(source.quietSchedule, nowMs)) {
      this.deps.logger.debug({ sourceId: source.id, schedule: describeQuietSchedule(source.quietSchedule) }, 'no events, but inside the quiet schedule: drop-off alarm held');
      return { sourceId: source.id, action: 'quiet_schedule', lastEventMs };
    }
    const health = await loadSourceHealth(store, source, nowMs, streams);
    const { alert, raised } = await store.raiseSystemAlert({
      ruleId: LOG_DROP_OFF,
      dedup: source.id,
      title: `No Zoom logs from ${source.name} for ${formatDurationMs(periodMs)}`,
      severity: 'HIGH',
      firstEventMs: since,
      context: {
        sourceId: source.id,
        sourceName: source.name,
        lastEventTime: lastEventMs === null ? null : new Date(lastEventMs).toISOString(),
        dropOffPeriodMinutes: source.dropOffAlarmMinutes,
        quietSchedule: source.quietSchedule ?? null,
        healthState: health.state,
        healthCause: health.cause,
        healthFix: health.fix,
      },
    });
    if (raised) {
      this.deps.logger.warn({ sourceId: source.id, alertId: alert.id, lastEventMs }, alert.title);
      this.deps.onChange?.();
    }
    return { sourceId: source.id, action: raised ? 'raised' : 'still_open', lastEventMs };
  }

  async #resolve(source: SourceRecord, note: string): Promise<void> {
    const resolved = await this.deps.store.resolveSystemAlert(LOG_DROP_OFF, source.id, note);
    if (resolved) {
      this.deps.logger.info({ sourceId: source.id, alertId: resolved.id }, `drop-off alarm resolved: ${note}`);
      this.deps.onChange?.();
    }
  }
}
