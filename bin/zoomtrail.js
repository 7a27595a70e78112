#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm start` and `npm run build` produce dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/zoomtrail.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('zoomtrail is not built yet: run `npm run build` (or `npm start`, which builds first).');
  process.exit(1);
}
await import(entry.href);
