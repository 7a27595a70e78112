import type { MessagePort, Transferable } from 'node:worker_threads';
import { eventExportChunks } from './event-export-chunks.js';
import type { EventReader } from './event-reader.js';
import { EXPORT_CHUNK_BYTES, ExportChunkBuffers } from './export-chunk-buffers.js';
import { serializeError, type ExportChunk, type ReadBatch, type ReadOps, type RequestMessage } from './read-worker-protocol.js';

/**
 * A read worker's side of the protocol (read-worker-protocol.ts): answers each
 * request from `port` with `reader` (an EventReader on the worker's own
 * connection), `batchSize` items per batch of a stream. Started by the store's
 * worker script (sqlite-read-worker.ts, postgres-read-worker.ts) once its
 * connection is open. Export chunks are encoded into `buffers`, which the
 * main thread gives back as it writes them.
 */
export function serveReads(port: MessagePort, reader: EventReader, batchSize: number, buffers = new ExportChunkBuffers()): void {
  /** Open streams by cursor id (the id of the request that opened them). */
  const cursors = new Map<number, Cursor<unknown>>();

  function open<T>(id: number, iterable: AsyncIterable<T>, perBatch: number): Promise<Batch<T>> {
    const cursor = new Cursor(id, iterable[Symbol.asyncIterator](), perBatch, cursors);
    cursors.set(id, cursor);
    return cursor.next();
  }

  async function resume<T>(id: number): Promise<Batch<T>> {
    const cursor = cursors.get(id) as Cursor<T> | undefined;
    return cursor ? cursor.next() : { items: [], done: true };
  }

  const handlers: Handlers = {
    events: async ({ query }, id) => asJson(id, await open(id, reader.events(query), batchSize)),
    moreEvents: async ({ cursor }) => asJson(cursor, await resume(cursor)),
    exportEvents: async ({ query, format }, id) => asChunk(id, await open(id, eventExportChunks(reader.eventBatches({ ...query, order: 'asc' }), query, format, buffers), 1)),
    moreExport: async ({ cursor, recycled }) => {
      for (const buffer of recycled ?? []) buffers.give(buffer);
      return asChunk(cursor, await resume(cursor));
    },
    failures: async ({ query }, id) => asJson(id, await open(id, reader.failures(query), batchSize)),
    moreFailures: async ({ cursor }) => asJson(cursor, await resume(cursor)),
    closeCursor: async ({ cursor }) => {
      await cursors.get(cursor)?.close();
      return null;
    },
    countEvents: ({ query }) => reader.countEvents(query),
    eventHistogram: ({ query, fromMs, toMs, bucketMs }) => reader.histogram(query, fromMs, toMs, bucketMs),
    countFailures: ({ query }) => reader.countFailures(query),
  };

  async function answer<K extends keyof ReadOps>(message: RequestMessage<ReadOps, K>): Promise<void> {
    try {
      const handler: Handlers[K] = handlers[message.op];
      const result = await handler(message.request, message.id);
      port.postMessage({ id: message.id, ok: true, result }, transferOf(result));
    } catch (error) {
      port.postMessage({ id: message.id, ok: false, error: serializeError(error) });
    }
  }

  port.on('message', (message: RequestMessage) => void answer(message));
}

type Handlers = { [K in keyof ReadOps]: (request: ReadOps[K]['request'], id: number) => Promise<ReadOps[K]['result']> };

/** One batch of a stream's items, and whether the stream has ended. */
interface Batch<T> {
  items: T[];
  done: boolean;
}

function asJson<T>(cursor: number, batch: Batch<T>): ReadBatch<T> {
  return { cursor, json: JSON.stringify(batch.items), done: batch.done };
}

const NO_BYTES = new Uint8Array(0);

function asChunk(cursor: number, batch: Batch<Uint8Array>): ExportChunk {
  return { cursor, bytes: batch.items[0] ?? NO_BYTES, done: batch.done };
}

/**
 * An export chunk's buffer, moved to the main thread rather than copied: one
 * of ExportChunkBuffers' (the chunk's bytes at its start), or one the bytes
 * fill. Never a buffer shared with other data (such as Node's Buffer pool).
 */
function transferOf(result: unknown): Transferable[] {
  const bytes = typeof result === 'object' && result !== null ? (result as Partial<ExportChunk>).bytes : undefined;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) return [];
  const buffer = bytes.buffer;
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0) return [];
  return bytes.byteLength === buffer.byteLength || buffer.byteLength === EXPORT_CHUNK_BYTES ? [buffer] : [];
}

/**
 * An open stream: an iterator, `perBatch` items per request (a batch of events
 * is one query; an export chunk is one item). The main thread keeps a few
 * requests ahead of what it consumes (so neither thread waits on the other's
 * wake-up); they are answered in order, one at a time, so the worker never runs
 * further ahead than that. The cursor is dropped when its last batch is read,
 * when a read fails, or when the main thread closes it (the iterator is
 * returned: the reader's queries stop).
 */
class Cursor<T> {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: number,
    private readonly iterator: AsyncIterator<T>,
    private readonly perBatch: number,
    private readonly cursors: Map<number, Cursor<unknown>>,
  ) {}

  next(): Promise<Batch<T>> {
    const batch = this.#queue.then(() => this.#read());
    this.#queue = batch.catch(() => undefined);
    return batch;
  }

  async close(): Promise<void> {
    this.cursors.delete(this.id);
    await this.#queue;
    await this.iterator.return?.();
  }

  /** Exactly one batch: the reader queries again only when asked for the row after a full batch. */
  async #read(): Promise<Batch<T>> {
    if (!this.cursors.has(this.id)) return { items: [], done: true };
    const items: T[] = [];
    try {
      while (items.length < this.perBatch) {
        const next = await this.iterator.next();
        if (next.done) {
          this.cursors.delete(this.id);
          return { items, done: true };
        }
        items.push(next.value);
      }
    } catch (error) {
      this.cursors.delete(this.id);
      throw error;
    }
    return { items, done: false };
  }
}
