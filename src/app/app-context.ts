import path from 'node:path';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { GeoIpSourceError } from '../normalize/geoip/geoip-sources.js';
import { sharedIpLocator, type IpLocator } from '../normalize/ip-locator.js';
import { DEFAULT_SCHEMA_DIR, loadNormalizers } from '../normalize/log-type-registry.js';
import type { Normalizer } from '../normalize/normalizer.js';
import { ActionableError } from '../shared/actionable-error.js';
import type { OutboundAccess } from '../shared/guarded-fetch.js';
import { shiftedClock, systemClock, type Clock } from '../shared/clock.js';
import { createStderrLogger } from '../shared/logger.js';
import { isPostgresUrl, redactDatabaseUrl } from '../store/postgres-url.js';
import type { Store } from '../store/store.js';
import type { LogType } from '../zoom/report-records.js';
import { outboundAccessFor } from './outbound-access.js';

/** What every command and the server share: the store, the normalizers, the logger, the clock and the way out (outbound). */
export interface AppContext {
  config: RuntimeConfig;
  store: Store;
  normalizers: ReadonlyMap<LogType, Normalizer>;
  /** IP enrichment (ZOOMTRAIL_GEOIP_*): one per process; its databases open on the first lookup. */
  ipLocator?: IpLocator;
  logger: Logger;
  clock: Clock;
  /**
   * The outbound address policy (ZOOMTRAIL_ALLOWED_NETWORKS) and the guarded
   * fetch every outbound connection goes through (Zoom, OAuth, destinations).
   */
  outbound: OutboundAccess;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  clock?: Clock;
  logger?: Logger;
  /**
   * The command only reads: a SQLite store that is there and up to date is
   * opened read-only (`openSqliteStore({ readOnly: true })`: no migration,
   * optimize, checkpoint or write); one that is not (a first run, an upgrade)
   * is opened for writing as without it, so it is created or migrated.
   */
  readOnly?: boolean;
}

/**
 * Opens the store named by the config (SQLite under the data directory unless
 * DATABASE_URL says otherwise: `sqlite:<file>`, or `postgres://` / `postgresql://`
 * for PostgreSQL, which needs ZOOMTRAIL_SECRET_KEY). Logs go to stderr, so stdout stays data.
 */
export async function openApp(config: RuntimeConfig, options: OpenAppOptions = {}): Promise<AppContext> {
  const clock = options.clock ?? configuredClock(config.clockStartMs);
  const store = await openStore(config, clock, options.readOnly === true);
  let logger = options.logger;
  let normalizers: ReadonlyMap<LogType, Normalizer> | undefined;
  const warnings = store.securityWarnings();
  if (warnings.length > 0) {
    logger ??= createStderrLogger({ level: config.logLevel, name: 'zoomtrail' });
    for (const warning of warnings) logger.warn(warning);
  }
  let ipLocator: IpLocator | undefined;
  let outbound: OutboundAccess | undefined;
  const locator = (): IpLocator => (ipLocator ??= openIpLocator(config));
  return {
    config,
    store,
    // Compiled on first use: only the commands that collect need them.
    get normalizers() {
      return (normalizers ??= loadNormalizers(DEFAULT_SCHEMA_DIR, locator()));
    },
    get ipLocator() {
      return locator();
    },
    // Made on first use: the commands that only read the store never load pino.
    get logger() {
      return (logger ??= createStderrLogger({ level: config.logLevel, name: 'zoomtrail' }));
    },
    clock,
    // Made on first use: only the commands that connect out need the address policy.
    get outbound() {
      return (outbound ??= outboundAccessFor(config));
    },
    close: () => store.close(),
  };
}

/** The process's IP locator for the config's ZOOMTRAIL_GEOIP_* settings; a path that is not there is an ActionableError. */
function openIpLocator(config: RuntimeConfig): IpLocator {
  try {
    // The parsed ASN table is kept under the data directory (`cache/`), so only the first process parses the CSV files.
    const asnCacheDir = config.dataDir === ':memory:' ? undefined : path.join(config.dataDir, 'cache');
    return sharedIpLocator({ ...(config.geoip ?? {}), ...(asnCacheDir === undefined ? {} : { asnCacheDir }) });
  } catch (err) {
    if (err instanceof GeoIpSourceError) throw new ActionableError('bad_config', err.message, err.fix);
    throw err;
  }
}

/** Loads only the store's own driver: a SQLite command never loads pg, a PostgreSQL one never better-sqlite3. */
async function openStore(config: RuntimeConfig, clock: Clock, readOnly: boolean): Promise<Store> {
  const url = config.databaseUrl;
  const secretKey = config.secretKey;
  if (url === undefined || /^sqlite:/i.test(url)) {
    const file = url === undefined ? undefined : path.resolve(url.replace(/^sqlite:(\/\/)?/i, ''));
    const where = file === undefined ? { dataDir: config.dataDir } : { dataDir: path.dirname(file), fileName: path.basename(file) };
    const [{ openSqliteStore }, { StoreNotReadyError }] = await Promise.all([import('../store/sqlite-store.js'), import('../store/store-errors.js')]);
    if (readOnly) {
      try {
        return await openSqliteStore({ ...where, clock, secretKey, readOnly: true });
      } catch (error) {
        // Not there yet, or to be migrated: the writable open below creates or migrates it.
        if (!(error instanceof StoreNotReadyError)) throw error;
      }
    }
    return openSqliteStore({ ...where, clock, secretKey });
  }
  if (isPostgresUrl(url)) {
    const { openPostgresStore } = await import('../store/postgres-store.js');
    return openPostgresStore({ clock, secretKey, secretKeyFile: config.secretKeyFile, idleTransactionTimeoutMs: config.dbIdleTransactionTimeoutMs, ...postgresTarget(url) });
  }
  throw new ActionableError(
    'bad_config',
    `DATABASE_URL ${redactDatabaseUrl(url)} is neither a postgres:// nor a sqlite: URL.`,
    'Unset DATABASE_URL to use SQLite under the data directory, or set it to postgres://user@host:5432/db.',
  );
}

/** The system clock, or one shifted to start at `startMs` (ZOOMTRAIL_CLOCK_START) for reproducible runs. */
export function configuredClock(startMs: number | undefined): Clock {
  return startMs === undefined ? systemClock : shiftedClock(startMs);
}

/**
 * `?schema=<name>` on a PostgreSQL DATABASE_URL (Zoomtrail's own parameter,
 * removed before connecting): the schema Zoomtrail lives in, created if
 * missing, so one database can hold several deployments (or tests).
 */
export function postgresTarget(url: string): { url: string; schema?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (schema === null) return { url };
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}
