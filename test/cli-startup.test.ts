import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRET_KEY } from './support/collect-harness.js';
import { runCli } from './support/cli-child.js';

/**
 * What the CLI loads to start: each command loads only what it needs, so
 * `--help` and the quick commands start in a fraction of the time the server
 * takes (BENCHMARKS.md has the figures). No timing here: the child records
 * every module it loads (test/support/loaded-modules-recorder.mjs) and the
 * test names the ones that must not be among them.
 */

const RECORDER = fileURLToPath(new URL('./support/loaded-modules-recorder.mjs', import.meta.url));

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-startup-'));
  tempDirs.push(dir);
  return dir;
}

/** Runs the CLI and returns the npm packages and the dist/ modules (as `api/serve.js`) it loaded. */
async function loadedBy(args: string[]): Promise<{ packages: Set<string>; modules: Set<string> }> {
  const dir = tempDir();
  const file = path.join(dir, 'loaded.txt');
  const result = await runCli(
    args,
    { ZOOMTRAIL_DATA_DIR: path.join(dir, 'data'), ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY, LOADED_MODULES_FILE: file },
    { nodeArgs: ['--import', RECORDER], cwd: dir },
  );
  expect(result.code, result.stderr).toBe(0);
  const packages = new Set<string>();
  const modules = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const where = line.startsWith('file:') ? fileURLToPath(line) : line;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(where);
    if (pkg) packages.add(pkg[1]!);
    else if (where.includes('/dist/')) modules.add(where.slice(where.lastIndexOf('/dist/') + '/dist/'.length));
  }
  return { packages, modules };
}

/** Packages only the server, PostgreSQL, passwords, metrics or Zoom requests need. */
const SERVER_PACKAGES = ['fastify', '@fastify/static', 'pg', '@node-rs/argon2', 'prom-client', 'yaml'];
/** Our modules behind them: the API server, the simulator, the collector, detection. */
const SERVER_MODULES = /^(api\/|zoom-sim\/(zoom|demo)-simulator\.|collect\/(source-)?collector\.|detect\/detector\.|store\/postgres-store\.|app\/pipeline\.)/;
/** Our modules that open a store. */
const STORE_MODULES = /^(app\/app-context|store\/(sqlite|postgres|kysely|migrations\/|\w+-repository))/;

describe('CLI start-up: each command loads only what it needs', () => {
  it('--help loads commander and the command definitions: no store, no server, no drivers', async () => {
    const { packages, modules } = await loadedBy(['--help']);
    expect(packages).toContain('commander');
    expect(modules).toContain('cli/build-program.js');
    for (const pkg of [...SERVER_PACKAGES, 'better-sqlite3', 'kysely', 'pino']) expect(packages, `--help loaded ${pkg}`).not.toContain(pkg);
    expect([...modules].filter((m) => SERVER_MODULES.test(m) || STORE_MODULES.test(m))).toEqual([]);
  });

  it.each([[['rules', 'list']], [['source', 'list']]])(
    '%j opens the SQLite store and loads nothing of the server, PostgreSQL, argon2, metrics, YAML or the logger',
    async (args) => {
      const { packages, modules } = await loadedBy(args);
      // The recorder sees what the command does need.
      expect(packages).toContain('better-sqlite3');
      expect(packages).toContain('kysely');
      expect(modules).toContain('store/sqlite-store.js');
      for (const pkg of [...SERVER_PACKAGES, 'pino']) expect(packages, `${args.join(' ')} loaded ${pkg}`).not.toContain(pkg);
      expect([...modules].filter((m) => SERVER_MODULES.test(m))).toEqual([]);
    },
  );
});
