import { Type } from 'typebox';
import { DESTINATION_KINDS } from '../../domain/destination-settings.js';
import { IsoTime, Nullable, SeveritySchema, StringEnum } from './common.js';

/** Destinations: GET/POST /api/destinations, PATCH/DELETE /api/destinations/:id, POST /api/destinations/:id/test. */

export const DestinationKindSchema = StringEnum(DESTINATION_KINDS);

export const DestinationViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: DestinationKindSchema,
  enabled: Type.Boolean(),
  /** webhook / pagerduty URL (a Slack URL is the secret and never shown). */
  url: Nullable(Type.String()),
  minSeverity: SeveritySchema,
  ruleIds: Type.Array(Type.String()),
  hasSecret: Type.Boolean(),
  createdAt: IsoTime,
});
export const DestinationListSchema = Type.Object({ destinations: Type.Array(DestinationViewSchema) });

const editable = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  /** webhook signing secret, Slack webhook URL, or PagerDuty routing key. */
  secret: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'webhook signing secret, Slack webhook URL or PagerDuty routing key; never returned' })),
  minSeverity: Type.Optional(SeveritySchema),
  ruleIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100 })),
  enabled: Type.Optional(Type.Boolean()),
};
/** PATCH /api/destinations/:id (every field optional; the kind is fixed). */
export const UpdateDestinationRequestSchema = Type.Object(editable, { additionalProperties: false });
/** POST /api/destinations -> 201 DestinationView */
export const CreateDestinationRequestSchema = Type.Object({ ...editable, name: Type.String({ minLength: 1, maxLength: 100 }), kind: DestinationKindSchema }, { additionalProperties: false });

/** POST /api/destinations/:id/test (a sample alert sent directly, not through the outbox) */
export const TestDeliveryResultSchema = Type.Object({
  ok: Type.Boolean(),
  /** The destination's HTTP status, null when none (a log destination, no answer). */
  status: Nullable(Type.Integer()),
  /** What happened, whole (it names the status when there is one: "HTTP 200 from hooks.slack.com"): show it alone. */
  message: Type.String(),
});
