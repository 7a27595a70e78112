/**
 * Child processes of the benchmark (the simulator, the measured collector):
 * forked with an IPC channel, configured by one JSON argument, answering with
 * typed messages. A child exits when its parent goes away.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildHandle {
  child: ChildProcess;
  /** The next message of this type; rejects if the child exits first or sends `{ type: 'error' }`. */
  next<T extends { type: string }>(type: T['type']): Promise<T>;
  stop(): Promise<void>;
}

export function forkChild(moduleUrl: URL, config: unknown, execArgv: string[] = []): ChildHandle {
  const child = fork(fileURLToPath(moduleUrl), [JSON.stringify(config)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue: { type: string }[] = [];
  const waiters: { type: string; resolve: (m: { type: string }) => void; reject: (e: Error) => void }[] = [];
  let exited: Error | undefined;
  const fail = (error: Error) => {
    exited ??= error;
    for (const w of waiters.splice(0)) w.reject(error);
  };
  child.on('message', (message: { type: string; message?: string }) => {
    if (message.type === 'error') return fail(new Error(`${fileURLToPath(moduleUrl)}: ${message.message ?? 'failed'}`));
    const i = waiters.findIndex((w) => w.type === message.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(message);
    else queue.push(message);
  });
  child.on('exit', (code, signal) => fail(new Error(`${fileURLToPath(moduleUrl)} exited (${signal ?? code}) before answering`)));
  child.on('error', (error) => fail(error));
  return {
    child,
    next<T extends { type: string }>(type: T['type']): Promise<T> {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0] as T);
      if (exited) return Promise.reject(exited);
      return new Promise<T>((resolve, reject) => waiters.push({ type, resolve: resolve as (m: { type: string }) => void, reject }));
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** In a child: its JSON config. */
export function childConfig<T>(): T {
  const text = process.argv[2];
  if (!text) throw new Error('this module is a benchmark child process: run `npm run bench`');
  return JSON.parse(text) as T;
}

/** In a child: send a message to the parent and wait until it is written. */
export function send<T extends { type: string }>(message: T): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('no IPC channel'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

/** In a child: report a failure to the parent and exit. */
export async function failChild(error: unknown): Promise<never> {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  try {
    await send({ type: 'error', message });
  } catch {
    process.stderr.write(`${message}\n`);
  }
  process.exit(1);
}

/** In a child: exit when the parent disconnects (it finished or died). */
export function exitWithParent(cleanup?: () => Promise<void> | void): void {
  process.on('disconnect', () => {
    void Promise.resolve(cleanup?.()).finally(() => process.exit(0));
  });
}
