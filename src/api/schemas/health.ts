import { Type } from 'typebox';
import { Nullable, NullableDateTime } from './common.js';
import { RuleDirectorySchema } from './rules.js';
import { AlarmViewSchema, SourceStateSchema } from './sources.js';

/** GET /api/health (authenticated; per source). */
export const HealthViewSchema = Type.Object({
  ok: Type.Boolean(),
  version: Type.String(),
  pendingDetections: Type.Integer(),
  pendingDeliveries: Type.Integer(),
  /** IP enrichment (p_enrichment.ip_location): the databases in use, their build dates, and the attribution their licences ask for. */
  ipEnrichment: Type.Object({
    databases: Type.Array(
      Type.Object({
        role: Type.Union([Type.Literal('city'), Type.Literal('asn')]),
        name: Type.String(),
        type: Type.String(),
        builtAt: NullableDateTime,
        licence: Type.String(),
        error: Type.Optional(Type.String()),
      }),
    ),
    /** What to show wherever locations are shown. */
    attribution: Type.String(),
    /** Set when the settings name databases that cannot be used: what is wrong and how to fix it. */
    problem: Type.Optional(Type.String()),
  }),
  /** The rules directory: a file that did not load is listed here (its rule does not run; the others do). */
  rules: RuleDirectorySchema,
  /** The rule set each live instance runs (digest of its rules directory); `mismatch` when they differ. */
  ruleSets: Type.Object({
    instances: Type.Array(
      Type.Object({ owner: Type.String(), digest: Type.String(), userRules: Type.Integer(), loadErrors: Type.Integer(), seenAt: Type.String() }),
    ),
    mismatch: Type.Boolean(),
    /** What to do about a mismatch; absent when there is none. */
    fix: Type.Optional(Type.String()),
  }),
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
  /** Forwarding: each sink's backlog (events after its cursor), lag (newest stored vs newest delivered, ms) and last error with its fix. */
  sinks: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      format: Type.String(),
      paused: Type.Boolean(),
      backlog: Type.Integer(),
      lagMs: Nullable(Type.Integer()),
      delivered: Type.Integer(),
      failed: Type.Integer(),
      lastDeliveredAt: NullableDateTime,
      nextAttemptAt: NullableDateTime,
      lastError: Nullable(Type.Object({ message: Type.String(), fix: Type.Optional(Type.String()), retryable: Type.Boolean() })),
    }),
  ),
});
