import path from 'node:path';
import { pino, type Logger } from 'pino';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { loadNormalizers } from '../normalize/log-type-registry.js';
import type { Normalizer } from '../normalize/normalizer.js';
import { ActionableError } from '../shared/actionable-error.js';
import { shiftedClock, systemClock, type Clock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { LogType } from '../zoom/report-records.js';

/** What every command and the server share: the store, the normalizers, the logger and the clock. */
export interface AppContext {
  config: RuntimeConfig;
  store: Store;
  normalizers: ReadonlyMap<LogType, Normalizer>;
  logger: Logger;
  clock: Clock;
  close(): Promise<void>;
}

/**
 * Opens the store named by the config (SQLite under the data directory unless
 * DATABASE_URL says otherwise). Logs go to stderr, so stdout stays data.
 */
export async function openApp(config: RuntimeConfig, options: { clock?: Clock; logger?: Logger } = {}): Promise<AppContext> {
  const clock = options.clock ?? clockFromEnv(process.env);
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: 'zoomtrail' }, pino.destination({ fd: 2, sync: true }));
  const store = await openStore(config, clock);
  const normalizers = loadNormalizers();
  return { config, store, normalizers, logger, clock, close: () => store.close() };
}

async function openStore(config: RuntimeConfig, clock: Clock): Promise<Store> {
  const url = config.databaseUrl;
  if (url === undefined) return openSqliteStore({ dataDir: config.dataDir, clock });
  if (/^sqlite:/i.test(url)) {
    const file = path.resolve(url.replace(/^sqlite:(\/\/)?/i, ''));
    return openSqliteStore({ dataDir: path.dirname(file), fileName: path.basename(file), clock });
  }
  throw new ActionableError(
    'not_supported',
    'DATABASE_URL points at PostgreSQL, which this version of Zoomtrail cannot use yet.',
    'Unset DATABASE_URL to use the embedded SQLite store under --data-dir.',
  );
}

/** The system clock, or one shifted to start at ZOOMTRAIL_CLOCK_START (an RFC 3339 time) for reproducible runs. */
export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const start = env.ZOOMTRAIL_CLOCK_START;
  if (!start) return systemClock;
  const ms = Date.parse(start);
  if (Number.isNaN(ms)) throw new ActionableError('bad_config', `ZOOMTRAIL_CLOCK_START "${start}" is not an RFC 3339 time.`, 'Unset it (it is for tests and demos) or give a time such as 2026-03-10T12:00:00Z.');
  return shiftedClock(ms);
}
