import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import type { EventReader } from '../store/event-reader.js';
import { operationEventRow } from '../store/operation-event-row.test-support.js';
import { ReadWorker, type ReadWorkerPool } from '../store/read-worker-pool.js';
import type { ReadOps } from '../store/read-worker-protocol.js';
import { serveReads } from '../store/read-worker-server.js';
import type { ExportChunks } from '../store/store.js';
import { WorkerEventReader } from '../store/worker-event-reader.js';
import { ExportBody } from './export-body.js';

// The export's response body over a real HTTP connection: chunks given back
// to the store only once the response has written them, and a client that
// goes away ends the store's stream.

const CHUNK = 4 * 1024; // smaller than the response's high-water mark: writes return true while earlier chunks still wait in its queue
const CHUNKS = 3000;

/**
 * Chunks as the read worker hands them: a few buffers, each filled with the
 * next chunk's bytes once given back, so that a chunk given back before the
 * response wrote it reaches the client with another chunk's bytes.
 */
function workerLikeChunks() {
  const state = { allocated: 0, recycled: 0 };
  const free: Uint8Array[] = [];
  let ended!: () => void;
  const streamEnded = new Promise<void>((resolve) => (ended = resolve));
  async function* generate(): AsyncGenerator<Uint8Array> {
    try {
      for (let i = 0; i < CHUNKS; i++) {
        const buffer = free.pop() ?? (state.allocated++, new Uint8Array(CHUNK));
        yield buffer.fill(i % 251);
      }
    } finally {
      ended();
    }
  }
  const iterator = generate();
  const chunks: ExportChunks = {
    [Symbol.asyncIterator]: () => iterator,
    recycle: (chunk) => {
      state.recycled++;
      free.push(chunk);
    },
  };
  return { chunks, state, streamEnded };
}

let server: FastifyInstance | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A Fastify server answering with the chunks as the export route does. */
async function serve(chunks: ExportChunks): Promise<string> {
  server = Fastify({ forceCloseConnections: true });
  server.get('/', (_request, reply) => reply.header('content-type', 'application/x-ndjson').send(new ExportBody(chunks)));
  return server.listen({ port: 0, host: '127.0.0.1' });
}

async function get(url: string): Promise<IncomingMessage> {
  const req = request(`${url}/`);
  req.end();
  const [response] = (await once(req, 'response')) as [IncomingMessage];
  return response;
}

/** Yields to the event loop `times` times (a slow reader, without clocks). */
async function turns(times: number): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('ExportBody', () => {
  it('gives back only the chunks the response has written: a slow client receives every byte as made, from a few buffers', async () => {
    const { chunks, state } = workerLikeChunks();
    const response = await get(await serve(chunks));
    let offset = 0;
    let wrong = 0;
    for await (const data of response as AsyncIterable<Buffer>) {
      for (let i = 0; i < data.length; i++) if (data[i] !== Math.floor((offset + i) / CHUNK) % 251) wrong++;
      offset += data.length;
      await turns(3); // the server's socket backs up: chunks wait in its queue while more are asked for
    }
    expect(offset).toBe(CHUNKS * CHUNK);
    expect(wrong).toBe(0);
    expect(state.recycled).toBeGreaterThan(CHUNKS / 2);
    expect(state.allocated).toBeLessThan(CHUNKS / 4);
  });

  it('gives nothing back when it is not piped into an HTTP response alone', async () => {
    const { chunks, state } = workerLikeChunks();
    const sink = new PassThrough();
    new ExportBody(chunks).pipe(sink);
    let bytes = 0;
    for await (const data of sink as AsyncIterable<Buffer>) bytes += data.length;
    expect(bytes).toBe(CHUNKS * CHUNK);
    expect(state.recycled).toBe(0);
  });

  it("ends the store's stream when the client goes away", async () => {
    const { chunks, streamEnded } = workerLikeChunks();
    const response = await get(await serve(chunks));
    await once(response, 'data');
    response.destroy();
    await streamEnded; // the generator's finally ran: a worker's cursor would be closed
  });

  it("closes the read worker's cursor when the client goes away mid-export", async () => {
    // The read worker's side on a channel in this thread: its reader notes when its stream is ended (the cursor closed).
    let ended!: () => void;
    const readerEnded = new Promise<void>((resolve) => (ended = resolve));
    let pulled = 0;
    const reader = {
      async *eventBatches() {
        try {
          for (let i = 0; i < 100_000; i++) {
            pulled++;
            yield [operationEventRow(i, 'x'.repeat(2000))];
          }
        } finally {
          ended();
        }
      },
    } as unknown as EventReader;
    const { port1, port2 } = new MessageChannel();
    serveReads(port2, reader, 100);
    const worker = new ReadWorker<ReadOps>(Object.assign(port1, { terminate: async () => 0 }) as never);
    const pool = { pick: () => worker } as unknown as ReadWorkerPool<ReadOps>;
    try {
      const response = await get(await serve(new WorkerEventReader(pool).exportEvents({}, 'ndjson')));
      await once(response, 'data');
      response.destroy();
      await readerEnded;
      expect(pulled).toBeLessThan(100_000);
    } finally {
      port1.close();
      port2.close();
    }
  });
});
