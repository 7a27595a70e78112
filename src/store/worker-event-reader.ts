import type { ReadWorker, ReadWorkerPool } from './read-worker-pool.js';
import type { ExportChunk, ReadBatch, ReadOps } from './read-worker-protocol.js';
import type { ClassificationFailure, EventQuery, ExportChunks, ExportFormat, ExportQuery, FailureQuery, StoredEvent } from './store.js';

/**
 * Batches a stream asks for beyond the one its caller consumes: enough that
 * neither thread waits on the other's wake-up (costly on a loaded machine),
 * few enough to bound memory (1 + 3 batches of `batchSize` rows, or of an
 * export's chunks).
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
      decode,
    );
  }

  /**
   * Store.exportEvents: the worker makes the text; its chunks arrive as bytes,
   * written as they are. A chunk given back (`recycle`) goes back to the worker
   * with the next request, its buffer transferred: the worker encodes a later
   * chunk into it.
   */
  exportEvents(query: ExportQuery, format: ExportFormat): ExportChunks {
    const received = new WeakSet<ArrayBufferLike>();
    let recycled: ArrayBuffer[] = [];
    const chunks = this.stream(
      (worker) => worker.request('exportEvents', { query, format }),
      (worker, cursor) => {
        const give = recycled;
        recycled = [];
        return worker.request('moreExport', { cursor, recycled: give }, give);
      },
      (chunk: ExportChunk) => {
        received.add(chunk.bytes.buffer);
        return chunkBytes(chunk);
      },
    );
    return {
      [Symbol.asyncIterator]: () => chunks,
      recycle: (chunk) => {
        const { buffer } = chunk;
        // Only a buffer that came from the worker, once (the same chunk given back twice is not sent twice).
        if (buffer instanceof ArrayBuffer && received.delete(buffer)) recycled.push(buffer);
      },
    };
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
      decode,
    );
  }

  countFailures(query: Omit<FailureQuery, 'limit'>): Promise<number> {
    return this.pool.request('countFailures', { query });
  }

  private async *stream<B extends { cursor: number; done: boolean }, T>(
    open: (worker: ReadWorker<ReadOps>) => Promise<B>,
    more: (worker: ReadWorker<ReadOps>, cursor: number) => Promise<B>,
    items: (batch: B) => T[],
  ): AsyncGenerator<T> {
    const worker = this.pool.pick(); // the stream's cursor lives in this worker
    let batch = await open(worker);
    const ahead: Array<Promise<B>> = [];
    try {
      for (;;) {
        while (!batch.done && ahead.length < BATCHES_AHEAD) {
          const next = more(worker, batch.cursor);
          next.catch(() => undefined); // awaited in turn; a caller that stops early does not see its failure
          ahead.push(next);
        }
        yield* items(batch);
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

/** The chunk's bytes (none once the export has ended), as a Buffer over them: no copy. */
function chunkBytes(chunk: ExportChunk): Uint8Array[] {
  const { bytes } = chunk;
  return bytes.byteLength === 0 ? [] : [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)];
}
