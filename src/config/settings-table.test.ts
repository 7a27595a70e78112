import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from './setting-definitions.js';
import { settingsTable, withSettingsTable } from './settings-table.js';

describe('the README settings table', () => {
  it('is what the definitions generate (run `npm run docs:settings` after changing a setting)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(withSettingsTable(readme)).toBe(readme);
  });

  it('has one row per setting, naming its variable', () => {
    const rows = settingsTable().split('\n').slice(2);
    expect(rows.map((r) => /^\| `([A-Z_]+)`/.exec(r)?.[1])).toEqual(SETTINGS.map((s) => s.env));
  });
});
