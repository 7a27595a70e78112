import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { EventReader } from './event-reader.js';
import { serializeError, type ReadBatch, type ReadOps, type ReadWorkerData, type RequestMessage } from './sqlite-read-protocol.js';
import type { StoreTables } from './store-tables.js';
import { openReadOnlySqliteDatabase } from './sqlite-database.js';

// The SQLite store's read worker (a worker thread; sqlite-store.ts starts it through ReadWorkerPool):
// the same EventReader as the store's, on a read-only connection to the same
// file, so the long reads (export, search, counts, histograms) never hold the
// main thread. In WAL mode each read sees every transaction committed before it
// started. A failure to open the file throws here: the pool reports it as a crash.

if (!parentPort) throw new Error('sqlite-read-worker.js runs as a worker thread (started by the SQLite store), not on its own.');
const port = parentPort;
const { file, batchSize } = workerData as ReadWorkerData;

const reader = new EventReader(new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: openReadOnly(file) }) }), batchSize, 'sqlite');

function openReadOnly(path: string): Database.Database {
  try {
    return openReadOnlySqliteDatabase(path);
  } catch (error) {
    // Wrapped in a plain Error: Node passes a worker's uncaught SqliteError to the pool without its name and message.
    const { name, message } = serializeError(error);
    throw new Error(`${name}: ${message} (opening ${path} read-only)`, { cause: error });
  }
}

/**
 * An open stream: EventReader's iterator, one batch (one query) per request.
 * The main thread keeps a few requests ahead of what it consumes (so neither
 * thread waits on the other's wake-up); they are answered in order, one at a
 * time. The cursor is dropped when its last batch is read, when a read fails,
 * or when the main thread closes it.
 */
class Cursor<T> {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: number,
    private readonly iterator: AsyncIterator<T>,
  ) {}

  next(): Promise<ReadBatch<T>> {
    const batch = this.#queue.then(() => this.#read());
    this.#queue = batch.catch(() => undefined);
    return batch;
  }

  async close(): Promise<void> {
    cursors.delete(this.id);
    await this.#queue;
    await this.iterator.return?.();
  }

  /** Exactly one batch: the reader queries again only when asked for the row after a full batch. */
  async #read(): Promise<ReadBatch<T>> {
    if (!cursors.has(this.id)) return ended(this.id);
    const items: T[] = [];
    try {
      while (items.length < batchSize) {
        const next = await this.iterator.next();
        if (next.done) {
          cursors.delete(this.id);
          return { cursor: this.id, json: JSON.stringify(items), done: true };
        }
        items.push(next.value);
      }
    } catch (error) {
      cursors.delete(this.id);
      throw error;
    }
    return { cursor: this.id, json: JSON.stringify(items), done: false };
  }
}

/** The answer to a request for a stream that has ended (read ahead past its end) or was closed. */
function ended<T>(cursor: number): ReadBatch<T> {
  return { cursor, json: '[]', done: true };
}

/** Open streams by cursor id (the id of the request that opened them). */
const cursors = new Map<number, Cursor<unknown>>();

function open<T>(id: number, iterable: AsyncIterable<T>): Promise<ReadBatch<T>> {
  const cursor = new Cursor(id, iterable[Symbol.asyncIterator]());
  cursors.set(id, cursor);
  return cursor.next();
}

async function resume<T>(id: number): Promise<ReadBatch<T>> {
  const cursor = cursors.get(id) as Cursor<T> | undefined;
  return cursor ? cursor.next() : ended(id);
}

type Handlers = { [K in keyof ReadOps]: (request: ReadOps[K]['request'], id: number) => Promise<ReadOps[K]['result']> };

const handlers: Handlers = {
  events: ({ query }, id) => open(id, reader.events(query)),
  moreEvents: ({ cursor }) => resume(cursor),
  failures: ({ query }, id) => open(id, reader.failures(query)),
  moreFailures: ({ cursor }) => resume(cursor),
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
    port.postMessage({ id: message.id, ok: true, result });
  } catch (error) {
    port.postMessage({ id: message.id, ok: false, error: serializeError(error) });
  }
}

port.on('message', (message: RequestMessage) => void answer(message));
