/**
 * The two Zoom report streams and the shape of their records as Zoom documents
 * them. The collector treats records as untrusted `unknown` until the schema
 * engine has classified them; these types describe well-formed records only.
 */

/** One item of `activity_logs` from GET /v2/report/activities (log type Zoom.Activity). */
export interface ActivityLogRecord {
  email: string;
  /** RFC 3339 UTC, whole seconds, e.g. `2019-09-15T19:13:41Z`. */
  time: string;
  /** `Sign in` or `Sign out`. */
  type: string;
  ip_address?: string;
  /** Open text: `Browser`, `Windows`, `Mac`, `android`, ... */
  client_type?: string;
  version?: string;
}

/** One item of `operation_logs` from GET /v2/report/operationlogs (log type Zoom.Operation). */
export interface OperationLogRecord {
  /** RFC 3339 UTC, whole seconds. */
  time: string;
  operator: string;
  /** Title Case text in responses: `User`, `Account`, `User Group`, `Role`, ... */
  category_type: string;
  action: string;
  /** Free text, often with a trailing space. */
  operation_detail: string;
}

/** The log types Zoomtrail collects from Zoom, in one list. */
export const LOG_TYPES = ['Zoom.Activity', 'Zoom.Operation'] as const;
/** A log type read from Zoom's reports. */
export type ZoomLogType = (typeof LOG_TYPES)[number];
/** Zoomtrail's own audit trail as events (one per audit_log row), stored under the internal source; never collected from Zoom. */
export const ZOOMTRAIL_AUDIT_LOG_TYPE = 'Zoomtrail.Audit' as const;
/** Every log type an event can have: Zoom's and Zoomtrail's own. */
export const STORED_LOG_TYPES = [...LOG_TYPES, ZOOMTRAIL_AUDIT_LOG_TYPE] as const;
export type LogType = (typeof STORED_LOG_TYPES)[number];

/** What is special about one report stream; everything else is shared. */
export interface ReportStream {
  logType: ZoomLogType;
  /** Path below the API base URL. */
  path: string;
  /** Property of the response body holding the records. */
  recordsKey: string;
  /** Granular scope that allows reading this report (the classic `report:read:admin` also does). */
  granularScope: string;
  /** Zoom role permission the authorizing admin needs. */
  rolePermission: string;
}

export const ACTIVITY_STREAM: ReportStream = {
  logType: 'Zoom.Activity',
  path: '/report/activities',
  recordsKey: 'activity_logs',
  granularScope: 'report:read:user_activities:admin',
  rolePermission: 'Reports > Sign In/Sign Out',
};

export const OPERATION_STREAM: ReportStream = {
  logType: 'Zoom.Operation',
  path: '/report/operationlogs',
  recordsKey: 'operation_logs',
  granularScope: 'report:read:operation_logs:admin',
  rolePermission: 'Reports > Admin Activity Logs',
};

export const CLASSIC_REPORT_SCOPE = 'report:read:admin';

/** Every stream, in one explicit list. */
export const REPORT_STREAMS: readonly ReportStream[] = [ACTIVITY_STREAM, OPERATION_STREAM];

export function streamForLogType(logType: LogType): ReportStream {
  const stream = REPORT_STREAMS.find((s) => s.logType === logType);
  if (!stream) throw new Error(`unknown log type ${logType}`);
  return stream;
}

/** `category_type` values the operation-logs endpoint accepts as a filter. */
export const OPERATION_CATEGORY_FILTERS = [
  'all',
  'user',
  'user_settings',
  'account',
  'billing',
  'im',
  'recording',
  'phone_contacts',
  'webinar',
  'sub_account',
  'role',
  'zoom_rooms',
] as const;
export type OperationCategoryFilter = (typeof OPERATION_CATEGORY_FILTERS)[number];
