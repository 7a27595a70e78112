/**
 * The JSON API's request and response shapes: the contract between the
 * server's route plugins (src/api/routes/) and the console (web/). Types only
 * (the console imports this file), each derived with `Static` from the one
 * TypeBox schema its routes validate and serialize with (src/api/schemas/),
 * from which the OpenAPI document at /api/openapi.json is built too. Nothing
 * here is written by hand: change a shape in its schema.
 *
 * Conventions: times are ISO 8601 UTC strings; ids are strings; errors are
 * `ApiError` with an HTTP status (400 validation, 401 not signed in, 403 CSRF
 * or forbidden, 404 unknown id, 409 conflict, 429 rate limited, 502 Zoom
 * refused or unreachable during a check). Secrets are never returned: a
 * record says `hasClientSecret: true`, never the value.
 */
import type { Static } from 'typebox';
import type {
  CreateSavedSearchSchema,
  MadeDetectionSchema,
  SavedSearchDetectionSchema,
  SavedSearchListSchema,
  SavedSearchPatchSchema,
  SavedSearchViewSchema,
} from './schemas/saved-searches.js';
import type { SignInMapSchema, UserActivitySchema } from './schemas/sign-ins.js';
import type {
  AlertAssigneesSchema,
  AlertBulkRequestSchema,
  AlertBulkResultSchema,
  AlertCommentRequestSchema,
  AlertDetailSchema,
  AlertHistoryEntrySchema,
  AlertHistorySchema,
  AlertPageSchema,
  AlertPatchSchema,
  AlertSortSchema,
  AlertStatusSchema,
  AlertViewSchema,
} from './schemas/alerts.js';
import type {
  ApiTokenCreatedSchema,
  ApiTokenListSchema,
  ApiTokenViewSchema,
  ChangePasswordRequestSchema,
  CreateApiTokenRequestSchema,
  LoginRequestSchema,
  SessionInfoSchema,
  SetupRequestSchema,
} from './schemas/auth.js';
import type { AuditEntryViewSchema, AuditListSchema } from './schemas/audit.js';
import type { EndedSessionsSchema, InviteRequestSchema, OneTimeLinkSchema, UserListSchema, UserPatchSchema, UserViewSchema } from './schemas/users.js';
import type { ApiErrorSchema, LogTypeSchema, SeveritySchema } from './schemas/common.js';
import type { OverviewSchema } from './schemas/overview.js';
import type {
  CreateDestinationRequestSchema,
  DestinationKindSchema,
  DestinationListSchema,
  DestinationViewSchema,
  TestDeliveryResultSchema,
  UpdateDestinationRequestSchema,
} from './schemas/destinations.js';
import type {
  CreateSinkRequestSchema,
  DeadLetterListSchema,
  DeadLetterRetryResultSchema,
  SinkKindSchema,
  SinkListSchema,
  SinkTestResultSchema,
  SinkViewSchema,
} from './schemas/sinks.js';
import type { EventPageSchema, EventViewSchema, FailureListSchema, FailureViewSchema, HistogramSchema } from './schemas/events.js';
import type { HealthViewSchema } from './schemas/health.js';
import type {
  BacktestResultSchema,
  CreateSuppressionSchema,
  RuleErrorListSchema,
  RuleErrorViewSchema,
  RuleListSchema,
  RulePatchSchema,
  RuleSourceSchema,
  RuleViewSchema,
  SuppressionListSchema,
  SuppressionViewSchema,
} from './schemas/rules.js';
import type {
  AlarmViewSchema,
  AuthKindSchema,
  AuthorizeResponseSchema,
  BackfillRequestSchema,
  CheckResultSchema,
  CoverageStateSchema,
  CoverageViewSchema,
  CreateSourceRequestSchema,
  FinishSetupRequestSchema,
  HeartbeatViewSchema,
  QuietScheduleSchema,
  SetupInfoSchema,
  SourceDetailSchema,
  SourceListSchema,
  SourceStateSchema,
  SourceViewSchema,
  StreamViewSchema,
  UpdateSourceRequestSchema,
} from './schemas/sources.js';

export type Severity = Static<typeof SeveritySchema>;
export type LogTypeName = Static<typeof LogTypeSchema>;
/** Every error response. `fix` says what to do, in words; `fields` (validation) names the fields at fault. */
export type ApiError = Static<typeof ApiErrorSchema>;

// --- session, setup, login, API tokens ---
export type SessionInfo = Static<typeof SessionInfoSchema>;
export type SetupRequest = Static<typeof SetupRequestSchema>;
export type LoginRequest = Static<typeof LoginRequestSchema>;
export type ApiTokenView = Static<typeof ApiTokenViewSchema>;
export type ApiTokenCreated = Static<typeof ApiTokenCreatedSchema>;
/** GET /api/tokens */
export type ApiTokenList = Static<typeof ApiTokenListSchema>;
export type CreateApiTokenRequest = Static<typeof CreateApiTokenRequestSchema>;
export type ChangePasswordRequest = Static<typeof ChangePasswordRequestSchema>;

// --- users ---
export type UserView = Static<typeof UserViewSchema>;
export type UserList = Static<typeof UserListSchema>;
export type InviteRequest = Static<typeof InviteRequestSchema>;
export type OneTimeLink = Static<typeof OneTimeLinkSchema>;
export type UserPatch = Static<typeof UserPatchSchema>;
export type EndedSessions = Static<typeof EndedSessionsSchema>;

// --- audit trail ---
export type AuditEntryView = Static<typeof AuditEntryViewSchema>;
export type AuditList = Static<typeof AuditListSchema>;

// --- sources ---
export type AuthKind = Static<typeof AuthKindSchema>;
export type SourceState = Static<typeof SourceStateSchema>;
export type QuietScheduleView = Static<typeof QuietScheduleSchema>;
export type HeartbeatView = Static<typeof HeartbeatViewSchema>;
export type AlarmView = Static<typeof AlarmViewSchema>;
export type SourceView = Static<typeof SourceViewSchema>;
/** GET /api/sources */
export type SourceList = Static<typeof SourceListSchema>;
export type CreateSourceRequest = Static<typeof CreateSourceRequestSchema>;
export type UpdateSourceRequest = Static<typeof UpdateSourceRequestSchema>;
export type BackfillRequest = Static<typeof BackfillRequestSchema>;
export type StreamView = Static<typeof StreamViewSchema>;
export type SourceDetail = Static<typeof SourceDetailSchema>;
export type CoverageState = Static<typeof CoverageStateSchema>;
export type CoverageView = Static<typeof CoverageViewSchema>;
export type SetupInfo = Static<typeof SetupInfoSchema>;
export type AuthorizeResponse = Static<typeof AuthorizeResponseSchema>;
export type CheckResult = Static<typeof CheckResultSchema>;
export type FinishSetupRequest = Static<typeof FinishSetupRequestSchema>;

// --- events, failures ---
export type EventView = Static<typeof EventViewSchema>;
export type EventPage = Static<typeof EventPageSchema>;
export type Histogram = Static<typeof HistogramSchema>;
export type FailureView = Static<typeof FailureViewSchema>;
/** GET /api/failures */
export type FailureList = Static<typeof FailureListSchema>;

// --- rules, rule errors ---
export type RuleView = Static<typeof RuleViewSchema>;
/** GET /api/rules */
export type RuleList = Static<typeof RuleListSchema>;
export type RuleErrorView = Static<typeof RuleErrorViewSchema>;
/** GET /api/rule-errors */
export type RuleErrorList = Static<typeof RuleErrorListSchema>;
/** PATCH /api/rules/:id: tuning */
export type RulePatch = Static<typeof RulePatchSchema>;
export type SuppressionView = Static<typeof SuppressionViewSchema>;
/** GET /api/suppressions */
export type SuppressionList = Static<typeof SuppressionListSchema>;
/** GET /api/rules/:id/backtest?since */
export type BacktestResult = Static<typeof BacktestResultSchema>;
/** GET /api/rules/:id/source */
export type RuleSource = Static<typeof RuleSourceSchema>;
/** POST /api/suppressions */
export type CreateSuppressionRequest = Static<typeof CreateSuppressionSchema>;

// --- saved searches ---
export type SavedSearchView = Static<typeof SavedSearchViewSchema>;
/** GET /api/saved-searches */
export type SavedSearchList = Static<typeof SavedSearchListSchema>;
/** POST /api/saved-searches */
export type CreateSavedSearchRequest = Static<typeof CreateSavedSearchSchema>;
/** PATCH /api/saved-searches/:id */
export type SavedSearchPatch = Static<typeof SavedSearchPatchSchema>;
/** GET /api/saved-searches/:id/detection */
export type SavedSearchDetection = Static<typeof SavedSearchDetectionSchema>;
export type MadeDetection = Static<typeof MadeDetectionSchema>;

// --- alerts ---
export type AlertStatus = Static<typeof AlertStatusSchema>;
export type AlertView = Static<typeof AlertViewSchema>;
export type AlertSort = Static<typeof AlertSortSchema>;
export type AlertPage = Static<typeof AlertPageSchema>;
export type AlertDetail = Static<typeof AlertDetailSchema>;
/** PATCH /api/alerts/:id */
export type AlertPatch = Static<typeof AlertPatchSchema>;
/** POST /api/alerts/:id/comments */
export type AlertCommentRequest = Static<typeof AlertCommentRequestSchema>;
export type AlertHistoryEntry = Static<typeof AlertHistoryEntrySchema>;
/** GET /api/alerts/:id/history */
export type AlertHistory = Static<typeof AlertHistorySchema>;
/** POST /api/alerts/bulk */
export type AlertBulkRequest = Static<typeof AlertBulkRequestSchema>;
export type AlertBulkResult = Static<typeof AlertBulkResultSchema>;
/** GET /api/alerts/assignees */
export type AlertAssignees = Static<typeof AlertAssigneesSchema>;
export type UserActivity = Static<typeof UserActivitySchema>;
export type SignInMap = Static<typeof SignInMapSchema>;

// --- overview ---
/** GET /api/overview?from&to */
export type Overview = Static<typeof OverviewSchema>;

// --- destinations ---
export type DestinationKind = Static<typeof DestinationKindSchema>;
export type DestinationView = Static<typeof DestinationViewSchema>;
/** GET /api/destinations */
export type DestinationList = Static<typeof DestinationListSchema>;
export type CreateDestinationRequest = Static<typeof CreateDestinationRequestSchema>;
export type UpdateDestinationRequest = Static<typeof UpdateDestinationRequestSchema>;
export type TestDeliveryResult = Static<typeof TestDeliveryResultSchema>;

// --- sinks ---
export type SinkKind = Static<typeof SinkKindSchema>;
export type SinkView = Static<typeof SinkViewSchema>;
/** GET /api/sinks */
export type SinkList = Static<typeof SinkListSchema>;
export type CreateSinkRequest = Static<typeof CreateSinkRequestSchema>;
export type SinkTestResult = Static<typeof SinkTestResultSchema>;
export type DeadLetterList = Static<typeof DeadLetterListSchema>;
export type DeadLetterRetryResult = Static<typeof DeadLetterRetryResultSchema>;

// --- health ---
export type HealthView = Static<typeof HealthViewSchema>;
