import Database from 'better-sqlite3';
import type { ClassificationFailure, EventQuery, ExportFormat, ExportQuery, FailureQuery, StoredEvent } from './store.js';

/**
 * The messages between a store and its read workers (sqlite-read-worker.ts,
 * postgres-read-worker.ts; both answer through read-worker-server.ts). Each
 * request runs one of EventReader's reads on the worker's own connection.
 * Streams are cursors held by the worker: the first request opens one and
 * answers its first batch, each `more*` answers the next batch (one query, or
 * one chunk of export text), so the main thread pulls batch by batch.
 */
export type ReadOps = {
  events: { request: { query: EventQuery }; result: ReadBatch<StoredEvent> };
  moreEvents: { request: { cursor: number }; result: ReadBatch<StoredEvent> };
  /** The export text (NDJSON or CSV) of the matching events, oldest first: see Store.exportEvents. */
  exportEvents: { request: { query: ExportQuery; format: ExportFormat }; result: ExportChunk };
  /** `recycled`: buffers of earlier chunks the main thread has written (transferred back: the worker encodes later chunks into them). */
  moreExport: { request: { cursor: number; recycled?: ArrayBuffer[] }; result: ExportChunk };
  failures: { request: { query: FailureQuery }; result: ReadBatch<ClassificationFailure> };
  moreFailures: { request: { cursor: number }; result: ReadBatch<ClassificationFailure> };
  /** Drops a cursor the main thread stopped reading (unknown cursors are ignored). */
  closeCursor: { request: { cursor: number }; result: null };
  countEvents: { request: { query: Omit<EventQuery, 'limit'> }; result: number };
  eventHistogram: { request: { query: Omit<EventQuery, 'limit' | 'order' | 'after'>; fromMs: number; toMs: number; bucketMs: number }; result: number[] };
  countFailures: { request: { query: Omit<FailureQuery, 'limit'> }; result: number };
};

/** What a worker answers requests of: each operation's request and result. */
export type OpMap = Record<string, { request: unknown; result: unknown }>;

/**
 * One batch of a stream. The items travel as one JSON string (events and
 * failures are plain JSON values): the main thread parses it in a third of
 * the time a structured clone of the same objects takes to deserialize.
 */
export interface ReadBatch<T> {
  cursor: number;
  /** `JSON.stringify` of the batch's items (`T[]`). */
  json: string;
  /** True when the stream has ended (the worker has dropped the cursor). */
  done: boolean;
  /** Type-only: what `json` holds. */
  readonly __items?: T[];
}

/**
 * One chunk of an export's text as UTF-8 bytes, a view over the start of one
 * of the worker's chunk buffers (ExportChunkBuffers): the worker transfers
 * the buffer (no copy), the main thread writes the bytes as they are and
 * transfers the buffer back once written (`moreExport`'s `recycled`).
 */
export interface ExportChunk {
  cursor: number;
  /** Empty once the export has ended. */
  bytes: Uint8Array;
  /** True when the export has ended (the worker has dropped the cursor). */
  done: boolean;
}

/** What the SQLite read worker is started with (`workerData`). */
export interface SqliteReadWorkerData {
  /** The database file (the store's, opened read-only). */
  file: string;
  /** Rows per query, as the store's own EventReader. */
  batchSize: number;
}

/** What the PostgreSQL read worker is started with (`workerData`). */
export interface PostgresReadWorkerData {
  /** The store's connection URL (the worker opens connections of its own). */
  url: string;
  /** The store's connection `options` (its session settings and search path). */
  options: string;
  /** Connections of the worker at most. */
  maxConnections: number;
  /** The connections' `application_name` (readWorkerApplicationName). */
  applicationName: string;
  /** Rows per query, as the store's own EventReader. */
  batchSize: number;
}

export interface RequestMessage<Ops extends OpMap = ReadOps, K extends keyof Ops & string = keyof Ops & string> {
  id: number;
  op: K;
  request: Ops[K]['request'];
}

export type ReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedError };

/** An error as it crosses the thread boundary: rebuilt on the main thread as the same class where it is a known one. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), ...(error.stack ? { stack: error.stack } : {}) };
}

const BUILT_IN: Record<string, new (message: string) => Error> = { Error, RangeError, TypeError, SyntaxError, ReferenceError };

/**
 * The error `serializeError` described, as the class the in-process read would
 * have thrown: better-sqlite3's SqliteError (with its code) and the built-in
 * error classes; any other class becomes an Error keeping its name and code.
 * The stack is the worker's, where the query ran.
 */
export function deserializeError(serialized: SerializedError): Error {
  let error: Error;
  if (serialized.name === 'SqliteError') {
    error = new Database.SqliteError(serialized.message, serialized.code ?? 'SQLITE_ERROR');
  } else {
    const Builtin = BUILT_IN[serialized.name];
    error = Builtin ? new Builtin(serialized.message) : Object.assign(new Error(serialized.message), { name: serialized.name });
    if (serialized.code !== undefined) Object.assign(error, { code: serialized.code });
  }
  if (serialized.stack) error.stack = `${serialized.stack}\n    (in the read worker)`;
  return error;
}
