import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { OutboundAddressPolicy } from '../shared/outbound-address-policy.js';
import type { SinkCoverageStore, SinkLease } from '../store/sink-coverage-store.js';
import type { SinkRecord, SinkStore } from '../store/sink-store.js';
import { matchesFieldFilter, parseFieldFilter } from './event-filter.js';
import { formatEvent } from './formats/event-format.js';
import { formatFor } from './formats/format-registry.js';
import type { SendError, SinkContext } from './sink.js';
import { openSinkContext } from './sink-context.js';
import { sendCoverage } from './coverage-send.js';
import { sinkFor } from './sink-registry.js';

/** Retry backoff of a failing sink: base * 2^(failures - 1), at most max. */
export const SINK_RETRY = { baseMs: 1_000, maxMs: 5 * 60_000 } as const;

export interface ForwarderOptions {
  store: SinkStore;
  clock: Clock;
  logger: Logger;
  /** The app's guarded fetch. */
  fetch: typeof fetch;
  /** The outbound address policy, for sinks that open their own connections (syslog). */
  policy?: OutboundAddressPolicy;
  /** Events per batch; default 1,000. */
  batchSize?: number;
  /** Wait after a partial batch before reading again (the "or 5 s" of batching); default 5 s. */
  batchWaitMs?: number;
  /** How often the running forwarder looks for new, changed or removed sinks; default 30 s. */
  sinkRefreshMs?: number;
  /** Per-send limit; default 10 s. */
  timeoutMs?: number;
  /**
   * Several instances on one database: `run` sends a sink only while this
   * instance holds its lease (taken before each batch, released on stop); a
   * takeover resumes from the cursor.
   */
  lease?: { store: Pick<SinkCoverageStore, 'acquireSinkLease' | 'releaseSinkLease'>; owner: string; ttlMs: number };
}

/** What one batch did. */
export type BatchOutcome =
  | { kind: 'idle' }
  | { kind: 'waiting'; untilMs: number }
  | { kind: 'sent'; delivered: number; rejected: number; full: boolean }
  | { kind: 'failed'; error: SendError; retryAt: number }
  /** Another instance moved the cursor first: this batch's advance was dropped. */
  | { kind: 'lost' };

export interface FlushResult {
  sink: SinkRecord;
  delivered: number;
  rejected: number;
  /** Set when the sink failed and flushing it stopped. */
  error?: SendError;
}

/**
 * Sends each sink's backlog from the forward log: read a batch after the
 * sink's cursor (the store keeps the backlog, so memory stays one batch per
 * sink however long a sink is down), format, send, then advance the cursor
 * only over what the sink confirmed (refused events become dead letters). A
 * failed batch is retried after an exponential backoff kept in the store; each
 * sink runs in its own loop, so a sink that is down never holds up another, and
 * collection never waits for forwarding.
 */
export class Forwarder {
  readonly #o: ForwarderOptions;
  readonly #contexts = new Map<string, { kind: string; context: SinkContext }>();
  readonly #wakers = new Set<() => void>();

  constructor(options: ForwarderOptions) {
    this.#o = options;
  }

  /** New events were stored: sinks sleeping between batches read again now. */
  wake(): void {
    for (const wake of this.#wakers) wake();
  }

  /** One batch of `sink`. `ignoreBackoff` sends even while the sink waits for a retry (flush). */
  async forwardBatch(sink: SinkRecord, options: { ignoreBackoff?: boolean } = {}): Promise<BatchOutcome> {
    const { store, clock, logger } = this.#o;
    const state = await store.getSinkState(sink.id);
    if (!options.ignoreBackoff && state.nextAttemptAt > clock.now()) return { kind: 'waiting', untilMs: state.nextAttemptAt };
    const batch = await store.readSinkBatch(sink.id, { maxEvents: this.#o.batchSize ?? 1000, logTypes: sink.logTypes });
    if (batch.to.seq === batch.from.seq && batch.to.xid === batch.from.xid) return { kind: 'idle' };
    const module = sinkFor(sink.kind);
    const format = formatFor(sink.format);
    let error: SendError | undefined;
    let delivered: string[] = [];
    let rejected: Array<{ rowId: string; reason: string }> = [];
    // Events the sink's field filter leaves out are passed by the cursor without being sent.
    const clauses = parseFieldFilter(sink.fieldFilters);
    if (typeof clauses === 'string') error = { retryable: false, message: `the sink's field filter: ${clauses}`, fix: 'Correct the filter (PATCH /api/sinks/:id).' };
    const events = typeof clauses === 'string' ? [] : batch.events.filter((e) => matchesFieldFilter(e.event, clauses));
    if (events.length > 0) {
      try {
        const formatted = [];
        for (const event of events) {
          try {
            formatted.push(formatEvent(format, event));
          } catch (e) {
            rejected.push({ rowId: event.rowId, reason: `format ${sink.format}: ${e instanceof Error ? e.message : String(e)}` });
          }
        }
        const outcome = await module.send(formatted, await this.#context(sink));
        error = outcome.error;
        delivered = outcome.delivered;
        rejected = [...rejected, ...outcome.rejected];
        if (!error) {
          const answered = new Set([...delivered, ...rejected.map((r) => r.rowId)]);
          const missing = events.filter((e) => !answered.has(e.rowId)).length;
          if (missing > 0)
            error = { retryable: true, message: `the ${sink.kind} sink confirmed ${events.length - missing} of ${events.length} events`, fix: 'The batch is retried.' };
        }
      } catch (e) {
        error = { retryable: true, message: e instanceof Error ? e.message : String(e), fix: 'The batch is retried; see the log.' };
      }
    }
    // Coverage records go after the batch's events, in their own send (docs/coverage-digest.md).
    if (!error && batch.coverage && batch.coverage.length > 0) {
      const sent = await sendCoverage(module, batch.coverage, format, await this.#context(sink), sink.kind);
      error = sent.error;
      delivered = [...delivered, ...sent.delivered];
      rejected = [...rejected, ...sent.rejected];
    }
    const now = clock.now();
    if (error) {
      const retryAt = now + Math.min(SINK_RETRY.maxMs, SINK_RETRY.baseMs * 2 ** state.consecutiveFailures) * (error.retryable ? 1 : 4);
      await store.recordSinkFailure(sink.id, { error, nextAttemptAt: retryAt, now });
      await this.#closeContext(sink.id);
      logger.warn(
        { sink: sink.name, failures: state.consecutiveFailures + 1, retryAt: new Date(retryAt).toISOString() },
        `forwarding to sink ${sink.name} failed: ${error.message}`,
      );
      return { kind: 'failed', error, retryAt };
    }
    const advanced = await store.advanceSink(sink.id, { from: batch.from, to: batch.to, delivered: delivered.length, deadLetters: rejected, storedAt: batch.lastStoredAt, now });
    if (!advanced) return { kind: 'lost' };
    if (rejected.length > 0) logger.warn({ sink: sink.name, rejected: rejected.length }, `sink ${sink.name} refused ${rejected.length} events (dead letters)`);
    return { kind: 'sent', delivered: delivered.length, rejected: rejected.length, full: batch.events.length >= (this.#o.batchSize ?? 1000) };
  }

  /**
   * Delivers everything pending to the given sinks (default every sink not
   * paused), ignoring backoff, until each is caught up or fails once. The
   * sinks flush side by side (each its own batches in order), so a slow or
   * down sink delays no other; the results come in the order of the sinks.
   */
  async flush(sinks?: readonly SinkRecord[]): Promise<FlushResult[]> {
    const targets = sinks ?? (await this.#o.store.listSinks()).filter((s) => !s.paused);
    try {
      const settled = await Promise.allSettled(targets.map((sink) => this.#flushSink(sink)));
      const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
      return settled.map((r) => (r as PromiseFulfilledResult<FlushResult>).value);
    } finally {
      await this.close();
    }
  }

  /** One sink's backlog, batch after batch, until it is caught up or fails once. */
  async #flushSink(sink: SinkRecord): Promise<FlushResult> {
    const result: FlushResult = { sink, delivered: 0, rejected: 0 };
    for (;;) {
      const outcome = await this.forwardBatch(sink, { ignoreBackoff: true });
      if (outcome.kind === 'sent') {
        result.delivered += outcome.delivered;
        result.rejected += outcome.rejected;
        continue;
      }
      if (outcome.kind === 'failed') result.error = outcome.error;
      if (outcome.kind === 'lost') continue; // re-read from the cursor the other instance left
      return result;
    }
  }

  /** Forwards until `signal` aborts: one loop per sink (sinks added, paused or removed are picked up every `sinkRefreshMs`). */
  async run(signal: AbortSignal): Promise<void> {
    const loops = new Map<string, { stop: AbortController; done: Promise<void> }>();
    const refreshMs = this.#o.sinkRefreshMs ?? 30_000;
    try {
      while (!signal.aborted) {
        let sinks: SinkRecord[] = [];
        try {
          sinks = (await this.#o.store.listSinks()).filter((s) => !s.paused);
        } catch (error) {
          this.#o.logger.error({ err: error }, 'cannot list the sinks; retrying');
        }
        const wanted = new Map(sinks.map((s) => [s.id, s]));
        for (const [id, loop] of loops) {
          if (!wanted.has(id)) {
            loop.stop.abort();
            await loop.done;
            loops.delete(id);
            await this.#closeContext(id);
          }
        }
        for (const sink of sinks) {
          if (loops.has(sink.id)) continue;
          const stop = new AbortController();
          signal.addEventListener('abort', () => stop.abort(), { once: true });
          loops.set(sink.id, { stop, done: this.#sinkLoop(sink, stop.signal) });
        }
        await this.#o.clock.sleep(refreshMs, signal).catch(() => undefined);
      }
    } finally {
      for (const loop of loops.values()) loop.stop.abort();
      await Promise.all([...loops.values()].map((l) => l.done));
      await this.close();
    }
  }

  /** Releases the sinks' connections. */
  async close(): Promise<void> {
    for (const id of [...this.#contexts.keys()]) await this.#closeContext(id);
  }

  async #sinkLoop(sink: SinkRecord, signal: AbortSignal): Promise<void> {
    const waitMs = this.#o.batchWaitMs ?? 5_000;
    const lease = this.#o.lease;
    let held: SinkLease | null = null;
    while (!signal.aborted) {
      let sleepMs = waitMs;
      try {
        if (lease) {
          held = await lease.store.acquireSinkLease(sink.id, lease.owner, lease.ttlMs);
          if (!held) {
            // Another instance sends this sink; look again within its lease's life.
            await this.#closeContext(sink.id);
            await this.#sleep(Math.min(waitMs, lease.ttlMs / 2), signal);
            continue;
          }
        }
        const outcome = await this.forwardBatch(sink);
        if (outcome.kind === 'sent' && outcome.full) continue;
        if (outcome.kind === 'lost') continue;
        if (outcome.kind === 'waiting' || outcome.kind === 'failed') sleepMs = Math.max(0, (outcome.kind === 'waiting' ? outcome.untilMs : outcome.retryAt) - this.#o.clock.now());
      } catch (error) {
        this.#o.logger.error({ err: error, sink: sink.name }, `forwarding to sink ${sink.name} failed; retrying`);
      }
      await this.#sleep(sleepMs, signal);
    }
    if (lease && held) await lease.store.releaseSinkLease(held).catch(() => undefined);
  }

  async #sleep(ms: number, signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    const onAbort = () => woken.abort();
    const wake = () => woken.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#wakers.add(wake);
    try {
      await this.#o.clock.sleep(ms, woken.signal).catch(() => undefined);
    } finally {
      this.#wakers.delete(wake);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #context(sink: SinkRecord): Promise<SinkContext> {
    let context = this.#contexts.get(sink.id)?.context;
    if (!context) {
      context = await openSinkContext(sink, this.#o);
      this.#contexts.set(sink.id, { kind: sink.kind, context });
    }
    return context;
  }

  async #closeContext(sinkId: string): Promise<void> {
    const held = this.#contexts.get(sinkId);
    this.#contexts.delete(sinkId);
    if (held)
      await sinkFor(held.kind)
        .close?.(held.context)
        .catch(() => undefined);
  }
}
