import type { Command } from 'commander';
import { SETTINGS, type SettingKey } from '../config/setting-definitions.js';

/**
 * The settings given as flags to `command`: the global ones (`--data-dir`,
 * `--config`) and those its definition gives this command (start's `--port`);
 * a flag's commander attribute is its setting's key.
 */
export function settingFlags(command: Command): Partial<Record<SettingKey, string | number>> {
  const path = commandPath(command);
  const values = command.optsWithGlobals<Record<string, unknown>>();
  const flags: Partial<Record<SettingKey, string | number>> = {};
  for (const definition of SETTINGS) {
    if (!definition.flag || (definition.flagCommands && !definition.flagCommands.includes(path))) continue;
    const value = values[definition.key];
    if (typeof value === 'string' || typeof value === 'number') flags[definition.key] = value;
  }
  return flags;
}

/** `start`, `source add`: the command's names below the program. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
