import type { ReadWorker, ReadWorkerPool } from './read-worker-pool.js';
import type { ReadBatch, ReadOps } from './sqlite-read-protocol.js';
import type { ClassificationFailure, EventQuery, FailureQuery, StoredEvent } from './store.js';

/**
 * EventReader's long reads (streams, counts, histogram), run by the read
 * workers' EventReader instead of on the calling thread. Streams pull one
 * batch (one query) at a time and ask for the next while the caller consumes
 * the current one: at most two batches are held, and nothing is read ahead
 * of a caller that stops.
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
    try {
      for (;;) {
        const next = batch.done ? undefined : more(worker, batch.cursor);
        next?.catch(() => undefined); // awaited below; a caller that stops early does not see its failure
        yield* decode(batch);
        if (!next) return;
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
