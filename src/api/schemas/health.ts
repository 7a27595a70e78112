import { Type } from 'typebox';
import { NullableDateTime } from './common.js';
import { AlarmViewSchema, SourceStateSchema } from './sources.js';

/** GET /api/health (authenticated; per source). */
export const HealthViewSchema = Type.Object({
  ok: Type.Boolean(),
  version: Type.String(),
  pendingDetections: Type.Integer(),
  pendingDeliveries: Type.Integer(),
  sources: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      state: SourceStateSchema,
      stateDetail: Type.String(),
      cause: Type.String(),
      fix: Type.String(),
      since: NullableDateTime,
      lastEventTime: NullableDateTime,
      lastPollTime: NullableDateTime,
      openAlarms: Type.Array(AlarmViewSchema),
    }),
  ),
});
