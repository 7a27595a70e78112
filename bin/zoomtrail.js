#!/usr/bin/env node
// The CLI is compiled TypeScript bundled into a few files (scripts/bundle-cli.mjs); `npm start` and `npm run build` produce dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bundle/zoomtrail.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('zoomtrail is not built yet: run `npm run build` (or `npm start`, which builds first).');
  process.exit(1);
}
await import(entry.href);
