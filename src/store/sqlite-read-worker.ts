import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { EventReader } from './event-reader.js';
import { serializeError, type SqliteReadWorkerData } from './read-worker-protocol.js';
import { serveReads } from './read-worker-server.js';
import type { StoreTables } from './store-tables.js';
import { openReadOnlySqliteDatabase } from './sqlite-database.js';

// The SQLite store's read worker (a worker thread; sqlite-store.ts starts it through ReadWorkerPool):
// the same EventReader as the store's, on a read-only connection to the same
// file, so the long reads (export, search, counts, histograms) never hold the
// main thread. In WAL mode each read sees every transaction committed before it
// started. A failure to open the file throws here: the pool reports it as a crash.

if (!parentPort) throw new Error('sqlite-read-worker.js runs as a worker thread (started by the SQLite store), not on its own.');
const { file, batchSize } = workerData as SqliteReadWorkerData;

const reader = new EventReader(new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: openReadOnly(file) }) }), batchSize, 'sqlite');
serveReads(parentPort, reader, batchSize);

function openReadOnly(path: string): Database.Database {
  try {
    return openReadOnlySqliteDatabase(path);
  } catch (error) {
    // Wrapped in a plain Error: Node passes a worker's uncaught SqliteError to the pool without its name and message.
    const { name, message } = serializeError(error);
    throw new Error(`${name}: ${message} (opening ${path} read-only)`, { cause: error });
  }
}
