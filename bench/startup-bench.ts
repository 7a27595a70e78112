/**
 * `--only startup`: how long the quick commands take from spawn to exit
 * (`zoomtrail --help`, `rules list`, `source list` on an empty SQLite store),
 * against `node -e 0` in the same run (Node's own start on this machine, under
 * this load). The runs are interleaved, so load that comes and goes touches
 * every command alike; medians.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from '../test/support/cli-child.js';
import { int, print, table, tempDir } from './bench-util.js';

/** bin/zoomtrail.js, from dist-bench/bench/. */
const CLI = fileURLToPath(new URL('../../bin/zoomtrail.js', import.meta.url));

/** Issue 14 §5: each quick command starts and exits within this, wall time. */
export const STARTUP_TARGET_MS = 250;
export const STARTUP_RUNS = 11;
export const STARTUP_COMMANDS: readonly (readonly string[])[] = [['--help'], ['rules', 'list'], ['source', 'list']];

export interface StartupFigure {
  /** `node -e 0`, or the command's arguments. */
  label: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export interface StartupResult {
  runs: number;
  /** `node -e 0`. */
  baseline: StartupFigure;
  commands: StartupFigure[];
}

export function runStartupBench(runs = STARTUP_RUNS): StartupResult {
  const temp = tempDir('startup');
  try {
    const env = childEnv({ ZOOMTRAIL_DATA_DIR: path.join(temp.dir, 'data'), ZOOMTRAIL_SECRET_KEY: randomBytes(32).toString('hex') });
    const spawnMs = (args: readonly string[]): number => {
      const started = performance.now();
      const result = spawnSync(process.execPath, args, { env, cwd: temp.dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      const ms = performance.now() - started;
      if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr}`);
      return ms;
    };
    // The store is created (migrations, key check) once, untimed: the figures are a start on an existing store.
    spawnMs([CLI, 'source', 'list']);
    const targets = [{ label: 'node -e 0', args: ['-e', '0'] }, ...STARTUP_COMMANDS.map((command) => ({ label: `zoomtrail ${command.join(' ')}`, args: [CLI, ...command] }))];
    const times = targets.map(() => [] as number[]);
    for (let run = 0; run < runs; run++) targets.forEach((target, i) => times[i]!.push(spawnMs(target.args)));
    const figures = targets.map((target, i): StartupFigure => {
      const sorted = [...times[i]!].sort((a, b) => a - b);
      return { label: target.label, medianMs: sorted[Math.floor(sorted.length / 2)]!, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]! };
    });
    return { runs, baseline: figures[0]!, commands: figures.slice(1) };
  } finally {
    temp.remove();
  }
}

export function printStartup(r: StartupResult): void {
  const ms = (n: number) => `${int(n)} ms`;
  print(
    table(
      `CLI start-up: spawn to exit, ${r.runs} interleaved runs each`,
      ['command', 'median', 'min', 'max', 'median above node -e 0'],
      [r.baseline, ...r.commands].map((f) => [f.label, ms(f.medianMs), ms(f.minMs), ms(f.maxMs), f === r.baseline ? '-' : ms(f.medianMs - r.baseline.medianMs)]),
    ),
  );
}
