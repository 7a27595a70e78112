import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from './settings-table.js';

/** `npm run docs:settings`: rewrites the settings table in README.md (run from the repository root) from the definitions. */
const file = process.argv[2] ?? 'README.md';
const before = readFileSync(file, 'utf8');
const after = withSettingsTable(before);
if (after !== before) writeFileSync(file, after);
process.stdout.write(after === before ? `${file}: settings table already current\n` : `${file}: settings table rewritten\n`);
