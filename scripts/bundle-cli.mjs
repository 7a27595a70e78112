// `npm run build`, after tsc: bundles the CLI with esbuild into dist/bundle/, which bin/zoomtrail.js (CommonJS)
// loads. Two outputs:
// - dist/bundle/zoomtrail.cjs, the CLI (src/cli/build-program.ts) as ONE CommonJS file. Node 20
//   keeps no compiled code between runs, and for an ES module there is no way to give it one; a
//   CommonJS-style script compiled through `vm.Script` can take V8's code cache (`cachedData`),
//   which bin/run-cached-script.js keeps beside the bundle. Compiling (parsing) the ~1.4 MB file
//   was the largest part of `rules list` after Node's own start. Every `import()` of a bundled
//   module stays lazy (esbuild wraps such modules in an init function that runs on the first
//   import): `--help` evaluates no store, `rules list` no server. Packages that are not bundled are
//   loaded with `require()` when the module that imports them is evaluated (`import()` is turned
//   into a `require()` too: a script compiled by `vm.Script` has no `import()` of its own on Node 20).
// - dist/bundle/sqlite-read-worker.js and postgres-read-worker.js, the stores' read workers (threads
//   Node starts by their paths), ES modules.
// test/cli-startup.test.ts reads the metafile written here to name the modules each command loads.
//
// dist/bundle/ sits two levels below the package root like dist/<folder>/, so the modules' own
// paths hold unchanged: `new URL('../../schemas/', import.meta.url)`, `../../dist-web/`
// (`import.meta.url` is the bundle's file URL in the CommonJS build).
// Whitespace and syntax are minified (less for V8 to parse), identifiers are not: stack traces
// keep the functions' names; the source maps (`node --enable-source-maps`) give the TypeScript lines.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = 'dist/bundle';
const METAFILE = `${OUT_DIR}/metafile.json`;

// Bundled: the pure-JS packages the quick commands load, and better-sqlite3's JavaScript (its
// native addon stays in node_modules, opened by path: addonOption() in src/store/sqlite-database.ts,
// so `bindings`, which finds it from its caller's file, is never loaded). Every other package is
// loaded from node_modules as before: native addons (@node-rs/argon2), packages that
// load their own files at run time (pino's transport workers, Fastify's plugins), and the
// server's dependencies, which only `start` loads.
const BUNDLED_PACKAGES = new Set(['kysely', 'commander', 'better-sqlite3']);

/** @type {import('esbuild').Plugin} */
const otherPackagesExternal = {
  name: 'other-packages-external',
  setup(build) {
    // A bare specifier (`pg`, `@fastify/static/x`, `node:fs`): its package name, then bundled or not.
    build.onResolve({ filter: /^[^./]/ }, ({ path, kind }) => {
      if (kind === 'entry-point') return undefined;
      const name = path.split('/', path.startsWith('@') ? 2 : 1).join('/');
      return BUNDLED_PACKAGES.has(name) ? undefined : { path, external: true };
    });
  },
};

// Node's modules the quick commands need not load at start, though modules evaluated at start import them (commander
// imports node:child_process for its executable subcommands, the destinations' senders node:crypto, the guarded fetch
// node:dns): ~6 ms of CPU for every start (node:crypto alone brings Node's streams). In the CLI bundle each
// `require("node:…")` of them becomes `lazyreq("node:…")` (the same length: the source map's columns hold), a proxy
// that require()s the module on the first use of one of its properties. esbuild writes the uses of a named import as
// `module.name` at the point of use, so the proxy is asked then. A default or namespace import is wrapped
// (`__toESM(require(…))`, which enumerates the module): those are left as they are.
// test/cli-startup.test.ts names Node's modules each quick command loads.
const LAZY_BUILTINS = ['child_process', 'crypto', 'dns', 'fs/promises', 'http', 'net', 'readline', 'stream', 'timers/promises', 'tls', 'worker_threads', 'zlib'];
const LAZY_REQUIRE = new RegExp(`(?<!__toESM\\()require\\(("node:(?:${LAZY_BUILTINS.join('|')})")\\)`, 'g');
// On the bundle's first line (esbuild's banner: the source map counts it), after "use strict" (esbuild's own one
// follows it and is no longer the directive). Enumerating the proxy (ownKeys) copies the
// module's properties onto its target, so the proxy's answers match its target.
const LAZY_REQUIRE_BANNER =
  '"use strict";var lazyreq=((m)=>(id)=>{let p=m.get(id);if(p)return p;let l;const t={},f=()=>l??=require(id);let c=false;' +
  'const o=()=>{if(!c)Object.defineProperties(t,Object.getOwnPropertyDescriptors(f()));c=true};' +
  'p=new Proxy(t,{get:(_,k)=>f()[k],has:(_,k)=>k in f(),ownKeys:()=>(o(),Reflect.ownKeys(t)),' +
  'getOwnPropertyDescriptor:(_,k)=>(o(),Reflect.getOwnPropertyDescriptor(t,k))});m.set(id,p);return p})(new Map);';

/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  plugins: [otherPackagesExternal],
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcesContent: false,
  // ASCII only (esbuild's default, said here because bin/run-cached-script.js reads the file as latin1).
  charset: 'ascii',
  logLevel: 'warning',
};

rmSync(`${ROOT}/${OUT_DIR}`, { recursive: true, force: true });
const cli = await build({
  ...common,
  banner: { js: LAZY_REQUIRE_BANNER },
  entryPoints: { zoomtrail: 'src/cli/build-program.ts' },
  outExtension: { '.js': '.cjs' },
  outdir: OUT_DIR,
  format: 'cjs',
  // `import()` becomes `Promise.resolve().then(() => require(...))`: vm.Script has no module loader.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': 'bundleUrl' },
  inject: ['scripts/bundle-import-meta-url.mjs'],
  metafile: true,
});
await build({
  ...common,
  // Every read worker (src/store/read-worker-script.ts READ_WORKER_FILES; test/cli-startup.test.ts checks each is here).
  entryPoints: ['src/store/sqlite-read-worker.ts', 'src/store/postgres-read-worker.ts'],
  outdir: OUT_DIR,
  format: 'esm',
  // The CommonJS packages' require() of Node's modules needs a `require` inside an ES module.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
writeFileSync(`${ROOT}/${METAFILE}`, JSON.stringify(cli.metafile));

// The line bin/run-cached-script.js reads at the bundle's end: a digest of the bundle (a stamp for its code caches,
// so no run hashes the file) and the command names, each of which gets a code cache of its own.
const bundleFile = `${ROOT}/${OUT_DIR}/zoomtrail.cjs`;
writeFileSync(bundleFile, readFileSync(bundleFile, 'latin1').replace(LAZY_REQUIRE, 'lazyreq($1)'), 'latin1');
const stamp = createHash('sha256').update(readFileSync(bundleFile)).digest('hex').slice(0, 32);
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- require() is typed `any`
const { buildProgram } = /** @type {typeof import('../src/cli/build-program.js')} */ (createRequire(import.meta.url)(bundleFile));
const commands = buildProgram().commands.map((command) => command.name());
appendFileSync(bundleFile, `\n//cached-script stamp=${stamp} keys=${commands.join(',')}\n`);
