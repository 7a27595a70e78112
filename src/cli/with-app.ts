import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { AppContext } from '../app/app-context.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { EXIT, reportError } from './exit-codes.js';
import { visibleText } from './terminal-text.js';
import { settingFlags } from './setting-flags.js';

export interface GlobalOptions {
  dataDir?: string;
  config?: string;
}

export interface WithAppOptions {
  /** The app's logger, made from the resolved config; default JSON lines on stderr. */
  logger?: (config: RuntimeConfig) => Logger;
  /** The command only reads the store: open it read-only when it is there and up to date (openApp's `readOnly`). */
  readOnly?: boolean;
}

/** Opens the app with the global options of `command`, runs `work`, closes, and sets the exit code. */
export async function withApp(command: Command, work: (app: AppContext) => Promise<number | void>, options: WithAppOptions = {}): Promise<void> {
  let app: AppContext | undefined;
  try {
    // Loaded here, not at the top: `zoomtrail --help` and option errors never open a store.
    const [{ openApp }, { resolveRuntimeConfig }] = await Promise.all([import('../app/app-context.js'), import('../config/runtime-config.js')]);
    const config = resolveRuntimeConfig({ flags: settingFlags(command) });
    app = await openApp(config, { ...(options.logger ? { logger: options.logger(config) } : {}), ...(options.readOnly === true ? { readOnly: true } : {}) });
    process.exitCode = (await work(app)) ?? EXIT.ok;
  } catch (error) {
    process.exitCode = reportError(error);
  } finally {
    await app?.close().catch(() => undefined);
  }
}

/**
 * withApp for a command that only reads the store: a SQLite store that is there and up to date is opened
 * read-only (no migration, optimize, checkpoint or write); a new or outdated one is created or migrated as by withApp.
 */
export function withReadOnlyApp(command: Command, work: (app: AppContext) => Promise<number | void>): Promise<void> {
  return withApp(command, work, { readOnly: true });
}

/** A plain-text table: columns padded to their widest cell, two spaces apart; control characters shown escaped (terminal-text.ts). */
export function formatTable(header: string[], rawRows: string[][]): string {
  const rows = rawRows.map((row) => row.map(visibleText));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
