import { Type, type Static } from 'typebox';
import { HEALTH_STATES } from '../../domain/health-state.js';
import { DateTime, LogTypeSchema, Nullable, NullableDateTime, StringArray, StringEnum } from './common.js';

/** The sources' routes: CRUD, pause/resume, backfill, coverage, and the setup wizard (setup info, authorize, check, finish). */

export const MIN_POLL_INTERVAL_MS = 60_000;
export const MAX_POLL_INTERVAL_MS = 86_400_000;

export const AUTH_KINDS = ['s2s', 'authorization_code'] as const;
export const AuthKindSchema = StringEnum(AUTH_KINDS);

/**
 * A source's health state (src/health/source-health.ts, HEALTH_STATES), most pressing first:
 * setup_incomplete, paused, reauthorization_required, wrong_credentials,
 * missing_scope, permission_missing, rate_limited, zoom_unavailable, error
 * (any other failure), not_collected_yet, no_data (no events for longer than
 * the drop-off period), classification_failures, rule_errors, reading, quiet
 * (polls succeed, Zoom had nothing new), healthy.
 */
export const SourceStateSchema = StringEnum(HEALTH_STATES);

const LastErrorSchema = Nullable(Type.Object({ code: Type.String(), message: Type.String(), fix: Type.String(), at: DateTime }));

const HH_MM = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
/**
 * When the drop-off alarm holds its fire: whole `days` (0 = Sunday) and/or a daily `window` (HH:MM, wraps past midnight),
 * in `timeZone`. As stored: the routes check it further with parseQuietSchedule.
 */
export const QuietScheduleSchema = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 100 }),
    days: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { maxItems: 7 })),
    window: Type.Optional(Type.Object({ from: Type.String({ pattern: HH_MM }), to: Type.String({ pattern: HH_MM }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export const NullableQuietScheduleSchema = Nullable(QuietScheduleSchema);

/** An open system alarm about a source (log drop-off, days at risk). */
export const AlarmViewSchema = Type.Object({ alertId: Type.String(), ruleId: Type.String(), title: Type.String(), status: Type.String(), raisedAt: NullableDateTime });

/** One poll of one stream: `data` (new records stored), `empty` (Zoom answered, nothing new), `error`, `skipped` (backoff or rate-limit wait). */
export const HeartbeatViewSchema = Type.Object({
  logType: LogTypeSchema,
  at: DateTime,
  outcome: StringEnum(['data', 'empty', 'error', 'skipped'] as const),
  errorCode: Nullable(Type.String()),
  records: Type.Integer(),
  durationMs: Type.Integer(),
});

export const SourceViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  authKind: AuthKindSchema,
  zoomAccountId: Nullable(Type.String()),
  clientId: Type.String(),
  apiUrl: Type.String(),
  oauthUrl: Type.String(),
  backfillDays: Type.Integer(),
  pollIntervalMs: Type.Integer(),
  paused: Type.Boolean(),
  hasClientSecret: Type.Boolean(),
  hasRefreshToken: Type.Boolean(),
  /** Minutes without events before the log drop-off alarm fires; null = off. 15..43200. */
  dropOffAlarmMinutes: Nullable(Type.Integer()),
  /** The drop-off alarm's quiet schedule, or null. */
  quietSchedule: NullableQuietScheduleSchema,
  createdAt: DateTime,
  state: SourceStateSchema,
  /** The cause, then ` — ` and the fix when there is one. */
  stateDetail: Type.String(),
  /** What is going on, in words (names the scope, permission, reset time...). */
  stateCause: Type.String(),
  /** What to do; empty when nothing is to be done. */
  stateFix: Type.String(),
  /** Since when the state holds, when known. */
  stateSince: NullableDateTime,
  lastEventTime: NullableDateTime,
  lastPollTime: NullableDateTime,
  eventsLast24h: Type.Integer(),
  /** Events per hour over the last 24 hours, oldest first (24 numbers). */
  sparkline: Type.Array(Type.Integer(), { minItems: 24, maxItems: 24 }),
  lastError: LastErrorSchema,
});

export const SourceListSchema = Type.Object({ sources: Type.Array(SourceViewSchema) });

export const StreamViewSchema = Type.Object({
  logType: LogTypeSchema,
  newestEventTime: NullableDateTime,
  lastPollTime: NullableDateTime,
  lastSuccessTime: NullableDateTime,
  /** `from..to` of the window being read, or null. */
  readingWindow: Nullable(Type.String()),
  readingPages: Type.Integer(),
  lastError: LastErrorSchema,
  consecutiveFailures: Type.Integer(),
  nextAttemptTime: NullableDateTime,
});

/** GET /api/sources/:id */
export const SourceDetailSchema = Type.Object({
  source: SourceViewSchema,
  streams: Type.Array(StreamViewSchema),
  /** The last 24 h of polls, newest first. */
  heartbeats: Type.Array(HeartbeatViewSchema),
  /** Complete days that later gained records (late records), newest first. (The schema leaves logType a plain string, as before.) */
  lateRecordDays: Type.Array(Type.Object({ day: Type.String(), logType: Type.Unsafe<Static<typeof LogTypeSchema>>({ type: 'string' }), gained: Type.Integer() })),
  /** Open system alarms about the source. */
  openAlarms: Type.Array(AlarmViewSchema),
});

export const CoverageStateSchema = StringEnum(['complete', 'open', 'missing', 'failed', 'purged'] as const);
const CoverageStreamSchema = Type.Object({
  state: CoverageStateSchema,
  records: Type.Integer(),
  ambiguous: Type.Boolean(),
  gainedAfterComplete: Type.Integer(),
  lastError: Nullable(Type.String()),
});
/** GET /api/sources/:id/coverage?days=180 (days oldest first; a day with no row is `missing`; `purged`: its events were deleted by retention). */
export const CoverageViewSchema = Type.Object({
  days: Type.Array(
    Type.Object({
      day: Type.String(),
      /** Per log type. */
      streams: Type.Object({ 'Zoom.Activity': CoverageStreamSchema, 'Zoom.Operation': CoverageStreamSchema }),
    }),
  ),
});

/** GET /api/setup-info: what the wizard shows (no secrets). */
export const SetupInfoSchema = Type.Object({
  /** `${publicUrl}/oauth/callback`: paste into Zoom's Redirect URL and OAuth allow list. */
  redirectUrl: Type.String(),
  publicUrl: Type.String(),
  /** Scopes to add in Zoom (classic and granular). */
  scopes: Type.Object({ classic: StringArray, granular: StringArray }),
});

/**
 * POST /api/sources/:id/authorize -> { url }: Zoom's authorize page (state bound to this
 * session, single-use, PKCE S256). The browser goes there; Zoom sends it back to
 * GET /oauth/callback?code&state (public), which stores the refresh token and
 * redirects to `/sources/:id/setup?step=check` (or `?step=authorize&error=<message>`).
 */
export const AuthorizeResponseSchema = Type.Object({ url: Type.String() });

/** POST /api/sources/:id/check: a live check against Zoom, each step with a precise message and fix. */
export const CheckResultSchema = Type.Object({
  ok: Type.Boolean(),
  steps: Type.Array(
    Type.Object({
      name: StringEnum(['token', 'scopes', 'plan', 'activity_report', 'operation_report'] as const),
      ok: Type.Boolean(),
      /** What was found, e.g. "Granted scopes: report:read:admin" or "Missing scope report:read:admin". */
      message: Type.String(),
      /** How to fix it in Zoom, when not ok. */
      fix: Nullable(Type.String()),
    }),
  ),
});

/** `:id` of a source. */
export const SourceIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/** 15 minutes to 30 days, or null (off). */
export const DropOffAlarmSchema = Nullable(Type.Integer({ minimum: 15, maximum: 43_200 }));

const sourceSettings = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  clientId: Type.String({ minLength: 1, maxLength: 200 }),
  clientSecret: Type.String({ minLength: 1, maxLength: 1000 }),
  zoomAccountId: Type.String({ minLength: 1, maxLength: 200 }),
  backfillDays: Type.Integer({ minimum: 1, maximum: 180 }),
  pollIntervalMs: Type.Integer({ minimum: MIN_POLL_INTERVAL_MS, maximum: MAX_POLL_INTERVAL_MS }),
  dropOffAlarmMinutes: DropOffAlarmSchema,
  quietSchedule: NullableQuietScheduleSchema,
};

/** POST /api/sources -> 201 SourceView. An authorization_code source starts paused with state `setup_incomplete` until authorized. */
export const CreateSourceRequestSchema = Type.Object(
  {
    name: sourceSettings.name,
    clientId: sourceSettings.clientId,
    clientSecret: sourceSettings.clientSecret,
    /** Required for s2s. */
    zoomAccountId: Type.Optional(sourceSettings.zoomAccountId),
    backfillDays: Type.Optional(sourceSettings.backfillDays),
    pollIntervalMs: Type.Optional(sourceSettings.pollIntervalMs),
    dropOffAlarmMinutes: Type.Optional(sourceSettings.dropOffAlarmMinutes),
    quietSchedule: Type.Optional(sourceSettings.quietSchedule),
    authKind: AuthKindSchema,
    /** Create paused (the wizard does, until Finish Setup); an authorization_code source is always created paused. */
    paused: Type.Optional(Type.Boolean()),
    apiUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    oauthUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

/** PATCH /api/sources/:id -> SourceView. A new clientSecret replaces the stored one; quietSchedule null removes it. */
export const UpdateSourceRequestSchema = Type.Object(
  {
    name: Type.Optional(sourceSettings.name),
    clientId: Type.Optional(sourceSettings.clientId),
    clientSecret: Type.Optional(sourceSettings.clientSecret),
    zoomAccountId: Type.Optional(sourceSettings.zoomAccountId),
    backfillDays: Type.Optional(sourceSettings.backfillDays),
    pollIntervalMs: Type.Optional(sourceSettings.pollIntervalMs),
    dropOffAlarmMinutes: Type.Optional(sourceSettings.dropOffAlarmMinutes),
    quietSchedule: Type.Optional(sourceSettings.quietSchedule),
    paused: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** POST /api/sources/:id/backfill { days: 1..180 } -> SourceView: reads the last `days` days again (progress in SourceDetail.streams). */
export const BackfillRequestSchema = Type.Object({ days: Type.Integer({ minimum: 1, maximum: 180 }) }, { additionalProperties: false });

export const CoverageQuerySchema = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 180, default: 180 })) });

/** POST /api/sources/:id/finish { dropOffAlarmMinutes } -> SourceView: unpauses; collection starts. */
export const FinishSetupRequestSchema = Type.Object({ dropOffAlarmMinutes: DropOffAlarmSchema, quietSchedule: Type.Optional(NullableQuietScheduleSchema) }, { additionalProperties: false });

/** GET /oauth/complete?code&state&error (public): where the callback page sends the browser on; answers a redirect or an HTML refusal page. */
export const OAuthCompleteQuerySchema = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2000 })),
  state: Type.Optional(Type.String({ maxLength: 500 })),
  error: Type.Optional(Type.String({ maxLength: 500 })),
});
/** The refusal page (HTML). */
export const RefusalPageSchema = Type.String();
