// `npm run build`, after tsc: bundles the CLI (src/cli/zoomtrail.ts) with esbuild into dist/bundle/,
// which bin/zoomtrail.js loads. Node loads each ES module file separately (resolve, read, compile,
// link): the ~450 files of `rules list` (Kysely alone ~260) cost more than the command's work, and
// a few chunks load in a fraction of that. Code splitting keeps every `import()` lazy: `--help`
// loads no store, `rules list` no server. test/cli-startup.test.ts reads the metafile written
// here to name the modules each command loads.
//
// dist/bundle/ sits two levels below the package root like dist/<folder>/, so the modules' own
// paths hold unchanged: `new URL('../../schemas/', import.meta.url)`, `../../dist-web/`.
// Whitespace and syntax are minified (about 12% less CPU to start `rules list`: less for V8 to
// parse), identifiers are not: stack traces keep the functions' names; the source maps
// (`node --enable-source-maps`) give the TypeScript lines.
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = 'dist/bundle';
const METAFILE = `${OUT_DIR}/metafile.json`;

// Bundled: the pure-JS packages the quick commands load. Every other package is loaded from
// node_modules as before: native addons (better-sqlite3, @node-rs/argon2), packages that
// load their own files at run time (pino's transport workers, Fastify's plugins), and the
// server's dependencies, which only `start` loads.
const BUNDLED_PACKAGES = new Set(['kysely', 'commander']);

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

rmSync(`${ROOT}/${OUT_DIR}`, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  // A module Node must start by its path (a worker thread's script) is an entry point too:
  // entryNames keeps every entry flat beside the chunks, as dist/bundle/<name>.js.
  entryPoints: ['src/cli/zoomtrail.ts', 'src/store/sqlite-read-worker.ts'],
  entryNames: '[name]',
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [otherPackagesExternal],
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
  // commander is CommonJS: its require() of Node's modules needs a `require` inside an ES module.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
writeFileSync(`${ROOT}/${METAFILE}`, JSON.stringify(result.metafile));
