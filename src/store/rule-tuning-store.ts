import type { Severity } from '../domain/severity.js';

/**
 * Per-rule tuning (built-in and user rules): overrides of a rule's own
 * metadata, each null when the rule's default applies, with who made the
 * last change and when. The detectors read it on every batch, so a change
 * applies to the next events.
 */
export interface RuleTuningValues {
  enabled: boolean | null;
  severity: Severity | null;
  dedupPeriodMinutes: number | null;
  threshold: number | null;
  /** Names of the destinations that get this rule's alerts (only these); null: every destination whose own filters want it. */
  destinations: string[] | null;
}

export interface RuleTuning extends RuleTuningValues {
  ruleId: string;
  updatedBy: string;
  updatedAt: number;
}

/** A change: a value sets an override, null clears it (back to the rule's default), absent keeps it. */
export type RuleTuningPatch = Partial<RuleTuningValues>;

export interface RuleTuningStore {
  /** Every rule with an override, by rule id. */
  listRuleTunings(): Promise<Map<string, RuleTuning>>;
  getRuleTuning(ruleId: string): Promise<RuleTuning | undefined>;
  /** Applies the patch (one statement) and returns the tuning; a tuning left with no override is removed (undefined). */
  tuneRule(ruleId: string, patch: RuleTuningPatch, by: string): Promise<RuleTuning | undefined>;
  /** Removes every override of the rule; false when it had none. */
  resetRuleTuning(ruleId: string): Promise<boolean>;
}

/** The rule set one instance runs, as it last reported it. */
export interface RuleSetReport {
  owner: string;
  /** SHA-256 of the rules directory as loaded (UserRuleSet.digest). */
  digest: string;
  userRules: number;
  loadErrors: number;
  seenAt: number;
}

export interface RuleSetStore {
  /** Records (replaces) this instance's rule set, seen now. */
  reportRuleSet(report: Omit<RuleSetReport, 'seenAt'>): Promise<void>;
  /** Instances seen at or after `sinceMs`, by owner. */
  listRuleSets(sinceMs: number): Promise<RuleSetReport[]>;
}
