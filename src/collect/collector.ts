import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import { metrics } from '../shared/metrics.js';
import type { SourceRecord } from '../store/store.js';
import { SourceCollector, type SourceCollectorDeps, type StreamCycleReport } from './source-collector.js';

export interface CollectorOptions extends SourceCollectorDeps {
  /** How often the source list is re-read for added, changed or removed sources; default 10 s. */
  refreshMs?: number;
}

/**
 * The collector loop: one independent loop per source, each with its own
 * schedule (poll interval, or earlier backoff end), so one failing or slow
 * source never delays another. Sources added, changed, paused or removed
 * (from the CLI or the console, even in another process) are picked up.
 */
export class Collector {
  readonly #options: CollectorOptions;
  readonly #loops = new Map<string, { collector: SourceCollector; abort: AbortController; done: Promise<void> }>();
  readonly #logger: Logger;
  readonly #clock: Clock;

  constructor(options: CollectorOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#clock = options.clock;
  }

  /** Runs until `signal` aborts; then waits for every source loop to stop. */
  async run(signal: AbortSignal): Promise<void> {
    const refreshMs = this.#options.refreshMs ?? 10_000;
    try {
      while (!signal.aborted) {
        await this.#syncSources(signal);
        await this.#clock.sleep(refreshMs, signal).catch(() => undefined);
      }
    } finally {
      for (const loop of this.#loops.values()) loop.abort.abort();
      await Promise.allSettled([...this.#loops.values()].map((loop) => loop.done));
      this.#loops.clear();
    }
  }

  async #syncSources(signal: AbortSignal): Promise<void> {
    let sources: SourceRecord[];
    try {
      sources = await this.#options.store.listSources();
    } catch (error) {
      this.#logger.error({ err: error }, 'could not read the source list; retrying');
      return;
    }
    const active = new Map(sources.filter((source) => !source.paused).map((source) => [source.id, source]));
    for (const [id, loop] of this.#loops) {
      if (!active.has(id)) {
        loop.abort.abort();
        this.#loops.delete(id);
        this.#logger.info({ sourceId: id }, 'source removed or paused: collection stopped');
      }
    }
    for (const source of active.values()) {
      const existing = this.#loops.get(source.id);
      if (existing) {
        existing.collector.update(source);
        continue;
      }
      const abort = new AbortController();
      signal.addEventListener('abort', () => abort.abort(), { once: true });
      const collector = new SourceCollector(source, this.#options);
      const done = this.#sourceLoop(collector, abort.signal);
      this.#loops.set(source.id, { collector, abort, done });
      this.#logger.info({ sourceId: source.id, sourceName: source.name }, 'collecting source');
    }
  }

  async #sourceLoop(collector: SourceCollector, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let reports: StreamCycleReport[] = [];
      try {
        const started = this.#clock.now();
        reports = await collector.runCycle({ signal });
        metrics.pollDuration.observe({ source_id: collector.source.id }, (this.#clock.now() - started) / 1000);
      } catch (error) {
        if (signal.aborted) return;
        this.#logger.error({ sourceId: collector.source.id, err: error }, 'collection cycle failed');
      }
      const now = this.#clock.now();
      let wakeAt = now + collector.source.pollIntervalMs;
      for (const report of reports) {
        if (report.nextAttemptAt && report.nextAttemptAt > now) wakeAt = Math.min(wakeAt, Math.max(report.nextAttemptAt, now + 1000));
      }
      await this.#clock.sleep(wakeAt - now, signal).catch(() => undefined);
    }
  }
}
