import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { READ_WORKER_FILES, readWorkerScript } from '../src/store/read-worker-script.js';
import { TEST_SECRET_KEY } from './support/collect-harness.js';
import { childEnv, runCli } from './support/cli-child.js';
import { spawnSync } from 'node:child_process';

/**
 * What the CLI loads to start: each command loads only what it needs, so
 * `--help` and the quick commands start in a fraction of the time the server
 * takes (BENCHMARKS.md has the figures). No timing here.
 *
 * The CLI runs from one CommonJS bundle, dist/bundle/zoomtrail.cjs
 * (scripts/bundle-cli.mjs). A bundled module is evaluated either at start (it
 * is imported, statically, from the entry) or when something first imports it
 * (`import()`): esbuild wraps those in an init function named after the
 * module's path. So a command loaded: the entry's static imports, as the
 * metafile lists them; the wrapped modules whose init function ran, as V8's
 * coverage (NODE_V8_COVERAGE) of the child says; and every file it read
 * outside the bundle (packages from node_modules, tsc's dist/), as the
 * recorder (test/support/loaded-modules-recorder.mjs) says.
 */

const RECORDER = fileURLToPath(new URL('./support/loaded-modules-recorder.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = path.join(ROOT, 'dist/bundle/zoomtrail.cjs');
const ENTRY = 'src/cli/build-program.ts';

interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
}
const METAFILE = JSON.parse(readFileSync(path.join(ROOT, 'dist/bundle/metafile.json'), 'utf8')) as Metafile;

/** The bundle's inputs every start evaluates: the entry and what it imports statically, transitively. */
function evaluatedAtStart(): Set<string> {
  const seen = new Set([ENTRY]);
  const queue = [ENTRY];
  for (let input = queue.pop(); input !== undefined; input = queue.pop()) {
    for (const imported of METAFILE.inputs[input]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || imported.external === true || seen.has(imported.path)) continue;
      seen.add(imported.path);
      queue.push(imported.path);
    }
  }
  return seen;
}

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
  /** npm packages, whether read from node_modules or bundled. */
  packages: Set<string>;
  /** Packages read from node_modules at run time (not bundled). */
  packageFiles: Set<string>;
  /** Our modules, named as in dist/ (`api/serve.js`), whether evaluated from the bundle or loaded from dist/. */
  modules: Set<string>;
  /** Files of dist/ loaded from outside dist/bundle/ (tsc's output). */
  unbundled: Set<string>;
}

const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/** The init functions of the bundle's wrapped modules that ran, from the child's V8 coverage: their inputs. */
function initsRun(coverageDir: string): string[] {
  const bundleUrl = `file://${BUNDLE}`;
  const ran: string[] = [];
  for (const file of readdirSync(coverageDir)) {
    const { result } = JSON.parse(readFileSync(path.join(coverageDir, file), 'utf8')) as {
      result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
    };
    for (const script of result.filter((s) => s.url === bundleUrl)) {
      for (const fn of script.functions) if (fn.functionName in METAFILE.inputs && fn.ranges[0]!.count > 0) ran.push(fn.functionName);
    }
  }
  return ran;
}

/** Runs the CLI and returns what it loaded. */
async function loadedBy(args: string[]): Promise<Loaded> {
  const dir = tempDir();
  const file = path.join(dir, 'loaded.txt');
  const coverage = path.join(dir, 'coverage');
  const result = await runCli(
    args,
    { ZOOMTRAIL_DATA_DIR: path.join(dir, 'data'), ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY, LOADED_MODULES_FILE: file, NODE_V8_COVERAGE: coverage },
    { nodeArgs: ['--import', RECORDER], cwd: dir },
  );
  expect(result.code, result.stderr).toBe(0);
  const loaded: Loaded = { packages: new Set(), packageFiles: new Set(), modules: new Set(), unbundled: new Set() };
  const inputs = [...evaluatedAtStart(), ...initsRun(coverage)];
  // The coverage saw the bundle run: its entry's init is among them.
  expect(inputs.filter((input) => input === ENTRY).length).toBeGreaterThan(0);
  for (const input of inputs) {
    const pkg = PACKAGE.exec(input);
    if (pkg) loaded.packages.add(pkg[1]!);
    else if (input.startsWith('src/')) loaded.modules.add(input.slice('src/'.length).replace(/\.ts$/, '.js'));
  }
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const where = line.startsWith('file:') ? fileURLToPath(line) : line;
    const pkg = PACKAGE.exec(where);
    const relative = path.relative(ROOT, where);
    if (pkg) {
      loaded.packages.add(pkg[1]!);
      loaded.packageFiles.add(pkg[1]!);
    } else if (relative.startsWith('dist/') && !relative.startsWith('dist/bundle/')) {
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
/** The built-in rules and their evaluation: `rules` commands, alerts and destinations load them in their actions. */
const RULE_MODULES = /^(rules\/(rule-registry|zoom\/|zoomtrail\/|standard\/)|detect\/rule-(evaluator|test-runner)\.)/;
/** Our modules that open a store. */
const STORE_MODULES = /^(app\/app-context|store\/(sqlite|postgres|kysely|migrations\/|\w+-repository))/;

/**
 * The packages a quick command may read from node_modules: the SQLite driver's native addon (its JavaScript is
 * bundled, and the addon opened by its path, so `bindings` never searches for it).
 */
const UNBUNDLED_STORE_PACKAGES = ['better-sqlite3'];

describe('CLI start-up: each command loads only what it needs', () => {
  it('--help loads commander and the command definitions from the bundle: no store, no server, no drivers, no logger', async () => {
    const { packages, packageFiles, modules, unbundled } = await loadedBy(['--help']);
    expect(packages).toContain('commander');
    expect(modules).toContain('cli/build-program.js');
    for (const pkg of [...SERVER_PACKAGES, 'better-sqlite3', 'kysely', 'pino']) expect(packages, `--help loaded ${pkg}`).not.toContain(pkg);
    expect([...modules].filter((m) => SERVER_MODULES.test(m) || STORE_MODULES.test(m) || RULE_MODULES.test(m))).toEqual([]);
    // Everything from the bundle: no package file read from node_modules, no module of tsc's dist/.
    expect([...packageFiles]).toEqual([]);
    expect([...unbundled]).toEqual([]);
  });

  it.each([[['rules', 'list']], [['source', 'list']]])(
    '%j opens the SQLite store and loads nothing of the server, PostgreSQL, argon2, metrics, YAML or the logger',
    async (args) => {
      const { packages, packageFiles, modules, unbundled } = await loadedBy(args);
      // The recorder and the coverage see what the command does need.
      expect(packages).toContain('better-sqlite3');
      expect(packages).toContain('kysely');
      expect(modules).toContain('store/sqlite-store.js');
      for (const pkg of [...SERVER_PACKAGES, 'pino']) expect(packages, `${args.join(' ')} loaded ${pkg}`).not.toContain(pkg);
      expect([...modules].filter((m) => SERVER_MODULES.test(m))).toEqual([]);
      // `source list` has no use for the built-in rules; `rules list` lists them.
      if (args[0] === 'source') expect([...modules].filter((m) => RULE_MODULES.test(m))).toEqual([]);
      else expect(modules).toContain('rules/rule-registry.js');
      // Kysely, commander and better-sqlite3's JavaScript come bundled; only the native SQLite addon is read from node_modules.
      expect([...packageFiles].filter((pkg) => !UNBUNDLED_STORE_PACKAGES.includes(pkg))).toEqual([]);
      expect([...unbundled]).toEqual([]);
    },
  );
});

/** Node's own modules (process.moduleLoadList) a command loaded beyond what Node loads for `node -e 0`-like scripts. */
function builtinsLoadedBy(args: string[]): Set<string> {
  const dir = tempDir();
  // A CommonJS preload (-r: --import would start the ES module loader itself) that lists Node's modules loaded after it.
  const probe = path.join(dir, 'probe.cjs');
  writeFileSync(
    probe,
    "const before = new Set(process.moduleLoadList); process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, process.moduleLoadList.filter((m) => !before.has(m)).join('\\n')));",
  );
  const out = path.join(dir, 'modules.txt');
  const env = { ZOOMTRAIL_DATA_DIR: path.join(dir, 'data'), ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY, NODE_V8_COVERAGE: undefined, PROBE_OUT: out };
  // The first run of a list creates the store; the second is the one looked at.
  for (const run of [0, 1]) {
    const result = spawnSync(process.execPath, ['-r', probe, path.join(ROOT, 'bin/zoomtrail.js'), ...args], { env: childEnv(env), cwd: dir, encoding: 'utf8' });
    expect(result.status, `run ${run}: ${result.stderr}`).toBe(0);
  }
  return new Set(
    readFileSync(out, 'utf8')
      .split('\n')
      .map((m) => m.replace(/^NativeModule /, '')),
  );
}

/**
 * Node's modules none of the quick commands uses, though modules evaluated at start import them (each costs CPU to
 * load: node:child_process and node:crypto ~2.5 ms each): the bundle loads them on first use (scripts/bundle-cli.mjs).
 */
const UNUSED_BUILTINS = ['child_process', 'dns', 'http', 'tls', 'zlib', 'worker_threads', 'dgram', 'readline'];

describe("CLI start-up: Node's own modules", () => {
  it('--help loads none of the unused ones, nor node:crypto (the code cache is checked without a digest)', () => {
    const loaded = builtinsLoadedBy(['--help']);
    for (const name of [...UNUSED_BUILTINS, 'crypto', 'fs/promises']) expect(loaded, `--help loaded node:${name}`).not.toContain(name);
  });

  it.each([[['rules', 'list']], [['source', 'list']]])('%j loads none of the unused ones', (args) => {
    const loaded = builtinsLoadedBy(args);
    for (const name of UNUSED_BUILTINS) expect(loaded, `${args.join(' ')} loaded node:${name}`).not.toContain(name);
  });
});

describe('CLI start-up: the bundle carries every read worker', () => {
  // The bundled CLI (`start` included) finds its read workers beside the bundle; a worker missing there fails the
  // first long read (PostgreSQL's was missing when its worker came).
  it.each(READ_WORKER_FILES)('%s is beside the bundle, where the bundled store looks for it', (file) => {
    const beside = readWorkerScript(file, new URL(`file://${BUNDLE}`).href);
    expect(statSync(beside).isFile()).toBe(true);
    expect(path.dirname(fileURLToPath(beside))).toBe(path.dirname(BUNDLE));
  });
});

describe('CLI start-up: bin/ is CommonJS', () => {
  it("starts without Node's ES module loader (its module jobs, translators, resolver): CPU every command would pay", () => {
    const dir = tempDir();
    // A CommonJS preload (-r, not --import, which would start the ES module loader itself) that lists Node's own modules loaded.
    const probe = path.join(dir, 'probe.cjs');
    writeFileSync(probe, "process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, process.moduleLoadList.join('\\n')));");
    const out = path.join(dir, 'modules.txt');
    const result = spawnSync(process.execPath, ['-r', probe, path.join(ROOT, 'bin/zoomtrail.js'), '--version'], {
      env: childEnv({ NODE_V8_COVERAGE: undefined, PROBE_OUT: out }),
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('0.1.0');
    const esm = readFileSync(out, 'utf8')
      .split('\n')
      .filter((m) => /internal\/modules\/esm\/(module_job|translators|resolve)$/.test(m));
    expect(esm).toEqual([]);
  });
});

describe('CLI start-up: the code cache (bin/run-cached-script.js)', () => {
  /** A copy of the built CLI (bin/ and the bundle) in a temp directory, so the test owns its cache. */
  function cliCopy(): { bin: string; bundle: string; cache: string } {
    const dir = tempDir();
    cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
    mkdirSync(path.join(dir, 'dist/bundle'), { recursive: true });
    cpSync(BUNDLE, path.join(dir, 'dist/bundle/zoomtrail.cjs'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const bundle = path.join(dir, 'dist/bundle/zoomtrail.cjs');
    // Built a while ago: a file modified within 2 s of a run gets no cache from it (a coarse file system clock).
    settle(bundle);
    return { bin: path.join(dir, 'bin/zoomtrail.js'), bundle, cache: `${bundle}.cache` };
  }

  /** Sets the file's modification time a minute back, a whole second (which utimes sets exactly), or to `mtime`. */
  function settle(file: string, mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000)): void {
    utimesSync(file, mtime, mtime);
  }

  function version(bin: string, args = ['--version']): string {
    const result = spawnSync(process.execPath, [bin, ...args], { env: childEnv({ NODE_V8_COVERAGE: undefined }), encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout.trim();
  }

  /** The bundle with its version changed to `to`: the same length, its build line (stamp) as it was, or `stamp` instead. */
  function rewrite(bundle: string, to: string, stamp?: string): void {
    const source = readFileSync(bundle, 'latin1');
    expect(source).toContain('.version("0.1.0")');
    let changed = source.replace('.version("0.1.0")', `.version("${to}")`);
    if (stamp !== undefined) changed = changed.replace(/(\/\/cached-script stamp=)(\w+)/, (_, line: string, old: string) => `${line}${stamp.padEnd(old.length, '0')}`);
    expect(changed.length).toBe(source.length);
    writeFileSync(bundle, changed, 'latin1');
  }

  it('is written by the first run, used as it is by the next, and never runs a changed bundle, even one of the same length', () => {
    const copy = cliCopy();
    expect(version(copy.bin)).toBe('0.1.0');
    const written = statSync(copy.cache);
    expect(written.size).toBeGreaterThan(0);
    // The next run takes it (V8 accepted it): not rewritten.
    expect(version(copy.bin)).toBe('0.1.0');
    expect(statSync(copy.cache).mtimeMs).toBe(written.mtimeMs);
    // Same length, other bytes, the build's stamp kept (an edit): V8 alone would take the old code (it checks the
    // length); the modification time refuses it. Just modified: run uncached, no cache written.
    rewrite(copy.bundle, '9.1.0');
    expect(version(copy.bin)).toBe('9.1.0');
    expect(statSync(copy.cache).mtimeMs).toBe(written.mtimeMs);
    expect(version(copy.bin)).toBe('9.1.0');
    // Settled: the next run writes a cache of its own. (Another time than cliCopy's settle, which may fall in the
    // same second: the edit's time is not the build's.)
    settle(copy.bundle, new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000));
    expect(version(copy.bin)).toBe('9.1.0');
    expect(version(copy.bin)).toBe('9.1.0');
  });

  it('never runs another build with a cache, though it has the same length and modification time', () => {
    const copy = cliCopy();
    const { mtime } = statSync(copy.bundle);
    // settle() set a whole second, which utimes sets back exactly.
    expect(mtime.getTime()).toBe(statSync(copy.bundle).mtimeMs);
    expect(version(copy.bin)).toBe('0.1.0');
    expect(statSync(copy.cache).size).toBeGreaterThan(0);
    // Another build (another stamp) copied in with the old file's time, as `cp -p` or an archive would.
    rewrite(copy.bundle, '9.1.0', 'f');
    settle(copy.bundle, mtime);
    expect(version(copy.bin)).toBe('9.1.0');
  });

  it('keeps a cache for each command, made by its own run', () => {
    const copy = cliCopy();
    expect(version(copy.bin, ['rules', '--help'])).toContain('Usage: zoomtrail rules');
    expect(version(copy.bin, ['--help'])).toContain('Usage: zoomtrail');
    expect(version(copy.bin, ['--version'])).toBe('0.1.0');
    expect(readdirSync(path.dirname(copy.bundle)).sort()).toEqual(['zoomtrail.cjs', 'zoomtrail.cjs.cache', 'zoomtrail.cjs.rules.cache']);
  });

  it('runs without it where it cannot be written (a read-only install)', () => {
    const copy = cliCopy();
    // A directory where the cache file would be: nothing can be read from or renamed onto it, whoever runs the test.
    mkdirSync(copy.cache);
    expect(version(copy.bin)).toBe('0.1.0');
    expect(readdirSync(path.dirname(copy.bundle)).sort()).toEqual(['zoomtrail.cjs', 'zoomtrail.cjs.cache']);
  });
});
