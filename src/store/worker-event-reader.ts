import type { ReadWorker, ReadWorkerPool } from './read-worker-pool.js';
import type { ReadBatch, ReadOps } from './sqlite-read-protocol.js';
import type { ClassificationFailure, EventQuery, FailureQuery, StoredEvent } from './store.js';

/**
 * Batches a stream asks for beyond the one its caller consumes: enough that
 * neither thread waits on the other's wake-up (costly on a loaded machine),
 * few enough to bound memory (1 + 3 batches of `batchSize` rows).
 */
const BATCHES_AHEAD = 3;

/**
 * EventReader's long reads (streams, counts, histogram), run by the read
 * workers' EventReader instead of on the calling thread. Streams pull one
 * batch (one query) per request, BATCHES_AHEAD requests ahead of the caller:
 * a caller that stops reading stops the reads (backpressure); one that stops
 * early closes the worker's cursor.
 */
export class WorkerEventReader {
  constructor(private readonly pool: ReadWorkerPool<ReadOps>) {}

  events(query: EventQuery): AsyncIterable<StoredEvent> {
    return this.stream(
      (worker) => worker.request('events', { query }),
      (worker, cursor) => worker.request('moreEvents', { cursor }),
    );
  }

  countEvents(query: Omit<EventQuery, 'limit'>): Promise<number> {
    return this.pool.request('countEvents', { query });
  }

  histogram(query: Omit<EventQuery, 'limit' | 'order' | 'after'>, fromMs: number, toMs: number, bucketMs: number): Promise<number[]> {
    return this.pool.request('eventHistogram', { query, fromMs, toMs, bucketMs });
  }

  failures(query: FailureQuery): AsyncIterable<ClassificationFailure> {
    return this.stream(
      (worker) => worker.request('failures', { query }),
      (worker, cursor) => worker.request('moreFailures', { cursor }),
    );
  }

  countFailures(query: Omit<FailureQuery, 'limit'>): Promise<number> {
    return this.pool.request('countFailures', { query });
  }

  private async *stream<T>(
    open: (worker: ReadWorker<ReadOps>) => Promise<ReadBatch<T>>,
    more: (worker: ReadWorker<ReadOps>, cursor: number) => Promise<ReadBatch<T>>,
  ): AsyncGenerator<T> {
    const worker = this.pool.pick(); // the stream's cursor lives in this worker
    let batch = await open(worker);
    const ahead: Array<Promise<ReadBatch<T>>> = [];
    try {
      for (;;) {
        while (!batch.done && ahead.length < BATCHES_AHEAD) {
          const next = more(worker, batch.cursor);
          next.catch(() => undefined); // awaited in turn; a caller that stops early does not see its failure
          ahead.push(next);
        }
        yield* decode(batch);
        const next = ahead.shift();
        if (batch.done || !next) return;
        batch = await next;
      }
    } finally {
      if (!batch.done && !worker.stopped) worker.request('closeCursor', { cursor: batch.cursor }).catch(() => undefined);
    }
  }
}

/** The batch's items, as the worker's EventReader yielded them (they crossed as JSON: see ReadBatch). */
function decode<T>(batch: ReadBatch<T>): T[] {
  return JSON.parse(batch.json) as T[];
}
