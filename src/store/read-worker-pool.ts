import type { Transferable, Worker } from 'node:worker_threads';
import { ActionableError } from '../shared/actionable-error.js';
import { deserializeError, type OpMap, type ReplyMessage, type RequestMessage } from './read-worker-protocol.js';

/** A read worker stopped (crashed, ran out of memory, failed to start) or the store was closed while a read waited on it. */
export class ReadWorkerError extends ActionableError {
  override readonly name = 'ReadWorkerError';

  static crashed(detail: string, cause?: unknown): ReadWorkerError {
    return new ReadWorkerError(
      'read_worker_crashed',
      `The read worker stopped before answering (${detail}); the read was not completed.`,
      'Run the read again: a new worker is started for it. If it stops again, check the log and the database file (permissions, disk, memory).',
      cause === undefined ? undefined : { cause },
    );
  }

  static closed(): ReadWorkerError {
    return new ReadWorkerError('store_closed', 'The store was closed while the read was running.', 'Open the store again before reading.');
  }
}

export interface ReadWorkerPoolOptions {
  /** Starts one worker thread (answering RequestMessage with ReplyMessage). */
  spawn: () => Worker;
  /** Workers at most; default 2. A request goes to the least busy one. */
  size?: number;
}

/**
 * A small pool of worker threads answering read requests: started on first
 * use, a request queued on the least busy worker (a worker answers its
 * requests one query at a time), a stopped worker's waiting requests rejected
 * with ReadWorkerError and the worker replaced on the next request. Idle
 * workers do not keep the process alive; `close()` terminates them.
 */
export class ReadWorkerPool<Ops extends OpMap> {
  readonly #spawn: () => Worker;
  readonly #size: number;
  readonly #workers: Array<ReadWorker<Ops>> = [];
  #closed = false;

  constructor(options: ReadWorkerPoolOptions) {
    this.#spawn = options.spawn;
    this.#size = options.size ?? 2;
    if (!Number.isInteger(this.#size) || this.#size < 1) throw new RangeError('the read worker pool needs at least one worker');
  }

  /**
   * The least busy live worker, started if needed. Requests that must reach the
   * same worker (a stream's next batch) go through the returned handle; once
   * that worker has stopped, its handle rejects them with ReadWorkerError.
   */
  pick(): ReadWorker<Ops> {
    if (this.#closed) throw ReadWorkerError.closed();
    for (let i = this.#workers.length - 1; i >= 0; i--) if (this.#workers[i]!.stopped) this.#workers.splice(i, 1);
    const idle = this.#workers.find((w) => w.pending === 0);
    if (idle) return idle;
    if (this.#workers.length < this.#size) {
      const worker = new ReadWorker<Ops>(this.#spawn());
      this.#workers.push(worker);
      return worker;
    }
    return this.#workers.reduce((a, b) => (b.pending < a.pending ? b : a));
  }

  request<K extends keyof Ops & string>(op: K, request: Ops[K]['request']): Promise<Ops[K]['result']> {
    try {
      return this.pick().request(op, request);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Terminates every worker; waiting requests are rejected; later requests fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** One worker thread and the requests waiting on it. */
export class ReadWorker<Ops extends OpMap> {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #stopped: ReadWorkerError | undefined;
  #crash: unknown;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.unref();
    worker.on('message', (reply: ReplyMessage) => this.#settle(reply));
    worker.on('error', (error) => {
      this.#crash = error;
    });
    worker.on('messageerror', (error) => {
      this.#crash = error;
      void worker.terminate();
    });
    worker.on('exit', (code) => {
      this.#stop(this.#stopped ?? ReadWorkerError.crashed(crashDetail(this.#crash, code), this.#crash));
    });
  }

  get pending(): number {
    return this.#waiting.size;
  }

  get stopped(): boolean {
    return this.#stopped !== undefined;
  }

  /** `transfer`: buffers of `request` moved to the worker rather than copied (they are detached here). */
  request<K extends keyof Ops & string>(op: K, request: Ops[K]['request'], transfer: readonly Transferable[] = []): Promise<Ops[K]['result']> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise<Ops[K]['result']>((resolve, reject) => {
      // Resolved with the structured clone of what the worker's handler for `op` returned.
      this.#waiting.set(id, { resolve, reject });
      if (this.#waiting.size === 1) this.#worker.ref(); // a waiting read keeps the process alive
      const message: RequestMessage<Ops, K> = { id, op, request };
      this.#worker.postMessage(message, transfer);
    });
  }

  async terminate(): Promise<void> {
    if (!this.#stopped) this.#stopped = ReadWorkerError.closed();
    await this.#worker.terminate();
    this.#stop(this.#stopped);
  }

  #settle(reply: ReplyMessage): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(deserializeError(reply.error));
  }

  #stop(error: ReadWorkerError): void {
    this.#stopped = error;
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    this.#worker.unref();
    for (const w of waiting) w.reject(error);
  }
}

/** What stopped a worker: the uncaught error (as Node passed it over, possibly a bare object), else the exit code. */
function crashDetail(cause: unknown, code: number): string {
  const { name, message } = (typeof cause === 'object' && cause !== null ? cause : {}) as { name?: unknown; message?: unknown };
  if (typeof message !== 'string') return `exit code ${code}`;
  return `${typeof name === 'string' ? name : 'Error'}: ${message}`;
}
