import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadWorkerError, ReadWorkerPool } from './read-worker-pool.js';

// A worker speaking the read protocol, with operations that answer, fail, never
// answer, or stop the thread: the pool's handling of each, whatever the worker runs.
const SCRIPT = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', ({ id, op, request }) => {
  if (op === 'echo') parentPort.postMessage({ id, ok: true, result: { request, threadId } });
  if (op === 'fail') parentPort.postMessage({ id, ok: false, error: { name: 'RangeError', message: 'bucketMs must be a positive integer' } });
  if (op === 'exit') process.exit(3);
  if (op === 'throw') throw new Error('boom');
  // 'hang': never answers
});
`;

type TestOps = {
  echo: { request: string; result: { request: string; threadId: number } };
  fail: { request: null; result: never };
  exit: { request: null; result: never };
  throw: { request: null; result: never };
  hang: { request: null; result: never };
};

let pool: ReadWorkerPool<TestOps>;
let spawned: Worker[];

function newPool(size?: number): ReadWorkerPool<TestOps> {
  spawned = [];
  pool = new ReadWorkerPool<TestOps>({
    ...(size === undefined ? {} : { size }),
    spawn: () => {
      const worker = new Worker(SCRIPT, { eval: true });
      spawned.push(worker);
      return worker;
    },
  });
  return pool;
}

afterEach(async () => pool.close());

describe('ReadWorkerPool', () => {
  it('starts a worker on the first request, not before, and answers through it', async () => {
    newPool();
    expect(spawned).toHaveLength(0);
    expect((await pool.request('echo', 'hello')).request).toBe('hello');
    expect((await pool.request('echo', 'again')).request).toBe('again');
    expect(spawned).toHaveLength(1);
  });

  it('sends a request to an idle worker while another is busy, up to its size', async () => {
    newPool(2);
    const busy = pool.pick();
    void busy.request('hang', null).catch(() => undefined);
    const other = await pool.request('echo', 'x');
    expect(spawned).toHaveLength(2);
    expect(other.threadId).toBe(spawned[1]!.threadId);
    // Both busy: the third request queues on the least busy worker; no third thread.
    void pool
      .pick()
      .request('hang', null)
      .catch(() => undefined);
    await pool.request('echo', 'y');
    expect(spawned).toHaveLength(2);
  });

  it("rebuilds the worker's error as its class, with its message", async () => {
    newPool();
    const error = await pool.request('fail', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('bucketMs must be a positive integer');
  });

  it('rejects every request waiting on a worker that exits with an actionable error, and starts a new worker for the next request', async () => {
    newPool(1);
    const worker = pool.pick();
    const waiting = worker.request('hang', null).catch((e: unknown) => e);
    const exiting = worker.request('exit', null).catch((e: unknown) => e);
    for (const error of [await waiting, await exiting]) {
      expect(error).toBeInstanceOf(ReadWorkerError);
      expect(error).toMatchObject({
        code: 'read_worker_crashed',
        message: expect.stringContaining('exit code 3') as string,
        fix: expect.stringContaining('Run the read again') as string,
      });
    }
    // The stopped worker's handle refuses at once; the pool replaces the worker.
    await expect(worker.request('echo', 'late')).rejects.toBeInstanceOf(ReadWorkerError);
    const answer = await pool.request('echo', 'after');
    expect(answer.request).toBe('after');
    expect(spawned).toHaveLength(2);
    expect(answer.threadId).toBe(spawned[1]!.threadId);
  });

  it('names the uncaught error that stopped a worker', async () => {
    newPool();
    const error = await pool.request('throw', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadWorkerError);
    expect((error as Error).message).toContain('Error: boom');
    expect((await pool.request('echo', 'next')).request).toBe('next');
  });

  it('close() terminates the workers and rejects what waits on them and what comes after', async () => {
    newPool(2);
    await pool.request('echo', 'start');
    const exits = spawned.map((w) => once(w, 'exit'));
    const waiting = pool.request('hang', null).catch((e: unknown) => e);
    await pool.close();
    await Promise.all(exits);
    expect(await waiting).toMatchObject({ name: 'ReadWorkerError', code: 'store_closed' });
    await expect(pool.request('echo', 'late')).rejects.toMatchObject({ code: 'store_closed' });
  });
});
