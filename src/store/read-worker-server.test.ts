import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { eventExportChunks } from './event-export-chunks.js';
import type { EventReader, EventRow } from './event-reader.js';
import { operationEventRow } from './operation-event-row.test-support.js';
import { EXPORT_CHUNK_BYTES, ExportChunkBuffers } from './export-chunk-buffers.js';
import { ReadWorker, type ReadWorkerPool } from './read-worker-pool.js';
import type { ExportChunk, ReadOps } from './read-worker-protocol.js';
import { serveReads } from './read-worker-server.js';
import { WorkerEventReader } from './worker-event-reader.js';

// The worker's side of the protocol, on a channel in this thread: what it reads
// for an export, and that a stream closed early stops its reads.

const ROWS = 10_000;
const BIG = 'x'.repeat(2000); // about 32 events per 64 KB chunk

let ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports) port.close();
  ports = [];
});

/** A reader whose rows are counted as they are pulled, and which notes when its stream is ended. */
function countingReader() {
  const state = { pulled: 0, ended: false };
  const reader = {
    async *eventBatches() {
      try {
        for (let i = 0; i < ROWS; i++) {
          state.pulled++;
          yield [operationEventRow(i, BIG)];
        }
      } finally {
        state.ended = true;
      }
    },
  } as unknown as EventReader;
  return { reader, state };
}

/** `serveReads` on one end of a channel; the pool's ReadWorker (what the store uses) on the other. */
function serve(reader: EventReader): ReadWorker<ReadOps> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  serveReads(port2, reader, 100);
  return new ReadWorker<ReadOps>(Object.assign(port1, { terminate: async () => 0 }) as never);
}

describe('serveReads', () => {
  it('answers an export with whole lines of text, one chunk per request, and reads no further than asked', async () => {
    const { reader, state } = countingReader();
    const worker = serve(reader);
    const first: ExportChunk = await worker.request('exportEvents', { query: {}, format: 'ndjson' });
    const text = new TextDecoder().decode(first.bytes);
    expect(first.done).toBe(false);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n').slice(0, -1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ action: 'Update', p_row_id: 'r0', p_log_type: 'Zoom.Operation' });
    // One chunk's events, and the one after it at most (the chunk is cut after a line): the rest waits for a request.
    expect(state.pulled).toBeLessThanOrEqual(lines.length + 1);

    const second = await worker.request('moreExport', { cursor: first.cursor });
    expect(JSON.parse(new TextDecoder().decode(second.bytes).split('\n')[0]!)).toMatchObject({ p_row_id: `r${lines.length}` });
    expect(state.ended).toBe(false);

    // Closed early (the client went away): the reader's stream is ended, nothing more is read.
    await worker.request('closeCursor', { cursor: first.cursor });
    expect(state.ended).toBe(true);
    const pulled = state.pulled;
    expect(pulled).toBeLessThan(ROWS);
    expect(await worker.request('moreExport', { cursor: first.cursor })).toMatchObject({ done: true, bytes: new Uint8Array(0) });
    expect(state.pulled).toBe(pulled);
  });
});

describe('export chunk buffers', () => {
  /** Rows whose text crosses chunk and buffer boundaries: multi-byte characters (2, 3 and 4 bytes) and one line longer than a buffer. */
  function textReader() {
    const rows: EventRow[] = [];
    for (let i = 0; i < 2000; i++) {
      const detail = i === 1000 ? '€'.repeat(EXPORT_CHUNK_BYTES) : `é€😀${'y'.repeat(i % 7 === 0 ? 5000 : 900)}`;
      rows.push(operationEventRow(i, detail));
    }
    const reader = {
      async *eventBatches() {
        for (let i = 0; i < rows.length; i += 50) yield rows.slice(i, i + 50);
      },
    } as unknown as EventReader;
    return { reader, rows };
  }

  async function mainThreadText(rows: EventRow[], format: 'ndjson' | 'csv'): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    async function* batches() {
      yield rows;
    }
    for await (const chunk of eventExportChunks(batches(), { logType: 'Zoom.Operation' }, format)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  /** WorkerEventReader over `serveReads` on a channel in this thread, with the worker's chunk buffers to count. */
  function workerReader(reader: EventReader) {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const buffers = new ExportChunkBuffers();
    serveReads(port2, reader, 100, buffers);
    const worker = new ReadWorker<ReadOps>(Object.assign(port1, { terminate: async () => 0 }) as never);
    const pool = { pick: () => worker, request: () => Promise.reject(new Error('not used')) } as unknown as ReadWorkerPool<ReadOps>;
    return { events: new WorkerEventReader(pool), buffers };
  }

  it.each(['ndjson', 'csv'] as const)('gives the same %s bytes as the main thread, reusing the buffers given back', async (format) => {
    const { reader, rows } = textReader();
    const { events, buffers } = workerReader(reader);
    const chunks = events.exportEvents({ logType: 'Zoom.Operation' }, format);
    const parts: Buffer[] = [];
    for await (const chunk of chunks) {
      parts.push(Buffer.from(chunk)); // a copy: the chunk's bytes are the worker's again once given back
      chunks.recycle?.(chunk);
    }
    const expected = await mainThreadText(rows, format);
    expect(parts.length).toBeGreaterThan(20);
    expect(Buffer.concat(parts).equals(expected)).toBe(true);
    // The chunks in flight (the one read, the requests ahead, and the buffers of the chunk with the long line), not one buffer per chunk.
    expect(buffers.allocated).toBeLessThanOrEqual(8);
  });

  it('allocates a buffer per chunk when none is given back, with the same bytes', async () => {
    const { reader, rows } = textReader();
    const { events, buffers } = workerReader(reader);
    const parts: Uint8Array[] = [];
    for await (const chunk of events.exportEvents({ logType: 'Zoom.Operation' }, 'ndjson')) parts.push(chunk);
    expect(Buffer.concat(parts).equals(await mainThreadText(rows, 'ndjson'))).toBe(true);
    expect(buffers.allocated).toBe(parts.length);
  });
});
