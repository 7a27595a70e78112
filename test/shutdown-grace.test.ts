import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * `shutdownSignal` (what `zoomtrail start` and `run` stop on), in a child
 * process: after SIGTERM, whatever has not stopped within the grace period is
 * abandoned and the process exits; a process that stops cleanly does not wait
 * for the grace period.
 */

const RUN_COMMAND = new URL('../dist/cli/run-command.js', import.meta.url).href;

function runScript(body: string): {
  ready: Promise<void>;
  kill: () => void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; msAfterKill: number }>;
} {
  const script = `import { shutdownSignal } from ${JSON.stringify(RUN_COMMAND)};\n${body}\nprocess.stdout.write('ready\\n');\n`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let killedAt = 0;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('ready') && resolve());
    child.once('exit', () => reject(new Error(`exited before it was ready: ${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; msAfterKill: number }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stderr, msAfterKill: Date.now() - killedAt }));
  });
  return {
    ready,
    kill: () => {
      killedAt = Date.now();
      child.kill('SIGTERM');
    },
    exited,
  };
}

/** Resolves with the child's exit, or with null if it is still running after `ms` (then it is killed). */
async function exitWithin(run: ReturnType<typeof runScript>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const result = await Promise.race([run.exited, late]);
  clearTimeout(timer);
  return result;
}

describe('shutdown grace', () => {
  it('SIGTERM: a loop that never stops is abandoned after the grace period and the process exits', async () => {
    // A loop that ignores the signal and keeps the process alive.
    const run = runScript('shutdownSignal(300);\nsetInterval(() => undefined, 60_000);');
    await run.ready;
    run.kill();
    const result = await exitWithin(run, 8_000);
    expect(result, 'still running 8 s after SIGTERM with a 0.3 s grace').not.toBeNull();
    expect(result!.signal).toBeNull();
    expect(result!.code).toBe(1);
    expect(result!.stderr).toMatch(/not stopped 0\.3 s after SIGTERM; exiting/);
  });

  it('SIGTERM: a process whose work stops exits at once, without waiting for the grace period', async () => {
    const run = runScript('const signal = shutdownSignal();\nconst work = setInterval(() => undefined, 60_000);\nsignal.addEventListener("abort", () => clearInterval(work));');
    await run.ready;
    run.kill();
    const result = await exitWithin(run, 8_000);
    expect(result, 'a clean stop waited for the 10 s grace').not.toBeNull();
    expect(result!.code).toBe(0);
  });
});
