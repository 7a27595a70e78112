import type { Command } from 'commander';
import { resolveRuntimeConfig, type ConfigInputs } from '../config/runtime-config.js';
import { displayValue, SETTINGS, type SettingSource } from '../config/setting-definitions.js';
import { EXIT, reportError } from './exit-codes.js';
import { settingFlags } from './setting-flags.js';

/** One line of `zoomtrail config`: a setting, its effective value (secrets hidden) and where it came from. */
export interface ConfigReportRow {
  key: string;
  env: string;
  file: string | null;
  flag: string | null;
  /** As shown: secrets hidden, a database URL without its password; null = unset. */
  value: string | number | null;
  source: SettingSource;
  /** The flag, variable or file key that gave the value; `default` otherwise. */
  from: string;
}

/** The effective configuration for `inputs`, each setting with its source; never a secret's value. */
export function configReport(inputs: ConfigInputs): { configFile: string | null; settings: ConfigReportRow[] } {
  const config = resolveRuntimeConfig(inputs);
  const { values, origins } = config.settings!;
  const settings = SETTINGS.map((definition): ConfigReportRow => {
    const raw =
      definition.key === 'publicUrl'
        ? config.publicUrl
        : definition.key === 'clockStart' && values.clockStart !== undefined
          ? new Date(values.clockStart).toISOString()
          : values[definition.key];
    const shown = raw === undefined ? null : definition.secret || typeof raw !== 'number' ? displayValue(definition, raw) : raw;
    const origin = origins[definition.key];
    return { key: definition.key, env: definition.env, file: definition.file ?? null, flag: definition.flag ?? null, value: shown, source: origin.source, from: origin.name };
  });
  return { configFile: config.configFile ?? null, settings };
}

/** The report as text: the config file, then one row per setting. */
export function formatConfigReport(report: ReturnType<typeof configReport>): string {
  const header = ['setting', 'value', 'source', 'variable'];
  const rows = report.settings.map((s) => [
    s.key,
    s.value === null ? '(unset)' : String(s.value),
    s.source === 'file' || s.source === 'flag' ? `${s.source} (${s.from})` : s.source,
    s.env,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `Config file: ${report.configFile ?? 'none'}\n${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** The action of `zoomtrail config`. */
export function runConfigCommand(options: { json?: boolean }, command: Command): void {
  try {
    const report = configReport({ flags: settingFlags(command) });
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatConfigReport(report));
    process.exitCode = EXIT.ok;
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
