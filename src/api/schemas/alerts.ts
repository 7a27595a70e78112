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
    'last-event: newest last event first (default); severity: most severe first; status: open, acknowledged, resolved; raised: newest raised first. Ties: newest last event, then id.',
});

/**
 * GET /api/alerts?status=open,acknowledged&severity=HIGH,CRITICAL&ruleId&sort&cursor&limit -> AlertPage.
 * limit 1..500, default 100. A cursor that is not a nextCursor given for the same sort is a 400 (with `fix`).
 */
export const AlertQuerySchema = WithDefaults(Type.Object({
  status: Type.Optional(Type.String({ description: `comma-separated: ${ALERT_STATUSES.join(', ')}` })),
  severity: Type.Optional(Type.String({ description: `comma-separated: ${SEVERITIES.join(', ')}` })),
  ruleId: Type.Optional(Type.String({ minLength: 1 })),
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
