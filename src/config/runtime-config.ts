import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ActionableError } from '../shared/actionable-error.js';
import { parseYaml } from '../shared/parse-yaml.js';
import { derivedPublicUrl } from './public-url.js';

/** Where Zoomtrail keeps its data and how it logs; resolved once per process. */
export interface RuntimeConfig {
  /** Directory of the SQLite database and the secret key file. */
  dataDir: string;
  /** `DATABASE_URL`: unset for the embedded SQLite store under `dataDir`. */
  databaseUrl: string | undefined;
  logLevel: string;
  /** The config file read, if any. */
  configFile: string | undefined;
  /** Port of the HTTP server (API and console). */
  port: number;
  /**
   * Base URL browsers reach Zoomtrail at, no trailing slash; the OAuth Redirect URL is
   * `${publicUrl}/oauth/callback`. Default `http://localhost:<port>` (see derivedPublicUrl).
   */
  publicUrl: string;
  /**
   * True when ZOOMTRAIL_PUBLIC_URL or publicUrl in the config file set the public
   * URL: it is then used as is, whatever port the server listens on (see
   * effectivePublicUrl); false or absent when it is derived from the port.
   */
  publicUrlIsSet?: boolean;
  /**
   * Where `start` writes its JSON logs (ZOOMTRAIL_LOG_FORMAT or logFormat in the
   * config file): `json` on stderr, `file` to `<dataDir>/zoomtrail.log`. Absent:
   * chosen by `start` (file on a terminal, json otherwise).
   */
  logFormat?: LogFormat;
}

/** Where JSON logs go: `json` = on stderr; `file` = `<dataDir>/zoomtrail.log`. */
export type LogFormat = 'json' | 'file';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'file'];

export interface ConfigInputs {
  /** `--data-dir`. */
  dataDir?: string;
  /** `--config`. */
  config?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const DEFAULT_CONFIG_FILE = 'zoomtrail.yml';
const FILE_KEYS = ['dataDir', 'databaseUrl', 'logLevel', 'logFormat', 'port', 'publicUrl'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Settings from, strongest first: command-line flags, environment
 * (`ZOOMTRAIL_DATA_DIR`, `DATABASE_URL`, `ZOOMTRAIL_LOG_LEVEL`, `ZOOMTRAIL_LOG_FORMAT`, `ZOOMTRAIL_PORT`,
 * `ZOOMTRAIL_HOST` (only to derive the default public URL), `ZOOMTRAIL_PUBLIC_URL`),
 * the config file (`--config`, `ZOOMTRAIL_CONFIG`, or `./zoomtrail.yml` if
 * present), then defaults (`./data`, SQLite, `info`, 8080).
 */
export function resolveRuntimeConfig(inputs: ConfigInputs = {}): RuntimeConfig {
  const env = inputs.env ?? process.env;
  const cwd = inputs.cwd ?? process.cwd();
  const explicit = inputs.config ?? env.ZOOMTRAIL_CONFIG;
  const configFile = explicit ? path.resolve(cwd, explicit) : existsSync(path.join(cwd, DEFAULT_CONFIG_FILE)) ? path.join(cwd, DEFAULT_CONFIG_FILE) : undefined;
  const file = configFile ? readConfigFile(configFile) : {};

  const dataDir = path.resolve(cwd, inputs.dataDir ?? env.ZOOMTRAIL_DATA_DIR ?? stringSetting(file, 'dataDir', configFile) ?? 'data');
  const databaseUrl = env.DATABASE_URL || stringSetting(file, 'databaseUrl', configFile) || undefined;
  const logLevel = env.ZOOMTRAIL_LOG_LEVEL ?? stringSetting(file, 'logLevel', configFile) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ActionableError('bad_config', `Log level "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}.`, 'Set ZOOMTRAIL_LOG_LEVEL or logLevel in the config file to one of them.');
  }
  const portText = env.ZOOMTRAIL_PORT ?? (file.port === undefined ? undefined : String(file.port));
  const port = portText === undefined ? 8080 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ActionableError('bad_config', `Port "${portText}" is not a TCP port.`, 'Set ZOOMTRAIL_PORT or port in the config file to a number from 0 to 65535.');
  }
  if (databaseUrl !== undefined && !/^(postgres(ql)?|sqlite):/i.test(databaseUrl)) {
    throw new ActionableError('bad_config', 'DATABASE_URL is neither a postgres:// nor a sqlite: URL.', 'Unset DATABASE_URL to use SQLite under the data directory, or set it to postgres://user@host:5432/db.');
  }
  const logFormatText = env.ZOOMTRAIL_LOG_FORMAT || stringSetting(file, 'logFormat', configFile) || undefined;
  if (logFormatText !== undefined && !(LOG_FORMATS as readonly string[]).includes(logFormatText)) {
    throw new ActionableError('bad_config', `Log format "${logFormatText}" is not one of ${LOG_FORMATS.join(', ')}.`, 'Set ZOOMTRAIL_LOG_FORMAT or logFormat in the config file to json (logs on stderr) or file (logs in the data directory), or unset it.');
  }
  const setPublicUrl = env.ZOOMTRAIL_PUBLIC_URL || stringSetting(file, 'publicUrl', configFile) || undefined;
  const publicUrl = setPublicUrl === undefined ? derivedPublicUrl(env.ZOOMTRAIL_HOST || '127.0.0.1', port) : parsePublicUrl(setPublicUrl);
  return {
    dataDir,
    databaseUrl,
    logLevel,
    configFile,
    port,
    publicUrl,
    publicUrlIsSet: setPublicUrl !== undefined,
    ...(logFormatText === undefined ? {} : { logFormat: logFormatText as LogFormat }),
  };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ActionableError('bad_config', `Cannot read the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, 'Check the path given to --config or ZOOMTRAIL_CONFIG.');
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ActionableError('bad_config', `The config file ${file} is not valid YAML: ${(error as Error).message}`, 'Fix the YAML syntax at the line named.');
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ActionableError('bad_config', `The config file ${file} must be a mapping of settings.`, `Write it as "key: value" lines; known keys: ${FILE_KEYS.join(', ')}.`);
  }
  const record = parsed as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(FILE_KEYS as readonly string[]).includes(key)) {
      throw new ActionableError('bad_config', `Unknown setting "${key}" in ${file}.`, `Known settings: ${FILE_KEYS.join(', ')}.`);
    }
  }
  return record;
}

function stringSetting(file: Record<string, unknown>, key: string, configFile: string | undefined): string | undefined {
  const value = file[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ActionableError('bad_config', `Setting "${key}" in ${configFile} must be text.`, `Quote the value of ${key}.`);
  return value;
}

/** An http(s) origin with an optional path, returned without a trailing slash. */
function parsePublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL('invalid:');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    throw new ActionableError(
      'bad_config',
      `The public URL "${text}" is not an http(s) URL without credentials, query or fragment.`,
      'Set ZOOMTRAIL_PUBLIC_URL (or publicUrl in the config file) to the address browsers use, e.g. https://zoomtrail.example.com.',
    );
  }
  return url.toString().replace(/\/+$/, '');
}
