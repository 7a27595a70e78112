import path from 'node:path';
import { loadSettings, type LoadedSettings, type LoadSettingsInputs } from './load-settings.js';
import { derivedPublicUrl } from './public-url.js';
import { DEFAULT_HISTORY_SETTINGS, type HistorySettings } from '../domain/history-settings.js';
import type { LogFormat, SettingValues } from './setting-definitions.js';

/** Where Zoomtrail keeps its data and how it logs; resolved once per process. */
export interface RuntimeConfig {
  /** Directory of the SQLite database and the secret key file. */
  dataDir: string;
  /** ZOOMTRAIL_RULES_DIR: the user rules' directory; default `rules/` beside `dataDir`. Optional only for configs built by hand (tests). */
  rulesDir?: string;
  /** ZOOMTRAIL_RULE_TIME_BUDGET_MS. */
  ruleTimeBudgetMs?: number;
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
  /*
   * The settings below are optional only so that tests can build a config by
   * hand; resolveRuntimeConfig always fills them (defaults in setting-definitions.ts).
   */
  /** ZOOMTRAIL_HOST: the address `start` listens on. */
  host?: string;
  /** ZOOMTRAIL_SECRET_KEY, as given (the store checks it). */
  secretKey?: string | undefined;
  /** ZOOMTRAIL_SECRET_KEY_FILE (PostgreSQL). */
  secretKeyFile?: string | undefined;
  /** ZOOMTRAIL_CLOCK_START as epoch ms: the clock starts there (tests, demos). */
  clockStartMs?: number | undefined;
  /** ZOOMTRAIL_LEASE_TTL_MS. */
  leaseTtlMs?: number;
  /** ZOOMTRAIL_MAX_CONCURRENT_SOURCES. */
  maxConcurrentSources?: number;
  /** ZOOMTRAIL_DB_IDLE_TRANSACTION_TIMEOUT_MS (PostgreSQL). */
  dbIdleTransactionTimeoutMs?: number;
  /** ZOOMTRAIL_COMPLETENESS_MARGIN_DAYS. */
  completenessMarginDays?: number;
  /** ZOOMTRAIL_SINK_STUCK_ALARM_MINUTES. */
  sinkStuckAlarmMinutes?: number;
  /** ZOOMTRAIL_RETENTION_ACTIVITY_DAYS: days Zoom.Activity events are kept; unset = forever. */
  retentionActivityDays?: number | undefined;
  /** ZOOMTRAIL_RETENTION_OPERATION_DAYS: days Zoom.Operation events are kept; unset = forever. */
  retentionOperationDays?: number | undefined;
  /** ZOOMTRAIL_TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed; unset = none. */
  trustedProxies?: string[] | undefined;
  /** ZOOMTRAIL_ALLOWED_NETWORKS: non-public networks outbound URLs may reach; unset = none. */
  allowedNetworks?: string[] | undefined;
  /** ZOOMTRAIL_OIDC_*: single sign-on, when an issuer and a client id are set. */
  oidc?: OidcSettings | undefined;
  /** ZOOMTRAIL_GEOIP_CITY_DB and ZOOMTRAIL_GEOIP_ASN_DB: unset = the packaged databases, `off`, or a path. */
  geoip?: { cityDb: string | undefined; asnDb: string | undefined };
  /** ZOOMTRAIL_HISTORY_*: the history rules' thresholds and look-backs. */
  historySettings?: HistorySettings;
  /** ZOOMTRAIL_ACCOUNT_ID, ZOOMTRAIL_CLIENT_ID, ZOOMTRAIL_CLIENT_SECRET (`pull`, `source add`). */
  zoomCredentials?: { accountId: string | undefined; clientId: string | undefined; clientSecret: string | undefined };
  /** Every resolved value and where it came from (`zoomtrail config`). */
  settings?: Pick<LoadedSettings, 'values' | 'origins'>;
}

export { LOG_FORMATS, type LogFormat } from './setting-definitions.js';

/** OpenID Connect single sign-on (ZOOMTRAIL_OIDC_*). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Absent: a public client (PKCE only). Never logged. */
  clientSecret: string | undefined;
  /** The ID token claim that names the role. */
  roleClaim: string;
  /** Claim value -> role; a value not listed gives nothing. */
  roleMap: Readonly<Record<string, 'admin' | 'analyst' | 'viewer'>>;
}

export interface ConfigInputs {
  /** `--data-dir`. */
  dataDir?: string;
  /** `--config`. */
  config?: string;
  /** Other flags that set a setting (start's `--port`, `--host`, `--log-format`; pull's credentials), by setting key. */
  flags?: LoadSettingsInputs['flags'];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Every setting of SETTINGS (setting-definitions.ts), from, strongest first:
 * command-line flags, environment, the config file (`--config`,
 * `ZOOMTRAIL_CONFIG`, or `./zoomtrail.yml` if present), then defaults; see
 * loadSettings. The public URL, when not set, derives from the host and port.
 */
export function resolveRuntimeConfig(inputs: ConfigInputs = {}): RuntimeConfig {
  const { values, origins, configFile } = loadSettings({
    flags: { ...inputs.flags, dataDir: inputs.dataDir ?? inputs.flags?.dataDir, config: inputs.config ?? inputs.flags?.config },
    ...(inputs.env ? { env: inputs.env } : {}),
    ...(inputs.cwd ? { cwd: inputs.cwd } : {}),
  });
  const publicUrl = values.publicUrl ?? derivedPublicUrl(values.host, values.port);
  return Object.freeze({
    dataDir: values.dataDir,
    rulesDir: defaultRulesDir(values.dataDir, values.rulesDir),
    ruleTimeBudgetMs: values.ruleTimeBudgetMs,
    databaseUrl: values.databaseUrl,
    logLevel: values.logLevel,
    configFile,
    port: values.port,
    publicUrl,
    publicUrlIsSet: values.publicUrl !== undefined,
    ...(values.logFormat === undefined ? {} : { logFormat: values.logFormat }),
    host: values.host,
    secretKey: values.secretKey,
    secretKeyFile: values.secretKeyFile,
    clockStartMs: values.clockStart,
    leaseTtlMs: values.leaseTtlMs,
    maxConcurrentSources: values.maxConcurrentSources,
    dbIdleTransactionTimeoutMs: values.dbIdleTransactionTimeoutMs,
    completenessMarginDays: values.completenessMarginDays,
    sinkStuckAlarmMinutes: values.sinkStuckAlarmMinutes,
    retentionActivityDays: values.retentionActivityDays,
    retentionOperationDays: values.retentionOperationDays,
    trustedProxies: values.trustedProxies,
    allowedNetworks: values.allowedNetworks,
    geoip: { cityDb: values.geoipCityDb, asnDb: values.geoipAsnDb },
    oidc:
      values.oidcIssuer !== undefined && values.oidcClientId !== undefined
        ? { issuer: values.oidcIssuer, clientId: values.oidcClientId, clientSecret: values.oidcClientSecret, roleClaim: values.oidcRoleClaim, roleMap: values.oidcRoleMap }
        : undefined,
    historySettings: historySettingsOf(values),
    zoomCredentials: { accountId: values.accountId, clientId: values.clientId, clientSecret: values.clientSecret },
    settings: { values, origins },
  });
}

/** The history rules' settings from the ZOOMTRAIL_HISTORY_* values (the rest: DEFAULT_HISTORY_SETTINGS). */
export function historySettingsOf(values: SettingValues): HistorySettings {
  const d = DEFAULT_HISTORY_SETTINGS;
  return {
    learningDays: values.historyLearningDays,
    newCountry: { lookbackDays: values.historyNewCountryLookbackDays },
    newAsn: { lookbackDays: values.historyNewAsnLookbackDays },
    impossibleTravel: { maxSpeedKmh: values.historyTravelMaxKmh },
    signInBurst: { ...d.signInBurst, countries: values.historyBurstCountries, ips: values.historyBurstIps },
    dormantAccount: { ...d.dormantAccount, silenceDays: values.historyDormantDays },
    sharedSourceIp: { ...d.sharedSourceIp, users: values.historySharedIpUsers, allowCidrs: values.historyEgressAllowCidrs },
    privilegeThenWeakening: { windowMinutes: values.historyPrivilegeWindowMinutes },
  };
}

/** The rules directory: as set, else `rules/` beside the data directory (`./data` -> `./rules`). */
export function defaultRulesDir(dataDir: string, rulesDir?: string): string {
  return rulesDir ?? path.join(path.dirname(dataDir), 'rules');
}
