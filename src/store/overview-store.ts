import type { Severity } from '../domain/severity.js';

/** Events of one log type in one UTC hour (from `event_hour_counts`). */
export interface HourlyLogTypeCount {
  hourMs: number;
  logType: string;
  count: number;
}

/** Alerts of one severity raised in one UTC hour. */
export interface HourlySeverityCount {
  hourMs: number;
  severity: Severity;
  count: number;
}

/** Open (raised, not acknowledged or resolved) alerts of one rule and severity. */
export interface OpenAlertCount {
  ruleId: string;
  severity: Severity;
  count: number;
}

export interface CountryCount {
  /** ISO 3166-1 alpha-2. */
  country: string;
  count: number;
}

/**
 * The overview's aggregates (GET /api/overview), each one indexed query:
 * hourly counts come from `event_hour_counts` (never from events), alerts by
 * `alerts_raised` / `alerts_status_raised`, sign-ins by `sign_ins_time_country`.
 */
export interface OverviewStore {
  /** Events per UTC hour and log type, for the hours starting in [hour of fromMs, toMs), oldest first. */
  eventCountsByHour(fromMs: number, toMs: number): Promise<HourlyLogTypeCount[]>;
  /** Alerts raised in [fromMs, toMs) per UTC hour of their raise and severity, oldest first. */
  alertCountsByHour(fromMs: number, toMs: number): Promise<HourlySeverityCount[]>;
  /** Open alerts per rule and severity, most first. */
  openAlertCounts(): Promise<OpenAlertCount[]>;
  /** Sign-ins in [fromMs, toMs) with a located address per country, most first, at most `limit`. */
  signInCountries(fromMs: number, toMs: number, limit: number): Promise<CountryCount[]>;
}
