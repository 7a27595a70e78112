import { Type } from 'typebox';
import { IsoTime, LogTypeSchema, SeveritySchema, StringArray, WithDefaults } from './common.js';

/** Rules (GET /api/rules, PATCH /api/rules/:id { enabled }) and rule errors (GET /api/rule-errors?ruleId&limit). */

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
  dedupPeriodMinutes: Type.Integer(),
  threshold: Type.Integer(),
  enabled: Type.Boolean(),
  defaultEnabled: Type.Boolean(),
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
export const RulePatchSchema = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });

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
