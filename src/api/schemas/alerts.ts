import { Type } from 'typebox';
import { SEVERITIES } from '../../domain/severity.js';
import { ALERT_SORTS, ALERT_STATUSES } from '../../domain/alert-status.js';
import { AnyObject, IsoTime, Nullable, NullableIsoTime, SeveritySchema, StringArray, StringEnum, WithDefaults } from './common.js';
import { EventViewSchema } from './events.js';

/** Alerts: GET /api/alerts, GET /api/alerts/:id, POST /api/alerts/:id/status. */

/** Most alerts in one page of GET /alerts. */
export const MAX_ALERT_PAGE = 500;

export const AlertStatusSchema = StringEnum(ALERT_STATUSES);

export const AlertViewSchema = Type.Object({
  id: Type.String(),
  type: StringEnum(['rule', 'system'] as const),
  ruleId: Type.String(),
  ruleDisplayName: Type.String(),
  title: Type.String(),
  severity: SeveritySchema,
  dedup: Type.String(),
  status: AlertStatusSchema,
  eventCount: Type.Integer(),
  firstEventTime: IsoTime,
  lastEventTime: IsoTime,
  raisedAt: IsoTime,
  statusChangedAt: NullableIsoTime,
  statusNote: Nullable(Type.String()),
  /** The console user it is assigned to; null: nobody. */
  assignee: Nullable(Type.String()),
  context: AnyObject(),
});

/**
 * How GET /api/alerts orders: `last-event` newest last event first (the default), `severity` most
 * severe first, `status` open then acknowledged then resolved, `raised` newest raised first.
 * Ties: newest last event, then id.
 */
export const AlertSortSchema = StringEnum(ALERT_SORTS, {
  default: 'last-event',
  description:
    'last-event: newest last event first (default); severity: most severe first; status: open, acknowledged, resolved; raised: newest raised first; rule: by rule id; assignee: by assignee, unassigned first. Ties: newest last event, then id.',
});

/**
 * GET /api/alerts?status=open,acknowledged&severity=HIGH,CRITICAL&ruleId&sort&cursor&limit -> AlertPage.
 * limit 1..500, default 100. A cursor that is not a nextCursor given for the same sort is a 400 (with `fix`).
 */
export const AlertQuerySchema = WithDefaults(Type.Object({
  status: Type.Optional(Type.String({ description: `comma-separated: ${ALERT_STATUSES.join(', ')}` })),
  severity: Type.Optional(Type.String({ description: `comma-separated: ${SEVERITIES.join(', ')}` })),
  ruleId: Type.Optional(Type.String({ minLength: 1 })),
  assignee: Type.Optional(Type.String({ minLength: 1, description: 'a console user name; `none` for the unassigned' })),
  sourceId: Type.Optional(Type.String({ minLength: 1, description: 'alerts with a matched event from this source' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'raised at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'raised before' })),
  sort: AlertSortSchema,
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'nextCursor of the previous page, with the same sort and filters' })),
  limit: Type.Integer({ minimum: 1, maximum: MAX_ALERT_PAGE, default: 100 }),
}));

export const AlertPageSchema = Type.Object({
  alerts: Type.Array(AlertViewSchema),
  /** Pass as `cursor` (same sort and filters) for the next page; null at the end. */
  nextCursor: Nullable(Type.String()),
  /** Alerts matching the filters, on every page: "showing N of total". */
  total: Type.Integer(),
});

/** GET /api/alerts/:id */
export const AlertDetailSchema = Type.Object({
  alert: AlertViewSchema,
  rule: Nullable(Type.Object({ description: Type.String(), runbook: Type.String(), reference: Type.String(), tags: StringArray, mitre: StringArray })),
  /** The matched events (up to 100). */
  events: Type.Array(EventViewSchema),
  deliveries: Type.Array(
    Type.Object({
      id: Type.String(),
      destinationName: Type.String(),
      notice: StringEnum(['raised', 'resolved'] as const),
      state: StringEnum(['pending', 'delivered', 'failed'] as const),
      attempts: Type.Integer(),
      lastError: Nullable(Type.String()),
      deliveredAt: NullableIsoTime,
    }),
  ),
});

/** POST /api/alerts/:id/status { status, note? } -> AlertView */
export const AlertStatusRequestSchema = Type.Object({ status: AlertStatusSchema, note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

/** PATCH /api/alerts/:id { status?, assignee? (null: nobody), note? } -> AlertView; each change is in the alert's history. */
export const AlertPatchSchema = Type.Object(
  {
    status: Type.Optional(AlertStatusSchema),
    assignee: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

/** POST /api/alerts/:id/comments { note } -> AlertHistoryEntry */
export const AlertCommentRequestSchema = Type.Object({ note: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false });

export const AlertHistoryEntrySchema = Type.Object({
  id: Type.String(),
  at: IsoTime,
  actor: Type.String(),
  kind: StringEnum(['status', 'assignee', 'comment'] as const),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  note: Nullable(Type.String()),
});

/** GET /api/alerts/:id/history: every status change, assignment and comment, oldest first. */
export const AlertHistorySchema = Type.Object({ history: Type.Array(AlertHistoryEntrySchema) });

/** Most alerts in one bulk request. */
export const MAX_BULK_ALERTS = 500;

/** POST /api/alerts/bulk { ids, action: acknowledge | resolve | assign, assignee?, note? }: each alert as PATCH would, one at a time. */
export const AlertBulkRequestSchema = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: MAX_BULK_ALERTS }),
    action: StringEnum(['acknowledge', 'resolve', 'reopen', 'assign'] as const),
    assignee: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const AlertBulkResultSchema = Type.Object({
  updated: Type.Array(AlertViewSchema),
  /** Ids that were not changed, and why (unknown alert). */
  failed: Type.Array(Type.Object({ id: Type.String(), message: Type.String() })),
});

/** GET /api/alerts/assignees: the console users an alert can be assigned to (enabled ones). */
export const AlertAssigneesSchema = Type.Object({ users: StringArray });
