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

  /** Runs until `signal` aborts; then waits for every source loop to stop. */
  async run(signal: AbortSignal): Promise<void> {
    // One listener per source loop on this signal: many sources are not a leak.
    setMaxListeners(0, signal);
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
   */
  async #leasedSourceLoop(collector: SourceCollector, lease: LeaseHolder, signal: AbortSignal): Promise<void> {
    const { store } = this.#options;
    const instance = this.#options.instance!;
    while (!signal.aborted) {
      const source = collector.source;
      const wait = (await this.#dueAt(source)) - this.#clock.now();
      if (wait > 0) {
        await this.#clock.sleep(Math.min(wait, instance.leaseTtlMs) + jitter(1000), signal).catch(() => undefined);
        continue;
      }
      try {
        await this.#slots.acquire(signal);
      } catch {
        return;
      }
      let held: Lease | null = null;
      const cycleAbort = new AbortController();
      const onAbort = () => cycleAbort.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let renewer: ReturnType<typeof setInterval> | undefined;
      try {
        held = await this.#acquire(source.id);
        if (!held) {
          // Another instance is collecting it; it records the poll, which moves the due time.
          await this.#clock.sleep(instance.leaseTtlMs / 4 + jitter(instance.leaseTtlMs / 4), signal).catch(() => undefined);
          continue;
        }
        // Fresh settings and credentials: another instance may have rotated the refresh token.
        const fresh = await store.getSource(source.id);
        if (!fresh || fresh.paused) continue;
        collector.update(fresh);
        if ((await this.#dueAt(fresh)) > this.#clock.now()) continue;
        lease.current = held;
        const current = held;
        renewer = setInterval(() => {
          store.renewLease(current, instance.leaseTtlMs).then(
            (ok) => {
              if (!ok) cycleAbort.abort(new LeaseLostError(current.sourceId, current.token));
            },
            (error: unknown) => this.#logger.warn({ sourceId: source.id, err: error }, 'could not renew the lease; retrying'),
          );
        }, Math.max(250, Math.floor(instance.leaseTtlMs / 3)));
        const started = this.#clock.now();
        await collector.runCycle({ signal: cycleAbort.signal });
        metrics.pollDuration.observe({ source_id: source.id }, (this.#clock.now() - started) / 1000);
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof LeaseLostError || cycleAbort.signal.reason instanceof LeaseLostError) {
          this.#logger.warn({ sourceId: source.id, token: held?.token }, 'lease on the source was taken by another instance; this instance stops collecting it for now');
        } else {
          this.#logger.error({ sourceId: source.id, err: error }, 'collection cycle failed');
        }
      } finally {
        if (renewer) clearInterval(renewer);
        signal.removeEventListener('abort', onAbort);
        lease.current = null;
        if (held) await store.releaseLease(held).catch(() => undefined);
        this.#slots.release();
      }
    }
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
