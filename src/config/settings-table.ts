import { SETTINGS, type SettingDefinition } from './setting-definitions.js';

export const SETTINGS_TABLE_START = '<!-- settings:start (generated from src/config/setting-definitions.ts by `npm run docs:settings`) -->';
export const SETTINGS_TABLE_END = '<!-- settings:end -->';

/** The README's settings table, one row per definition. */
export function settingsTable(): string {
  const rows = SETTINGS.map((s) => [
    `\`${s.env}\``,
    s.file ? `\`${s.file}\`` : '',
    s.flag ? `\`${s.flag}\`${s.flagCommands ? ` (${s.flagCommands.join(', ')})` : ''}` : '',
    s.defaultDoc ?? (s.default !== undefined ? `\`${s.default}\`` : 'unset'),
    s.description + secretNote(s),
  ]);
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return ['| variable | `zoomtrail.yml` | flag | default | what it sets |', '| --- | --- | --- | --- | --- |', ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

function secretNote(s: SettingDefinition): string {
  if (s.secret === 'value') return ' Secret: `zoomtrail config` hides it.';
  if (s.secret === 'url-password') return ' `zoomtrail config` hides its password.';
  return '';
}

/** `readme` with the text between the settings markers replaced by the current table; throws when a marker is missing. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(SETTINGS_TABLE_START);
  const end = readme.indexOf(SETTINGS_TABLE_END);
  if (start === -1 || end === -1 || end < start) throw new Error(`README.md must hold the markers ${SETTINGS_TABLE_START} and ${SETTINGS_TABLE_END}, in that order.`);
  return `${readme.slice(0, start + SETTINGS_TABLE_START.length)}\n${settingsTable()}\n${readme.slice(end)}`;
}
