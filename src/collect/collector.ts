import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import { metrics } from '../shared/metrics.js';
import { Semaphore } from '../shared/semaphore.js';
import type { Lease } from '../store/lease-store.js';
import { LeaseLostError } from '../store/store-errors.js';
import type { SourceRecord } from '../store/store.js';
import { LOG_TYPES } from '../zoom/report-records.js';
import { fencedStore } from './fenced-store.js';
import { ownerIsDeadHere } from './instance-identity.js';
import { SharedRequestBudget, zoomAccountBudgetKey } from './shared-request-budget.js';
import { SourceCollector, type SourceCollectorDeps, type StreamCycleReport } from './source-collector.js';

export interface CollectorOptions extends SourceCollectorDeps {
  /** How often the source list is re-read for added, changed or removed sources; default 10 s. */
  refreshMs?: number;
  /**
   * Several instances on one database: collect a source only under its lease
   * (fencing token on every write), from the Zoom account's budget shared in
   * the store, at most `maxConcurrentCycles` sources at once.
   */
  instance?: InstanceOptions;
}

export interface InstanceOptions {
  /** This process as a lease owner (instanceOwner()). */
  owner: string;
  /** A lease not renewed for this long is taken over; default 60 s. */
  leaseTtlMs: number;
  /** Sources collected at once by this instance; the others wait or go to another instance. Default 4. */
  maxConcurrentCycles: number;
}

/** The lease a source's collector writes under, while it holds one. */
interface LeaseHolder {
  current: Lease | null;
}

/** The shortest wait between two turns of a leased source loop, whatever the turn found. */
export const MIN_TURN_WAIT_MS = 1000;

/** A random delay in [0, ms): spreads instances that wake at the same moment. */
function jitter(ms: number): number {
  return Math.floor(Math.random() * ms);
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
  readonly #slots: Semaphore;

  constructor(options: CollectorOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#slots = new Semaphore(options.instance?.maxConcurrentCycles ?? 4);
  }

  get #refreshMs(): number {
    return this.#options.refreshMs ?? 10_000;
  }

  /** Runs until `signal` aborts; then waits for every source loop to stop. */
  async run(signal: AbortSignal): Promise<void> {
    // One listener per source loop on this signal: many sources are not a leak.
    setMaxListeners(0, signal);
    try {
      while (!signal.aborted) {
        await this.#syncSources(signal);
        await this.#clock.sleep(this.#refreshMs, signal).catch(() => undefined);
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
      let collector: SourceCollector;
      let done: Promise<void>;
      if (this.#options.instance) {
        const lease: LeaseHolder = { current: null };
        const { store, clock } = this.#options;
        collector = new SourceCollector(source, {
          ...this.#options,
          store: fencedStore(store, () => (lease.current ? { owner: lease.current.owner, token: lease.current.token } : null)),
          budgetFor: (s) => new SharedRequestBudget(store, zoomAccountBudgetKey(s), clock, { requestsPerSecond: s.requestsPerSecond, requestsPerDay: s.requestsPerDay }),
        });
        done = this.#leasedSourceLoop(collector, lease, abort.signal);
      } else {
        collector = new SourceCollector(source, this.#options);
        done = this.#sourceLoop(collector, abort.signal);
      }
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

  /**
   * One source under leases (several instances on one database): when its
   * next poll is due, take a cycle slot of this instance, then the source's
   * lease; run the cycle with the lease's fencing token on every write,
   * renewing it while the cycle runs (a lost lease aborts the cycle); then
   * release it. Another instance holding the lease means it collects the
   * source now: this one looks again later. Due times come from the store's
   * stream states, so instances never poll a source twice in one interval.
   *
   * Every turn ends in a wait, whatever happened in it. A turn that found
   * nothing to do and came straight back would never yield: on SQLite every
   * store call resolves without touching the event loop, so such a loop
   * starves it (no HTTP answers, no timers, not even the refresh that would
   * end the loop, no SIGTERM).
   */
  async #leasedSourceLoop(collector: SourceCollector, lease: LeaseHolder, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let waitMs: number;
      try {
        waitMs = await this.#leasedTurn(collector, lease, signal);
      } catch (error) {
        if (signal.aborted) return;
        this.#logger.error({ sourceId: collector.source.id, err: error }, 'could not check whether the source is due; retrying');
        waitMs = this.#refreshMs;
      }
      await this.#clock.sleep(Math.max(MIN_TURN_WAIT_MS, waitMs), signal).catch(() => undefined);
    }
  }

  /** One turn of a leased source loop: collects the source if it is due and its lease is free; returns how long to wait before the next turn. */
  async #leasedTurn(collector: SourceCollector, lease: LeaseHolder, signal: AbortSignal): Promise<number> {
    const { store } = this.#options;
    const instance = this.#options.instance!;
    const source = collector.source;
    const wait = (await this.#dueAt(source)) - this.#clock.now();
    if (wait > 0) return Math.min(wait, instance.leaseTtlMs) + jitter(1000);
    await this.#slots.acquire(signal);
    let held: Lease | null = null;
    const cycleAbort = new AbortController();
    const onAbort = () => cycleAbort.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const renewal = new AbortController();
    try {
      held = await this.#acquire(source.id);
      // Another instance is collecting it; it records the poll, which moves the due time.
      if (!held) return instance.leaseTtlMs / 4 + jitter(instance.leaseTtlMs / 4);
      // Fresh settings and credentials: another instance may have rotated the refresh token.
      const fresh = await store.getSource(source.id);
      // Paused or removed since the source list was read: the next refresh ends this loop (resumed by then, it collects).
      if (!fresh || fresh.paused) return this.#refreshMs;
      collector.update(fresh);
      const freshWait = (await this.#dueAt(fresh)) - this.#clock.now();
      if (freshWait > 0) return Math.min(freshWait, instance.leaseTtlMs);
      lease.current = held;
      this.#renewWhileCollecting(held, cycleAbort, renewal.signal);
      const started = this.#clock.now();
      await collector.runCycle({ signal: cycleAbort.signal });
      metrics.pollDuration.observe({ source_id: source.id }, (this.#clock.now() - started) / 1000);
      // The next turn finds the next due time in the stream states the cycle wrote.
      return 0;
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof LeaseLostError || cycleAbort.signal.reason instanceof LeaseLostError) {
        this.#logger.warn({ sourceId: source.id, token: held?.token }, 'lease on the source was taken by another instance; this instance stops collecting it for now');
        return 0;
      }
      this.#logger.error({ sourceId: source.id, err: error }, 'collection cycle failed');
      return source.pollIntervalMs;
    } finally {
      renewal.abort();
      signal.removeEventListener('abort', onAbort);
      lease.current = null;
      if (held) await store.releaseLease(held).catch(() => undefined);
      this.#slots.release();
    }
  }

  /**
   * Renews `held` every third of the lease period, on the injected clock, until
   * `stop` aborts; a lease found taken aborts the cycle.
   */
  #renewWhileCollecting(held: Lease, cycleAbort: AbortController, stop: AbortSignal): void {
    const { store } = this.#options;
    const instance = this.#options.instance!;
    const everyMs = Math.max(250, Math.floor(instance.leaseTtlMs / 3));
    void (async () => {
      while (!stop.aborted) {
        try {
          await this.#clock.sleep(everyMs, stop);
        } catch {
          return;
        }
        try {
          if (!(await store.renewLease(held, instance.leaseTtlMs))) {
            cycleAbort.abort(new LeaseLostError(held.sourceId, held.token));
            return;
          }
        } catch (error) {
          this.#logger.warn({ sourceId: held.sourceId, err: error }, 'could not renew the lease; retrying');
        }
      }
    })();
  }

  /** The lease, or null when a live instance holds it; a crashed instance's (same host, process gone) is taken at once. */
  async #acquire(sourceId: string): Promise<Lease | null> {
    const { store } = this.#options;
    const instance = this.#options.instance!;
    const lease = await store.acquireLease(sourceId, instance.owner, instance.leaseTtlMs);
    if (lease) return lease;
    const holder = (await store.listLeases()).find((l) => l.sourceId === sourceId);
    if (holder && ownerIsDeadHere(holder.owner)) {
      this.#logger.info({ sourceId, deadOwner: holder.owner }, 'taking over the lease of a crashed instance');
      return store.acquireLease(sourceId, instance.owner, instance.leaseTtlMs, { force: true });
    }
    return null;
  }

  /** When the source's next poll is due: the earliest of its streams' (poll interval after its last poll, or its backoff end). */
  async #dueAt(source: SourceRecord): Promise<number> {
    let due = Number.POSITIVE_INFINITY;
    for (const logType of LOG_TYPES) {
      const state = await this.#options.store.getStreamState(source.id, logType);
      const next = Math.max(state.lastPollAt === null ? 0 : state.lastPollAt + source.pollIntervalMs, state.nextAttemptAt ?? 0);
      due = Math.min(due, next);
    }
    return due;
  }
}
