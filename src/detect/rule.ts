import type { Severity } from '../domain/severity.js';
import type { LogType } from '../zoom/report-records.js';
import type { HistoryFacts } from './history-rule.js';
import type { RuleEvent } from './rule-event.js';

/** What a rule is, apart from its code: Panther's rule metadata. */
export interface RuleMeta {
  /** Panther's id, e.g. `Zoom.Two.Factor.Authentication.Disabled`; tells where the file is (see rule-registry). */
  id: string;
  displayName: string;
  logTypes: readonly LogType[];
  severity: Severity;
  description: string;
  runbook: string;
  reference: string;
  tags: readonly string[];
  /** MITRE ATT&CK mapping as `TACTIC:TECHNIQUE[,TECHNIQUE]`, e.g. `TA0009:T1125`. */
  mitre: readonly string[];
  /** Matches with one dedup string within this period form one alert; Panther's default is 60. */
  dedupPeriodMinutes: number;
  /** Matches needed within the period before an alert is raised; Panther's default is 1. */
  threshold: number;
  /** Event fields worth showing first in an alert (Panther's SummaryAttributes). */
  summaryAttributes: readonly string[];
  /** Default state; a user may override it (stored per rule). */
  enabled: boolean;
}

/** One of a rule's own test events (Panther's rule unit tests). */
export interface RuleTest {
  name: string;
  /** Whether `rule` must return true for the event. */
  expectMatch: boolean;
  /** The event as Zoom returns it (p_ fields optional: rules must not need them). */
  event: Readonly<Record<string, unknown>>;
  /** When given, what `title` must return (only checked for a match). */
  /** For a history rule: what the stored history says as of the event. */
  history?: HistoryFacts;
  expectTitle?: string;
  expectDedup?: string;
  expectSeverity?: Severity;
}

/**
 * A detection: metadata, functions and its own tests, in one module.
 * Functions get a RuleEvent (the event plus its parsed `operation_detail`)
 * and must not keep state between calls.
 */
export interface Rule {
  readonly meta: RuleMeta;
  /** True when the event should alert. Required. */
  rule(event: RuleEvent): boolean;
  /** The alert title; default: the display name. */
  title?(event: RuleEvent): string;
  /** The dedup string; default: the title when `title` exists, else the rule id. */
  dedup?(event: RuleEvent): string;
  /** A severity for this event instead of `meta.severity`; `undefined` keeps the default. */
  severity?(event: RuleEvent): Severity | undefined;
  /** Extra facts for the alert (JSON-serializable). */
  alertContext?(event: RuleEvent): Record<string, unknown>;
  readonly tests: readonly RuleTest[];
}

/** Panther's defaults for the metadata a rule may leave out. */
export const RULE_DEFAULTS = {
  dedupPeriodMinutes: 60,
  threshold: 1,
  summaryAttributes: [] as readonly string[],
  tags: [] as readonly string[],
  mitre: [] as readonly string[],
  enabled: true,
} as const;

type OptionalMeta = keyof typeof RULE_DEFAULTS;

/** A rule as written in its module: metadata with Panther's defaults filled in. */
export interface RuleDefinition extends Omit<Rule, 'meta'> {
  meta: Omit<RuleMeta, OptionalMeta> & Partial<Pick<RuleMeta, OptionalMeta>>;
}

/**
 * Declares a rule, filling in Panther's defaults (dedup 60 min, threshold 1,
 * enabled).
 *
 * @example
 * export const myRule = defineRule({
 *   meta: { id: 'Zoom.Example', displayName: 'Example', logTypes: ['Zoom.Operation'], severity: 'LOW', ... },
 *   rule: (e) => e.text('action') === 'Delete',
 *   tests: [...],
 * });
 */
export function defineRule(definition: RuleDefinition): Rule {
  return { ...definition, meta: { ...RULE_DEFAULTS, ...definition.meta } };
}
