import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The built CLI (test/global-setup.ts builds dist/ first). Absolute, so children can run in a temp cwd. */
export const BIN = fileURLToPath(new URL('../../bin/zoomtrail.js', import.meta.url));

/** The day every child sees: the CLI's clock starts here (ZOOMTRAIL_CLOCK_START). */
export const CLOCK_START = '2026-03-10T12:00:00Z';

export interface CliResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

export interface CliChild {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the child has exited and its pipes are drained. */
  exited: Promise<CliResult>;
  /** Whether `exited` has resolved. */
  done: () => boolean;
}

/**
 * What every child allows by default: the receivers and simulators of the
 * tests listen on loopback, which the outbound address policy refuses
 * otherwise. A test of the policy itself passes `ZOOMTRAIL_ALLOWED_NETWORKS: undefined`.
 */
export const TEST_ALLOWED_NETWORKS = '127.0.0.0/8,::1';

/**
 * The parent's environment without anything Zoomtrail reads (so a developer's
 * ZOOMTRAIL_* or DATABASE_URL never changes a test), plus loopback allowed
 * (TEST_ALLOWED_NETWORKS), plus `env`.
 */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('ZOOMTRAIL_') || key === 'DATABASE_URL') continue;
    out[key] = value;
  }
  out.ZOOMTRAIL_ALLOWED_NETWORKS = TEST_ALLOWED_NETWORKS;
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

export interface SpawnOptions {
  cwd?: string;
  /** Options of node itself, before the script (e.g. `--import`). */
  nodeArgs?: string[];
  /** Written to the child's stdin, which is then closed (closed at once without it). */
  input?: string;
}

/**
 * Starts `node bin/zoomtrail.js ...args` with its output captured, in the
 * environment of `childEnv(env)`. Every test starts the CLI through here (or
 * runCli), so none passes a developer's DATABASE_URL or ZOOMTRAIL_* on.
 */
export function spawnCli(args: string[], env: Record<string, string | undefined>, options: SpawnOptions = {}): CliChild {
  const started = Date.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], { env: childEnv(env), cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  // A child that exits without reading its input must not fail the test with EPIPE.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input);
  let stdout = '';
  let stderr = '';
  let finished = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      finished = true;
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  if (child.pid === undefined) throw new Error('could not start the CLI');
  return { child, pid: child.pid, stdout: () => stdout, stderr: () => stderr, exited, done: () => finished };
}

/**
 * Runs the CLI to its end. A child still running after `timeoutMs` is killed
 * (by its pid) and the call rejects, so a hanging command fails its test
 * instead of outliving it.
 */
export async function runCli(args: string[], env: Record<string, string | undefined>, options: SpawnOptions & { timeoutMs?: number } = {}): Promise<CliResult> {
  const run = spawnCli(args, env, options);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`zoomtrail ${args.join(' ')} still running after ${options.timeoutMs ?? 60_000} ms; killed.\nstderr: ${run.stderr().slice(-2000)}`));
    }, options.timeoutMs ?? 60_000);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `condition` holds, polling every `everyMs`; false after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 2): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
