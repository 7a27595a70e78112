import type { HistorySettings } from '../domain/history-settings.js';
import type { SignInHistoryRecord } from '../store/sign-in-history-store.js';
import type { Rule } from './rule.js';

/** A promotion to a privileged role found in the stored operations before an event. */
export interface PrivilegeGrant {
  rowId: string;
  timeMs: number;
  /** Who promoted (the operator, lower-cased). */
  operator: string;
  /** Who was promoted (lower-cased), or null when the text names nobody. */
  target: string | null;
  toRole: string;
}

/**
 * What a history rule sees besides the event (`RuleEvent.history`): the
 * settings, and what the detector read from the stored history as of the
 * event's time for it.
 */
export interface HistoryFacts {
  settings: HistorySettings;
  /** For a sign-in: its stored fact and its user's and IP's history. */
  signIn?: SignInHistoryRecord;
  /** For an operation: promotions in the window before it (privilege-then-weakening). */
  privilegeGrants?: readonly PrivilegeGrant[];
}

/** What the detector must read for a history rule. */
export type HistoryNeed = 'sign-in' | 'privilege-grants';

/** How a rule depends on history: see HistoryDetector for how this is proven. */
export interface HistorySpec {
  needs: HistoryNeed;
  /** Whole days before the event's day the rule reads; each must be complete before the event is evaluated. */
  lookbackDays(settings: HistorySettings): number;
  /**
   * Whether the rule compares with a baseline (new country, new ASN, dormant): it then
   * needs `learningDays` complete days of history before the event's day, else it stays
   * silent for the event (the rule is "learning").
   */
  learning: boolean;
  /** The rule's thresholds and look-backs, for `rules list` and the API. */
  settings(settings: HistorySettings): Record<string, number | string>;
}

/** A rule whose decision needs stored history (evaluated by HistoryDetector, not Detector). */
export interface HistoryRule extends Rule {
  readonly history: HistorySpec;
}

export function isHistoryRule(rule: Rule): rule is HistoryRule {
  return 'history' in rule && (rule as Partial<HistoryRule>).history !== undefined;
}
