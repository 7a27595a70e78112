import { parentPort, workerData } from 'node:worker_threads';
import { Kysely } from 'kysely';
import { CurrentSchemaPostgresDialect } from './current-schema-postgres-dialect.js';
import { EventReader } from './event-reader.js';
import { openPostgresPool } from './postgres-pool.js';
import type { PostgresReadWorkerData } from './read-worker-protocol.js';
import { serveReads } from './read-worker-server.js';
import type { StoreTables } from './store-tables.js';

// The PostgreSQL store's read worker (a worker thread; postgres-store.ts starts it through ReadWorkerPool):
// the same EventReader as the store's, on connections of its own with the
// store's session settings (search path included), so the long reads (export,
// search, counts, histograms) and the parsing of their rows never hold the main
// thread. Each query sees what was committed before it started, as the store's
// own would. Connections are made on the first read; a failure to connect fails that read.

if (!parentPort) throw new Error('postgres-read-worker.js runs as a worker thread (started by the PostgreSQL store), not on its own.');
const { url, options, maxConnections, applicationName, batchSize } = workerData as PostgresReadWorkerData;

const pool = openPostgresPool({ url, max: maxConnections, options, applicationName });
const reader = new EventReader(new Kysely<StoreTables>({ dialect: new CurrentSchemaPostgresDialect({ pool }) }), batchSize, 'postgres');
serveReads(parentPort, reader, batchSize);
