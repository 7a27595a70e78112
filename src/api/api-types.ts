/**
 * The JSON API's request and response shapes: the contract between the
 * server's route plugins (src/api/routes/) and the console (web/). Types only
 * (the console imports this file); each route also declares matching JSON
 * schemas, from which the OpenAPI document at /api/openapi.json is built.
 *
 * Conventions: times are ISO 8601 UTC strings; ids are strings; errors are
 * `ApiError` with an HTTP status (400 validation, 401 not signed in, 403 CSRF
 * or forbidden, 404 unknown id, 409 conflict, 429 rate limited, 502 Zoom
 * refused or unreachable during a check). Secrets are never returned: a
 * record says `hasClientSecret: true`, never the value.
 */

export type Severity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type LogTypeName = 'Zoom.Activity' | 'Zoom.Operation';

/** Every error response. `fix` says what to do, in words. */
export interface ApiError {
  code: string;
  message: string;
  fix?: string;
  /** Validation: the fields at fault. */
  fields?: { field: string; message: string }[];
}

// --- session, setup, login, API tokens (public: GET /api/session, POST /api/setup, POST /api/login) ---

/** GET /api/session */
export interface SessionInfo {
  authenticated: boolean;
  username: string | null;
  /** Send as `X-CSRF-Token` on every POST/PATCH/PUT/DELETE made with the session cookie. */
  csrfToken: string | null;
  /** No admin exists yet: the console shows "use the setup link printed at start". */
  setupRequired: boolean;
}
/** POST /api/setup (one-time token from the printed setup link) -> SessionInfo, sets the cookie. */
export interface SetupRequest {
  token: string;
  username: string;
  /** At least 12 characters. */
  password: string;
}
/** POST /api/login -> SessionInfo, sets the cookie. 401 on a wrong user or password (same message for both). */
export interface LoginRequest {
  username: string;
  password: string;
}
/** POST /api/logout -> 204. */

/** GET /api/tokens -> { tokens: ApiTokenView[] }; POST /api/tokens { name } -> ApiTokenCreated; DELETE /api/tokens/:id -> 204 */
export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}
export interface ApiTokenCreated extends ApiTokenView {
  /** Shown once; only its hash is stored. Use as `Authorization: Bearer <token>`. */
  token: string;
}

// --- sources ----------------------------------------------------------------------

export type AuthKind = 's2s' | 'authorization_code';

/**
 * A source's health state (src/health/source-health.ts), most pressing first:
 * setup_incomplete, paused, reauthorization_required, wrong_credentials,
 * missing_scope, permission_missing, rate_limited, zoom_unavailable, error
 * (any other failure), not_collected_yet, no_data (no events for longer than
 * the drop-off period), classification_failures, rule_errors, reading, quiet
 * (polls succeed, Zoom had nothing new), healthy.
 */
export type SourceState =
  | 'setup_incomplete'
  | 'paused'
  | 'reauthorization_required'
  | 'wrong_credentials'
  | 'missing_scope'
  | 'permission_missing'
  | 'rate_limited'
  | 'zoom_unavailable'
  | 'error'
  | 'not_collected_yet'
  | 'no_data'
  | 'classification_failures'
  | 'rule_errors'
  | 'reading'
  | 'quiet'
  | 'healthy';

/** When the drop-off alarm holds its fire: whole `days` (0 = Sunday) and/or a daily `window` (HH:MM, wraps past midnight), in `timeZone`. */
export interface QuietScheduleView {
  timeZone: string;
  days?: number[];
  window?: { from: string; to: string };
}

/** One poll of one stream: `data` (new records stored), `empty` (Zoom answered, nothing new), `error`, `skipped` (backoff or rate-limit wait). */
export interface HeartbeatView {
  logType: LogTypeName;
  at: string;
  outcome: 'data' | 'empty' | 'error' | 'skipped';
  errorCode: string | null;
  records: number;
  durationMs: number;
}

/** An open system alarm about a source (log drop-off, days at risk). */
export interface AlarmView {
  alertId: string;
  ruleId: string;
  title: string;
  status: string;
  raisedAt: string | null;
}

export interface SourceView {
  id: string;
  name: string;
  authKind: AuthKind;
  zoomAccountId: string | null;
  clientId: string;
  apiUrl: string;
  oauthUrl: string;
  backfillDays: number;
  pollIntervalMs: number;
  paused: boolean;
  hasClientSecret: boolean;
  hasRefreshToken: boolean;
  /** Minutes without events before the log drop-off alarm fires; null = off. 15..43200. */
  dropOffAlarmMinutes: number | null;
  /** The drop-off alarm's quiet schedule, or null. */
  quietSchedule: QuietScheduleView | null;
  createdAt: string;
  state: SourceState;
  /** The cause, then ` — ` and the fix when there is one. */
  stateDetail: string;
  /** What is going on, in words (names the scope, permission, reset time...). */
  stateCause: string;
  /** What to do; empty when nothing is to be done. */
  stateFix: string;
  /** Since when the state holds, when known. */
  stateSince: string | null;
  lastEventTime: string | null;
  lastPollTime: string | null;
  eventsLast24h: number;
  /** Events per hour over the last 24 hours, oldest first (24 numbers). */
  sparkline: number[];
  lastError: { code: string; message: string; fix: string; at: string } | null;
}

/** GET /api/sources -> { sources: SourceView[] } */

/** POST /api/sources -> 201 SourceView. An authorization_code source starts paused with state `setup_incomplete` until authorized. */
export interface CreateSourceRequest {
  name: string;
  authKind: AuthKind;
  clientId: string;
  clientSecret: string;
  /** Required for s2s. */
  zoomAccountId?: string;
  apiUrl?: string;
  oauthUrl?: string;
  backfillDays?: number;
  pollIntervalMs?: number;
  dropOffAlarmMinutes?: number | null;
  quietSchedule?: QuietScheduleView | null;
  /** Create paused (the wizard does, until Finish Setup); an authorization_code source is always created paused. */
  paused?: boolean;
}
/** PATCH /api/sources/:id -> SourceView. A new clientSecret replaces the stored one. */
export interface UpdateSourceRequest {
  name?: string;
  clientId?: string;
  clientSecret?: string;
  zoomAccountId?: string;
  backfillDays?: number;
  pollIntervalMs?: number;
  paused?: boolean;
  dropOffAlarmMinutes?: number | null;
  /** null removes it. */
  quietSchedule?: QuietScheduleView | null;
}
/** POST /api/sources/:id/pause, /resume -> SourceView. DELETE /api/sources/:id -> 204 (also revokes a stored refresh token at Zoom, best effort). */
/** POST /api/sources/:id/backfill { days: 1..180 } -> SourceView: reads the last `days` days again (progress in SourceDetail.streams). */
export interface BackfillRequest {
  days: number;
}

export interface StreamView {
  logType: LogTypeName;
  newestEventTime: string | null;
  lastPollTime: string | null;
  lastSuccessTime: string | null;
  /** `from..to` of the window being read, or null. */
  readingWindow: string | null;
  readingPages: number;
  lastError: { code: string; message: string; fix: string; at: string } | null;
  consecutiveFailures: number;
  nextAttemptTime: string | null;
}
/** GET /api/sources/:id -> SourceDetail */
export interface SourceDetail {
  source: SourceView;
  streams: StreamView[];
  /** The last 24 h of polls, newest first. */
  heartbeats: HeartbeatView[];
  /** Complete days that later gained records (late records), newest first. */
  lateRecordDays: { day: string; logType: LogTypeName; gained: number }[];
  /** Open system alarms about the source. */
  openAlarms: AlarmView[];
}

export type CoverageState = 'complete' | 'open' | 'missing' | 'failed';
/** GET /api/sources/:id/coverage?days=180 -> CoverageView (days oldest first; a day with no row is `missing`). */
export interface CoverageView {
  days: {
    day: string;
    /** Per log type. */
    streams: Record<LogTypeName, { state: CoverageState; records: number; ambiguous: boolean; gainedAfterComplete: number; lastError: string | null }>;
  }[];
}

/** GET /api/setup-info -> SetupInfo: what the wizard shows (no secrets). */
export interface SetupInfo {
  /** `${publicUrl}/oauth/callback`: paste into Zoom's Redirect URL and OAuth allow list. */
  redirectUrl: string;
  publicUrl: string;
  /** Scopes to add in Zoom (classic and granular). */
  scopes: { classic: string[]; granular: string[] };
}

/**
 * POST /api/sources/:id/authorize -> { url }: Zoom's authorize page (state bound to this
 * session, single-use, PKCE S256). The browser goes there; Zoom sends it back to
 * GET /oauth/callback?code&state (public), which stores the refresh token and
 * redirects to `/sources/:id/setup?step=check` (or `?step=authorize&error=<message>`).
 */
export interface AuthorizeResponse {
  url: string;
}

/** POST /api/sources/:id/check -> CheckResult: a live check against Zoom, each step with a precise message and fix. */
export interface CheckResult {
  ok: boolean;
  steps: {
    name: 'token' | 'scopes' | 'plan' | 'activity_report' | 'operation_report';
    ok: boolean;
    /** What was found, e.g. "Granted scopes: report:read:admin" or "Missing scope report:read:admin". */
    message: string;
    /** How to fix it in Zoom, when not ok. */
    fix: string | null;
  }[];
}
/** POST /api/sources/:id/finish { dropOffAlarmMinutes } -> SourceView: unpauses; collection starts. */
export interface FinishSetupRequest {
  dropOffAlarmMinutes: number | null;
  quietSchedule?: QuietScheduleView | null;
}

// --- events, failures -------------------------------------------------------------

/**
 * GET /api/events?since&until&logType&sourceId&email&ip&category&action&text&change&cursor&limit
 * -> EventPage, newest first. `text` searches operation_detail (case-insensitive substring);
 * `change` searches the parsed changes' names (p_udm.changes[].name, substring);
 * `category`/`action` are exact (case-insensitive). limit 1..500, default 100.
 */
export interface EventView {
  rowId: string;
  sourceId: string;
  logType: LogTypeName;
  eventTime: string;
  storedAt: string;
  /** The whole normalized event (Zoom fields and p_ fields). Render values as text, never as HTML. */
  event: Record<string, unknown>;
}
export interface EventPage {
  events: EventView[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}
/** GET /api/events/histogram?<same filters>&buckets=48 -> Histogram (buckets oldest first over [since, until)). */
export interface Histogram {
  bucketMs: number;
  buckets: { start: string; count: number }[];
}
/** GET /api/events/export?<same filters>&format=ndjson|csv -> the file (Content-Disposition: attachment). */
/** GET /api/events/:rowId -> EventView */

/** GET /api/failures?sourceId&logType&limit -> { failures: FailureView[], total: number } */
export interface FailureView {
  rowId: string;
  sourceId: string;
  logType: LogTypeName;
  day: string;
  raw: string;
  reason: string;
  field: string | null;
  failedAt: string;
}

// --- rules, rule errors ----------------------------------------------------------

export interface RuleView {
  id: string;
  displayName: string;
  logTypes: LogTypeName[];
  severity: Severity;
  description: string;
  runbook: string;
  reference: string;
  tags: string[];
  mitre: string[];
  dedupPeriodMinutes: number;
  threshold: number;
  enabled: boolean;
  defaultEnabled: boolean;
  /** The rule's own tests, run by the server. */
  tests: { passed: number; failed: number; results: { name: string; expectMatch: boolean; passed: boolean; problems: string[] }[] };
  alertsLast7Days: number;
}
/** GET /api/rules -> { rules: RuleView[] }; PATCH /api/rules/:id { enabled } -> RuleView */
/** GET /api/rule-errors?ruleId&limit -> { errors: RuleErrorView[], total: number } */
export interface RuleErrorView {
  ruleId: string;
  rowId: string;
  sourceId: string;
  logType: LogTypeName;
  functionName: string;
  message: string;
  at: string;
}

// --- alerts -------------------------------------------------------------------------

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export interface AlertView {
  id: string;
  type: 'rule' | 'system';
  ruleId: string;
  ruleDisplayName: string;
  title: string;
  severity: Severity;
  dedup: string;
  status: AlertStatus;
  eventCount: number;
  firstEventTime: string;
  lastEventTime: string;
  raisedAt: string;
  statusChangedAt: string | null;
  statusNote: string | null;
  context: Record<string, unknown>;
}
/**
 * How GET /api/alerts orders: `last-event` newest last event first (the default), `severity` most
 * severe first, `status` open then acknowledged then resolved, `raised` newest raised first.
 * Ties: newest last event, then id.
 */
export type AlertSort = 'last-event' | 'severity' | 'status' | 'raised';
/**
 * GET /api/alerts?status=open,acknowledged&severity=HIGH,CRITICAL&ruleId&sort&cursor&limit -> AlertPage.
 * limit 1..500, default 100. A cursor that is not a nextCursor given for the same sort is a 400 (with `fix`).
 */
export interface AlertPage {
  alerts: AlertView[];
  /** Pass as `cursor` (same sort and filters) for the next page; null at the end. */
  nextCursor: string | null;
  /** Alerts matching the filters, on every page: "showing N of total". */
  total: number;
}
/** GET /api/alerts/:id -> AlertDetail */
export interface AlertDetail {
  alert: AlertView;
  rule: { description: string; runbook: string; reference: string; tags: string[]; mitre: string[] } | null;
  /** The matched events (up to 100). */
  events: EventView[];
  deliveries: {
    id: string;
    destinationName: string;
    notice: 'raised' | 'resolved';
    state: 'pending' | 'delivered' | 'failed';
    attempts: number;
    lastError: string | null;
    deliveredAt: string | null;
  }[];
}

// --- destinations ---------------------------------------------------------------------

export type DestinationKind = 'webhook' | 'slack' | 'pagerduty' | 'log';
export interface DestinationView {
  id: string;
  name: string;
  kind: DestinationKind;
  enabled: boolean;
  /** webhook / pagerduty URL (a Slack URL is the secret and never shown). */
  url: string | null;
  minSeverity: Severity;
  ruleIds: string[];
  hasSecret: boolean;
  createdAt: string;
}
/** GET /api/destinations -> { destinations: DestinationView[] }; POST -> 201 DestinationView; PATCH /:id; DELETE /:id -> 204 */
export interface CreateDestinationRequest {
  name: string;
  kind: DestinationKind;
  url?: string;
  /** webhook signing secret, Slack webhook URL, or PagerDuty routing key. */
  secret?: string;
  minSeverity?: Severity;
  ruleIds?: string[];
  enabled?: boolean;
}
export type UpdateDestinationRequest = Partial<Omit<CreateDestinationRequest, 'kind'>>;
/** POST /api/destinations/:id/test -> TestDeliveryResult (a sample alert sent directly, not through the outbox) */
export interface TestDeliveryResult {
  ok: boolean;
  /** The destination's HTTP status, null when none (a log destination, no answer). */
  status: number | null;
  /** What happened, whole (it names the status when there is one: "HTTP 200 from hooks.slack.com"): show it alone. */
  message: string;
}

// --- health ----------------------------------------------------------------------------

/** GET /api/health -> HealthView (authenticated; per source). */
export interface HealthView {
  ok: boolean;
  version: string;
  pendingDetections: number;
  pendingDeliveries: number;
  sources: {
    id: string;
    name: string;
    state: SourceState;
    stateDetail: string;
    cause: string;
    fix: string;
    since: string | null;
    lastEventTime: string | null;
    lastPollTime: string | null;
    openAlarms: AlarmView[];
  }[];
}
