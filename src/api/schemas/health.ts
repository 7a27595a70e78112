import { Type } from 'typebox';
import { NullableDateTime } from './common.js';
import { RuleDirectorySchema } from './rules.js';
import { AlarmViewSchema, SourceStateSchema } from './sources.js';

/** GET /api/health (authenticated; per source). */
export const HealthViewSchema = Type.Object({
  ok: Type.Boolean(),
  version: Type.String(),
  pendingDetections: Type.Integer(),
  pendingDeliveries: Type.Integer(),
  /** The rules directory: a file that did not load is listed here (its rule does not run; the others do). */
  rules: RuleDirectorySchema,
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
