import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { EventReader } from './event-reader.js';
import { serializeError, type ReadBatch, type ReadOps, type ReadWorkerData, type RequestMessage } from './sqlite-read-protocol.js';
import type { StoreTables } from './store-tables.js';

// The SQLite store's read worker (a worker thread; started by SqliteReadPool):
// the same EventReader as the store's, on a read-only connection to the same
// file, so the long reads (export, search, counts, histograms) never hold the
// main thread. In WAL mode each read sees every transaction committed before it
// started. A failure to open the file throws here: the pool reports it as a crash.

if (!parentPort) throw new Error('sqlite-read-worker.js runs as a worker thread (started by the SQLite store), not on its own.');
const port = parentPort;
const { file, batchSize } = workerData as ReadWorkerData;

const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const reader = new EventReader(new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: db }) }), batchSize, 'sqlite');

/** Open streams by cursor id (the id of the request that opened them). */
const cursors = new Map<number, AsyncIterator<unknown>>();

async function pull<T>(cursor: number, iterator: AsyncIterator<T>): Promise<ReadBatch<T>> {
  const items: T[] = [];
  try {
    // Exactly one batch: the reader queries again only when asked for the row after a full batch.
    while (items.length < batchSize) {
      const next = await iterator.next();
      if (next.done) {
        cursors.delete(cursor);
        return { cursor, items, done: true };
      }
      items.push(next.value);
    }
  } catch (error) {
    cursors.delete(cursor);
    throw error;
  }
  return { cursor, items, done: false };
}

function open<T>(cursor: number, iterable: AsyncIterable<T>): Promise<ReadBatch<T>> {
  const iterator = iterable[Symbol.asyncIterator]();
  cursors.set(cursor, iterator);
  return pull(cursor, iterator);
}

function resume<T>(cursor: number): Promise<ReadBatch<T>> {
  const iterator = cursors.get(cursor) as AsyncIterator<T> | undefined;
  if (!iterator) throw new Error(`The read worker has no open stream ${cursor}: it ended, failed, or the worker was restarted. Run the read again.`);
  return pull(cursor, iterator);
}

type Handlers = { [K in keyof ReadOps]: (request: ReadOps[K]['request'], id: number) => Promise<ReadOps[K]['result']> };

const handlers: Handlers = {
  events: ({ query }, id) => open(id, reader.events(query)),
  moreEvents: ({ cursor }) => resume(cursor),
  failures: ({ query }, id) => open(id, reader.failures(query)),
  moreFailures: ({ cursor }) => resume(cursor),
  closeCursor: async ({ cursor }) => {
    const iterator = cursors.get(cursor);
    cursors.delete(cursor);
    await iterator?.return?.();
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
