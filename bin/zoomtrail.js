#!/usr/bin/env node
// The CLI is compiled TypeScript bundled into one CommonJS file (scripts/bundle-cli.mjs), run with V8's code cache
// (run-cached-script.js); `npm start` and `npm run build` produce dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCachedScript } from './run-cached-script.js';

const bundle = fileURLToPath(new URL('../dist/bundle/zoomtrail.cjs', import.meta.url));
if (!existsSync(bundle)) {
  console.error('zoomtrail is not built yet: run `npm run build` (or `npm start`, which builds first).');
  process.exit(1);
}
const { buildProgram } = /** @type {typeof import('../src/cli/build-program.js')} */ (runCachedScript(bundle));
await buildProgram().parseAsync(process.argv);
