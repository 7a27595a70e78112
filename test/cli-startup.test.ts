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
 * every file it loads (test/support/loaded-modules-recorder.mjs) and the
 * test names the ones that must not be among them. The CLI runs from
 * dist/bundle/ (scripts/bundle-cli.mjs): a chunk stands for the modules and
 * packages esbuild put in it, as its metafile lists them.
 */

const RECORDER = fileURLToPath(new URL('./support/loaded-modules-recorder.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}
const METAFILE = JSON.parse(readFileSync(path.join(ROOT, 'dist/bundle/metafile.json'), 'utf8')) as Metafile;

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-startup-'));
  tempDirs.push(dir);
  return dir;
}

interface Loaded {
  /** npm packages, whether read from node_modules or bundled into a chunk. */
  packages: Set<string>;
  /** Packages read from node_modules at run time (not bundled). */
  packageFiles: Set<string>;
  /** Our modules, named as in dist/ (`api/serve.js`), whether from dist/ or bundled into a chunk. */
  modules: Set<string>;
  /** Files of dist/ loaded from outside dist/bundle/ (tsc's output). */
  unbundled: Set<string>;
}

const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/** Runs the CLI and returns what it loaded. */
async function loadedBy(args: string[]): Promise<Loaded> {
  const dir = tempDir();
  const file = path.join(dir, 'loaded.txt');
  const result = await runCli(
    args,
    { ZOOMTRAIL_DATA_DIR: path.join(dir, 'data'), ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY, LOADED_MODULES_FILE: file },
    { nodeArgs: ['--import', RECORDER], cwd: dir },
  );
  expect(result.code, result.stderr).toBe(0);
  const loaded: Loaded = { packages: new Set(), packageFiles: new Set(), modules: new Set(), unbundled: new Set() };
  const addInput = (input: string) => {
    const pkg = PACKAGE.exec(input);
    if (pkg) loaded.packages.add(pkg[1]!);
    else if (input.startsWith('src/')) loaded.modules.add(input.slice('src/'.length).replace(/\.ts$/, '.js'));
  };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const where = line.startsWith('file:') ? fileURLToPath(line) : line;
    const pkg = PACKAGE.exec(where);
    const relative = path.relative(ROOT, where);
    if (pkg) {
      loaded.packages.add(pkg[1]!);
      loaded.packageFiles.add(pkg[1]!);
    } else if (relative.startsWith('dist/bundle/')) {
      const chunk = METAFILE.outputs[relative];
      if (!chunk) throw new Error(`${relative} is not in dist/bundle/metafile.json: run npm run build`);
      for (const input of Object.keys(chunk.inputs)) addInput(input);
    } else if (relative.startsWith('dist/')) {
      loaded.unbundled.add(relative);
      loaded.modules.add(relative.slice('dist/'.length));
    }
  }
  return loaded;
}

/** Packages only the server, PostgreSQL, passwords, metrics or Zoom requests need (undici: the guarded fetch, loaded on the first request). */
const SERVER_PACKAGES = ['fastify', '@fastify/static', 'pg', '@node-rs/argon2', 'prom-client', 'yaml', 'undici'];
/** Our modules behind them: the API server, the simulator, the collector, detection. */
const SERVER_MODULES = /^(api\/|zoom-sim\/(zoom|demo)-simulator\.|collect\/(source-)?collector\.|detect\/detector\.|store\/postgres-store\.|app\/pipeline\.)/;
/** Our modules that open a store. */
const STORE_MODULES = /^(app\/app-context|store\/(sqlite|postgres|kysely|migrations\/|\w+-repository))/;

/** The packages a quick command may read from node_modules: the SQLite driver, a native addon, and what it loads. */
const UNBUNDLED_STORE_PACKAGES = ['better-sqlite3', 'bindings', 'file-uri-to-path'];

describe('CLI start-up: each command loads only what it needs', () => {
  it('--help loads commander and the command definitions from the bundle: no store, no server, no drivers, no logger', async () => {
    const { packages, packageFiles, modules, unbundled } = await loadedBy(['--help']);
    expect(packages).toContain('commander');
    expect(modules).toContain('cli/build-program.js');
    for (const pkg of [...SERVER_PACKAGES, 'better-sqlite3', 'kysely', 'pino']) expect(packages, `--help loaded ${pkg}`).not.toContain(pkg);
    expect([...modules].filter((m) => SERVER_MODULES.test(m) || STORE_MODULES.test(m))).toEqual([]);
    // Everything from the bundle: no package file read from node_modules, no module of tsc's dist/.
    expect([...packageFiles]).toEqual([]);
    expect([...unbundled]).toEqual([]);
  });

  it.each([[['rules', 'list']], [['source', 'list']]])(
    '%j opens the SQLite store and loads nothing of the server, PostgreSQL, argon2, metrics, YAML or the logger',
    async (args) => {
      const { packages, packageFiles, modules, unbundled } = await loadedBy(args);
      // The recorder sees what the command does need.
      expect(packages).toContain('better-sqlite3');
      expect(packages).toContain('kysely');
      expect(modules).toContain('store/sqlite-store.js');
      for (const pkg of [...SERVER_PACKAGES, 'pino']) expect(packages, `${args.join(' ')} loaded ${pkg}`).not.toContain(pkg);
      expect([...modules].filter((m) => SERVER_MODULES.test(m))).toEqual([]);
      // Kysely (~260 files) and commander come bundled; only the native SQLite driver is read from node_modules.
      expect([...packageFiles].filter((pkg) => !UNBUNDLED_STORE_PACKAGES.includes(pkg))).toEqual([]);
      expect([...unbundled]).toEqual([]);
    },
  );
});
