import type { Generated } from 'kysely';
/**
 * The store's tables as Kysely sees them (created by `migrations/`). Column
 * names are snake_case; times are ms since the epoch (`bigint`); booleans are
 * integers 0/1 so SQLite and PostgreSQL share one schema. Integer columns are
 * typed `number | string` where PostgreSQL's driver may return bigint as text:
 * readers convert with `Number()`.
 */
export interface StoreTables {
  meta: MetaTable;
  sources: SourcesTable;
  streams: StreamsTable;
  day_coverage: DayCoverageTable;
  events: EventsTable;
  event_indicators: EventIndicatorsTable;
  event_hour_counts: EventHourCountsTable;
  classification_failures: ClassificationFailuresTable;
  detection_pending: DetectionPendingTable;
  rule_tuning: RuleTuningTable;
  rule_set_instances: RuleSetInstancesTable;
  rule_suppressions: RuleSuppressionsTable;
  saved_searches: SavedSearchesTable;
  rule_errors: RuleErrorsTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  alert_history: AlertHistoryTable;
  destinations: DestinationsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  source_leases: SourceLeasesTable;
  request_budget: RequestBudgetTable;
  budget_holds: BudgetHoldsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  setup_tokens: SetupTokensTable;
  oauth_states: OAuthStatesTable;
  heartbeats: HeartbeatsTable;
  sign_ins: SignInsTable;
  history_pending: HistoryPendingTable;
  audit_log: AuditLogTable;
  oidc_logins: OidcLoginsTable;
  oidc_identities: OidcIdentitiesTable;
  forward_log: ForwardLogTable;
  sinks: SinksTable;
  sink_cursors: SinkCursorsTable;
  sink_dead_letters: SinkDeadLettersTable;
  coverage_records: CoverageRecordsTable;
  sink_leases: SinkLeasesTable;
}

/** A bigint column: a number from SQLite, possibly a string from PostgreSQL. */
export type BigIntColumn = number | string;

export interface MetaTable {
  key: string;
  value: string;
}

export interface SourcesTable {
  id: string;
  name: string;
  auth_kind: string;
  zoom_account_id: string | null;
  client_id: string;
  api_url: string;
  oauth_url: string;
  backfill_days: number;
  poll_interval_ms: BigIntColumn;
  settle_days: number;
  reconcile_interval_ms: BigIntColumn;
  requests_per_second: number;
  requests_per_day: number;
  paused: number;
  client_secret_sealed: string;
  refresh_token_sealed: string | null;
  drop_off_alarm_minutes: number | null;
  /** QuietSchedule as JSON (migration 004), or null. */
  quiet_schedule_json?: string | null;
  /** 0 for a draft saved before its setup was finished (migration 006); 1 otherwise. */
  setup_finished?: number;
  created_at: BigIntColumn;
  updated_at: BigIntColumn;
}

export interface StreamsTable {
  source_id: string;
  log_type: string;
  newest_event_time_ms: BigIntColumn | null;
  last_poll_at: BigIntColumn | null;
  last_success_at: BigIntColumn | null;
  reading_window: string | null;
  reading_pages: number;
  last_error_json: string | null;
  consecutive_failures: number;
  next_attempt_at: BigIntColumn | null;
}

export interface DayCoverageTable {
  source_id: string;
  log_type: string;
  day: string;
  records: number;
  last_full_read_at: BigIntColumn | null;
  state: string;
  ambiguous: number;
  gained_after_complete: number;
  last_error: string | null;
  updated_at: BigIntColumn;
}

export interface EventsTable {
  /** PostgreSQL only: the integer the event's `event_indicators` keys name it by (migration 035; SQLite's is the rowid). */
  id?: Generated<BigIntColumn>;
  row_id: string;
  source_id: string;
  log_type: string;
  day: string;
  event_time_ms: BigIntColumn;
  stored_at: BigIntColumn;
  event_json: string;
}

/**
 * Events per UTC hour of event time, source and log type (migration 007): added to by the page
 * writers in the page's transaction, taken from by a trigger on DELETE of events.
 */
export interface EventHourCountsTable {
  /** The hour's first ms. */
  hour_ms: BigIntColumn;
  source_id: string;
  log_type: string;
  event_count: BigIntColumn;
}

export interface EventIndicatorsTable {
  /** PostgreSQL: the event's `events.id` (migration 035). SQLite has `event_rowid` instead (migration 026; EventSql.indicatorLink). */
  event_id: BigIntColumn;
  /** SQLite: the rowid of the event in `events` (migration 026). PostgreSQL has `event_id` instead. */
  event_rowid: number;
  /** `email`, `ip`, `country` or `asn` as its small integer (SQLite: migration 027; PostgreSQL: 035; indicator-kind-codes.ts). */
  kind: number;
  value: string;
  /** The event's time (migration 017): the key is (kind, value, event_time_ms, event), so a value's events read in time order. */
  event_time_ms: BigIntColumn;
}

export interface ClassificationFailuresTable {
  row_id: string;
  source_id: string;
  log_type: string;
  day: string;
  raw: string;
  reason: string;
  field: string | null;
  failed_at: BigIntColumn;
}

export interface DetectionPendingTable {
  row_id: string;
  queued_at: BigIntColumn;
}

export interface RuleTuningTable {
  rule_id: string;
  enabled: number | null;
  severity: string | null;
  dedup_period_minutes: number | null;
  threshold: number | null;
  destinations_json: string | null;
  updated_by: string;
  updated_at: BigIntColumn;
}

export interface RuleSetInstancesTable {
  owner: string;
  digest: string;
  user_rules: number;
  load_errors: number;
  seen_at: BigIntColumn;
}

export interface RuleSuppressionsTable {
  id: string;
  rule_id: string;
  match_json: string;
  reason: string;
  until_ms: BigIntColumn | null;
  created_by: string;
  created_at: BigIntColumn;
  suppressed_count: Generated<BigIntColumn>;
  last_suppressed_ms: BigIntColumn | null;
}

export interface SavedSearchesTable {
  id: string;
  owner_id: string;
  owner_name: string;
  name: string;
  query: string;
  /** 1 = shared with every user, 0 = the owner's only. */
  shared: number;
  created_at: BigIntColumn;
  updated_at: BigIntColumn;
}

export interface RuleErrorsTable {
  rule_id: string;
  row_id: string;
  function_name: string;
  source_id: string;
  log_type: string;
  message: string;
  at: BigIntColumn;
}

export interface AlertsTable {
  id: string;
  type: string;
  rule_id: string;
  dedup: string;
  title: string;
  severity: string;
  first_event_ms: BigIntColumn;
  last_event_ms: BigIntColumn;
  event_count: number;
  dedup_period_ms: BigIntColumn;
  threshold: number;
  raised_at: BigIntColumn | null;
  status: string;
  status_changed_at: BigIntColumn | null;
  status_note: string | null;
  context_json: string;
  created_at: BigIntColumn;
  updated_at: BigIntColumn;
  /** The console user the alert is assigned to (migration 022); null: nobody. */
  assignee?: string | null;
}

/** One change of an alert's status or assignee, or a comment (migration 022). */
export interface AlertHistoryTable {
  id: string;
  alert_id: string;
  at: BigIntColumn;
  actor: string;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  note: string | null;
}

export interface AlertEventsTable {
  alert_id: string;
  row_id: string;
}

export interface DestinationsTable {
  id: string;
  name: string;
  kind: string;
  settings_json: string;
  secret_sealed: string | null;
  enabled: number;
  created_at: BigIntColumn;
  updated_at: BigIntColumn;
}

export interface DeliveriesTable {
  id: string;
  alert_id: string;
  destination_id: string;
  notice: string;
  state: string;
  attempts: number;
  next_attempt_at: BigIntColumn;
  last_status: number | null;
  last_error: string | null;
  created_at: BigIntColumn;
  updated_at: BigIntColumn;
  delivered_at: BigIntColumn | null;
  claimed_by?: string | null;
  claim_until?: BigIntColumn | null;
}

export interface DeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  at: BigIntColumn;
  ok: number;
  status: number | null;
  message: string;
  duration_ms: number;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  created_at: BigIntColumn;
  /** admin, analyst or viewer (migration 012). */
  role: Generated<string>;
  disabled_at: BigIntColumn | null;
}

/** `id_hash`: SHA-256 (hex) of the random session id in the cookie. */
export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_secret: string;
  created_at: BigIntColumn;
  expires_at: BigIntColumn;
  last_seen_at: BigIntColumn;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  user_id: string;
  created_at: BigIntColumn;
  last_used_at: BigIntColumn | null;
  /** Comma-separated scopes (migration 012). */
  scopes: Generated<string>;
  expires_at: BigIntColumn | null;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: BigIntColumn;
  expires_at: BigIntColumn;
  used_at: BigIntColumn | null;
  /** The role of the user an invitation creates; null: admin (`admin create`). */
  role: string | null;
  /** A password-reset link's user; null for invitations. */
  user_id: string | null;
}

export interface OAuthStatesTable {
  state_hash: string;
  session_id_hash: string;
  source_id: string;
  pending_sealed: string;
  created_at: BigIntColumn;
  expires_at: BigIntColumn;
}

/** One poll of one stream (migration 004): `data`, `empty`, `error` or `skipped`. */
export interface HeartbeatsTable {
  source_id: string;
  log_type: string;
  at: BigIntColumn;
  outcome: string;
  error_code: string | null;
  records: number;
  duration_ms: number;
}

export interface SourceLeasesTable {
  source_id: string;
  owner: string;
  token: BigIntColumn;
  expires_at: BigIntColumn;
  acquired_at: BigIntColumn;
}

export interface RequestBudgetTable {
  budget_key: string;
  window_key: string;
  used: number;
  created_at: BigIntColumn;
}

export interface BudgetHoldsTable {
  budget_key: string;
  hold_until: BigIntColumn;
}

/** One stored sign-in, as the history rules read it (migration 009; filled by a trigger on `events`). */
export interface SignInsTable {
  row_id: string;
  source_id: string;
  user_key: string;
  event_time_ms: BigIntColumn;
  ip: string | null;
  country: string | null;
  asn: BigIntColumn | null;
  lat: number | null;
  lng: number | null;
  accuracy_km: number | null;
}

/** Events the history rules have not evaluated yet (migration 009; filled by a trigger on `events`). */
export interface HistoryPendingTable {
  row_id: string;
  source_id: string;
  log_type: string;
  day: string;
  event_time_ms: BigIntColumn;
}

/** Append-only (migration 013): nothing in Zoomtrail updates or deletes a row. */
export interface AuditLogTable {
  id: string;
  at: BigIntColumn;
  actor: string;
  actor_kind: string;
  address: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: string;
  status: number;
  before_json: string | null;
  after_json: string | null;
  change_json: string | null;
}

/** The forward log (migration 016): one row per page commit that inserted events. */
export interface ForwardLogTable {
  seq: Generated<BigIntColumn>;
  /** PostgreSQL only: the writing transaction's id (xid8, read as text). */
  xid?: Generated<string>;
  source_id: string;
  log_type: string;
  /** JSON array of the inserted events' row ids, in insert order. */
  row_ids: string;
  event_count: number;
  stored_at: BigIntColumn;
}

export interface SinksTable {
  id: string;
  name: string;
  kind: string;
  format: string;
  url: string;
  settings_json: string;
  secret_sealed: string | null;
  /** JSON: `{ logTypes?: string[] }`. */
  filter_json: string;
  paused: number;
  created_at: BigIntColumn;
  updated_at: BigIntColumn;
  created_by: string;
}

export interface SinkCursorsTable {
  sink_id: string;
  cursor_xid: BigIntColumn;
  cursor_seq: BigIntColumn;
  delivered_count: BigIntColumn;
  failed_count: BigIntColumn;
  consecutive_failures: number;
  next_attempt_at: BigIntColumn;
  last_error_json: string | null;
  last_delivered_at: BigIntColumn | null;
  /** stored_at of the forward-log row at the cursor (for the lag). */
  delivered_stored_at: BigIntColumn | null;
  updated_at: BigIntColumn;
}

export interface SinkDeadLettersTable {
  sink_id: string;
  row_id: string;
  reason: string;
  failed_at: BigIntColumn;
}

/** OpenID Connect logins in progress (migration 019): single-use, sealed. */
export interface OidcLoginsTable {
  state_hash: string;
  binding_hash: string;
  pending_sealed: string;
  created_at: BigIntColumn;
  expires_at: BigIntColumn;
}

/** Which user an OpenID Connect identity signs in as (migration 019). */
export interface OidcIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: BigIntColumn;
}

/** A day's coverage record as sent to sinks (migration 021), one row per version. */
export interface CoverageRecordsTable {
  id: string;
  source_id: string;
  log_type: string;
  day: string;
  version: number;
  state: string;
  event_count: number;
  records: number;
  late_records: number;
  digest: string;
  created_at: BigIntColumn;
}

/** Which instance sends a sink (migration 021). */
export interface SinkLeasesTable {
  sink_id: string;
  owner: string;
  token: BigIntColumn;
  expires_at: BigIntColumn;
  acquired_at: BigIntColumn;
}
