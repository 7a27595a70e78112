/**
 * Types for your own Zoomtrail rules (the rules directory, ZOOMTRAIL_RULES_DIR):
 * the same shape as the built-in rules. In TypeScript:
 *
 *   import type { Rule } from 'zoomtrail/rules';
 *   const rule: Rule = { meta: {...}, rule: (e) => ..., tests: [...] };
 *   export default rule;
 *
 * In plain JavaScript, the same with a JSDoc type (editors complete it):
 *
 * @example
 * // rules/role-deleted.js
 * import { defineRule } from 'zoomtrail/rules';
 *
 * /** @type {import('zoomtrail/rules').RuleDefinition} *\/
 * const definition = {
 *   meta: {
 *     id: 'Acme.Zoom.Role.Deleted',
 *     displayName: 'A role was deleted',
 *     logTypes: ['Zoom.Operation'],
 *     severity: 'MEDIUM',
 *     description: 'Someone deleted a Zoom role.',
 *     runbook: 'Ask the operator why.',
 *     reference: '',
 *   },
 *   rule: (e) => e.key('category_type') === 'role' && e.key('action') === 'delete',
 *   title: (e) => `${e.text('operator')} deleted a role`,
 *   tests: [
 *     { name: 'a role is deleted', expectMatch: true, event: { category_type: 'Role', action: 'Delete', operator: 'a@b.c' } },
 *     { name: 'a role is added', expectMatch: false, event: { category_type: 'Role', action: 'Add', operator: 'a@b.c' } },
 *   ],
 * };
 * export default defineRule(definition);
 *
 * User code runs inside the Zoomtrail process with its permissions: it is
 * trusted admin code, not a sandbox. Its time is budgeted (ZOOMTRAIL_RULE_TIME_BUDGET_MS).
 * Kept in step with src/detect/rule.ts and rule-event.ts by test/public-rule-types.test.ts.
 */

export type Severity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type LogType = 'Zoom.Activity' | 'Zoom.Operation';

/** A setting change parsed from `operation_detail` (`Waiting room: from On to Off`). */
export interface SettingChange {
  /** The setting's name as written (trimmed, inner whitespace collapsed). */
  setting: string;
  /** Lower-cased, single-spaced `setting`. */
  settingKey: string;
  from: string;
  to: string;
}

/** One change in a user event: `F: V`, `F: set to X` or `F: from X to Y`. */
export interface UserChange {
  field: string;
  from?: string;
  to?: string;
  value?: string;
}

/** The parsed `operation_detail`: `kind` says which form Zoom wrote. */
export type OperationDetail =
  | { kind: 'settings'; section: string; sectionKey: string; changes: SettingChange[] }
  | { kind: 'role_change'; email: string; from: string; to: string }
  | { kind: 'user'; verb: string; email: string; changes: UserChange[] }
  | { kind: 'group'; verb: string; group: string; changes: SettingChange[] }
  | { kind: 'unknown'; raw: string };

/** What a rule function gets: one event with helpers. */
export interface RuleEvent {
  /** The event as stored (Zoom's fields plus Panther's p_ fields), or as given to a test. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The field's text, or '' when absent or not text. */
  text(name: string): string;
  /** The field's text trimmed, inner whitespace collapsed, lower-cased. */
  key(name: string): string;
  /** The parsed `operation_detail`. */
  readonly detail: OperationDetail;
  /** A data-model (p_udm) value. */
  udm(name: 'actor_user' | 'source_ip' | 'event_type'): string | undefined;
}

/** Panther's rule metadata. */
export interface RuleMeta {
  id: string;
  displayName: string;
  logTypes: readonly LogType[];
  severity: Severity;
  description: string;
  runbook: string;
  reference: string;
  tags: readonly string[];
  /** MITRE ATT&CK as `TACTIC:TECHNIQUE`, e.g. `TA0009:T1125`. */
  mitre: readonly string[];
  /** Matches with one dedup string within this period form one alert (Panther default 60). */
  dedupPeriodMinutes: number;
  /** Matches needed within the period before an alert (Panther default 1). */
  threshold: number;
  summaryAttributes: readonly string[];
  enabled: boolean;
}

/** One of a rule's own tests. */
export interface RuleTest {
  name: string;
  expectMatch: boolean;
  event: Readonly<Record<string, unknown>>;
  expectTitle?: string;
  expectDedup?: string;
  expectSeverity?: Severity;
}

/** A detection: metadata, functions and its tests. */
export interface Rule {
  readonly meta: RuleMeta;
  rule(event: RuleEvent): boolean;
  title?(event: RuleEvent): string;
  dedup?(event: RuleEvent): string;
  severity?(event: RuleEvent): Severity | undefined;
  alertContext?(event: RuleEvent): Record<string, unknown>;
  readonly tests: readonly RuleTest[];
}

type OptionalMeta = 'dedupPeriodMinutes' | 'threshold' | 'summaryAttributes' | 'tags' | 'mitre' | 'enabled';

/** A rule with Panther's defaults left out (dedup 60, threshold 1, enabled, no tags). */
export interface RuleDefinition extends Omit<Rule, 'meta'> {
  meta: Omit<RuleMeta, OptionalMeta> & Partial<Pick<RuleMeta, OptionalMeta>>;
}

/** Fills in Panther's defaults. */
export declare function defineRule(definition: RuleDefinition): Rule;

export declare const RULE_DEFAULTS: {
  readonly dedupPeriodMinutes: 60;
  readonly threshold: 1;
  readonly summaryAttributes: readonly string[];
  readonly tags: readonly string[];
  readonly mitre: readonly string[];
  readonly enabled: true;
};
