#!/usr/bin/env node
// The CLI is compiled TypeScript bundled into one CommonJS file (scripts/bundle-cli.mjs), run with V8's code cache
// (run-cached-script.js); `npm start` and `npm run build` produce dist/.
// CommonJS (bin/package.json), not an ES module: Node starts a CommonJS main without its ES module loader, ~15 ms of
// CPU less for every command (BENCHMARKS.md, issue 14 section 5).
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');
const { runCachedScript } = require('./run-cached-script.js');

const bundle = path.join(__dirname, '../dist/bundle/zoomtrail.cjs');
if (!existsSync(bundle)) {
  console.error('zoomtrail is not built yet: run `npm run build` (or `npm start`, which builds first).');
  process.exit(1);
}
const { buildProgram } = /** @type {typeof import('../src/cli/build-program.js')} */ (runCachedScript(bundle, process.argv.slice(2)));
buildProgram()
  .parseAsync(process.argv)
  .catch((/** @type {unknown} */ error) => {
    // Commands report their own errors (exit-codes.ts); this is what escaped them.
    console.error(error);
    process.exitCode = 1;
  });
