import { Type } from 'typebox';
import { SEVERITIES } from '../../domain/severity.js';
import { IsoTime, LogTypeSchema, Nullable, NullableIsoTime, SeveritySchema, StringArray, WithDefaults } from './common.js';

/**
 * Rules (GET /api/rules, GET /api/rules/:id, PATCH /api/rules/:id (tuning), DELETE /api/rules/:id/tuning),
 * suppressions (GET/POST /api/suppressions, DELETE /api/suppressions/:id) and rule errors (GET /api/rule-errors?ruleId&limit).
 */

// `type: [T, 'null']` rather than a union: the API's type coercion would turn 0, '' or false into null for a union's null branch.
const NullableSeverity = Type.Unsafe<(typeof SEVERITIES)[number] | null>({ type: ['string', 'null'], enum: [...SEVERITIES, null] });
const NullableInteger = (min: number, max: number) => Nullable(Type.Integer({ minimum: min, maximum: max }));
const DestinationNames = Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50 }));

/** A rule's overrides (null: the rule's own value), who made the last change and when. */
export const RuleTuningViewSchema = Type.Object({
  enabled: Type.Union([Type.Boolean(), Type.Null()]),
  severity: Type.Union([SeveritySchema, Type.Null()]),
  dedupPeriodMinutes: Type.Union([Type.Integer(), Type.Null()]),
  threshold: Type.Union([Type.Integer(), Type.Null()]),
  destinations: Type.Union([StringArray, Type.Null()]),
  updatedBy: Type.String(),
  updatedAt: IsoTime,
});

export const RuleViewSchema = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  logTypes: Type.Array(LogTypeSchema),
  severity: SeveritySchema,
  description: Type.String(),
  runbook: Type.String(),
  reference: Type.String(),
  tags: StringArray,
  mitre: StringArray,
  /** In effect: the tuning's value where it sets one, else the rule's own (`defaults`). */
  dedupPeriodMinutes: Type.Integer(),
  threshold: Type.Integer(),
  enabled: Type.Boolean(),
  defaultEnabled: Type.Boolean(),
  /** The destinations that get its alerts (tuned), or null: every destination whose own filters want them. */
  destinations: Type.Union([StringArray, Type.Null()]),
  /** The rule's own settings, as written. */
  defaults: Type.Object({ enabled: Type.Boolean(), severity: SeveritySchema, dedupPeriodMinutes: Type.Integer(), threshold: Type.Integer() }),
  /** The overrides, or null when the rule is not tuned. */
  tuning: Type.Union([RuleTuningViewSchema, Type.Null()]),
  /** Its suppressions: how many, and the matches they held back in all. */
  suppressions: Type.Object({ count: Type.Integer(), suppressedMatches: Type.Integer() }),
  /** The rule's own tests, run by the server. */
  tests: Type.Object({
    passed: Type.Integer(),
    failed: Type.Integer(),
    results: Type.Array(Type.Object({ name: Type.String(), expectMatch: Type.Boolean(), passed: Type.Boolean(), problems: StringArray })),
  }),
  alertsLast7Days: Type.Integer(),
  /** History rules only: their settings and whether they are still learning (see HistoryRuleStatus). */
  history: Type.Optional(
    Type.Object({
      settings: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])),
      learning: Type.Boolean(),
      learningUntil: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  /** `built-in`, or the file in the rules directory the rule comes from. */
  source: Type.String(),
  /** Why the rule stopped running (it ran past the user-code time budget), else null. */
  disabledReason: Type.Union([Type.String(), Type.Null()]),
});
/** A file of the rules directory that did not load: where and what to change. */
export const RuleLoadErrorSchema = Type.Object({
  file: Type.String(),
  line: Type.Union([Type.Integer(), Type.Null()]),
  field: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  fix: Type.String(),
});
/** The rules directory as this instance loaded it. */
export const RuleDirectorySchema = Type.Object({
  dir: Type.String(),
  /** SHA-256 of the directory's files: equal on instances running the same rule set. */
  digest: Type.String(),
  userRules: Type.Integer(),
  loadErrors: Type.Array(RuleLoadErrorSchema),
});
export const RuleListSchema = Type.Object({ rules: Type.Array(RuleViewSchema), directory: RuleDirectorySchema });
export const RuleIdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
/** A tuning change: a value sets an override, null clears it (back to the rule's own), absent keeps it. */
export const RulePatchSchema = Type.Object(
  {
    enabled: Type.Optional(Nullable(Type.Boolean())),
    severity: Type.Optional(NullableSeverity),
    dedupPeriodMinutes: Type.Optional(NullableInteger(1, 43_200)),
    threshold: Type.Optional(NullableInteger(1, 1_000_000)),
    /** Destination names (or ids). */
    destinations: Type.Optional(DestinationNames),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** A suppression (Panther's Inline Filters, as tuning): match expressions as YAML rules write them, all must hold. */
export const SuppressionViewSchema = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  match: Type.Array(Type.Unknown()),
  reason: Type.String(),
  until: NullableIsoTime,
  createdBy: Type.String(),
  createdAt: IsoTime,
  /** Matches it held back (not alerted): counted, never silently dropped. */
  suppressedCount: Type.Integer(),
  lastSuppressedAt: NullableIsoTime,
  /** False once `until` has passed. */
  active: Type.Boolean(),
});
export const SuppressionListSchema = Type.Object({ suppressions: Type.Array(SuppressionViewSchema) });
export const SuppressionQuerySchema = Type.Object({ ruleId: Type.Optional(Type.String({ minLength: 1 })) });
export const CreateSuppressionSchema = Type.Object(
  {
    ruleId: Type.String({ minLength: 1 }),
    match: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 50 }),
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
    until: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  },
  { additionalProperties: false },
);

export const RuleErrorViewSchema = Type.Object({
  ruleId: Type.String(),
  rowId: Type.String(),
  sourceId: Type.String(),
  logType: LogTypeSchema,
  functionName: Type.String(),
  message: Type.String(),
  at: IsoTime,
});
export const RuleErrorListSchema = Type.Object({ errors: Type.Array(RuleErrorViewSchema), total: Type.Integer() });
export const RuleErrorQuerySchema = WithDefaults(Type.Object({ ruleId: Type.Optional(Type.String({ minLength: 1 })), limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }));

/** GET /api/rules/:id/backtest?since=30d: what the rule would have raised over stored events, written nowhere. */
export const BacktestQuerySchema = WithDefaults(
  Type.Object({
    /** A duration back from now (`30d`, `12h`, up to 400 days) or an ISO 8601 time. */
    since: Type.String({ minLength: 1, maxLength: 40, default: '30d' }),
  }),
);
export const BacktestResultSchema = Type.Object({
  ruleId: Type.String(),
  since: IsoTime,
  events: Type.Integer(),
  ruleErrors: Type.Integer(),
  /** Events a history rule could not evaluate yet (look-back not proven complete). */
  waiting: Type.Integer(),
  /** Grouped with the rule's tuning (severity, dedup period, threshold) as detection would group it now. */
  dedupPeriodMinutes: Type.Integer(),
  threshold: Type.Integer(),
  alerts: Type.Array(
    Type.Object({
      dedup: Type.String(),
      title: Type.String(),
      severity: SeveritySchema,
      firstEventAt: IsoTime,
      lastEventAt: IsoTime,
      eventCount: Type.Integer(),
      /** The first grouped events' row ids (up to 20). */
      rowIds: StringArray,
    }),
  ),
});
/** GET /api/rules/:id/source: a user rule's file, read-only. */
export const RuleSourceSchema = Type.Object({ file: Type.String(), language: StringEnumLanguage(), text: Type.String() });
function StringEnumLanguage() {
  return Type.Union([Type.Literal('yaml'), Type.Literal('typescript'), Type.Literal('javascript')]);
}
