import type { RuleMatchRow } from '../store/alert-store.js';
import type { RuleTuning } from '../store/rule-tuning-store.js';
import type { RuleMeta } from './rule.js';

/** A rule's settings as it runs: its metadata with the tuning's overrides applied. */
export interface EffectiveRuleSettings {
  enabled: boolean;
  severity: RuleMeta['severity'];
  dedupPeriodMinutes: number;
  threshold: number;
  destinations: readonly string[] | null;
}

/** The rule's metadata, overridden by its tuning where the tuning sets a value. */
export function effectiveSettings(meta: RuleMeta, tuning: RuleTuning | undefined): EffectiveRuleSettings {
  return {
    enabled: tuning?.enabled ?? meta.enabled,
    severity: tuning?.severity ?? meta.severity,
    dedupPeriodMinutes: tuning?.dedupPeriodMinutes ?? meta.dedupPeriodMinutes,
    threshold: tuning?.threshold ?? meta.threshold,
    destinations: tuning?.destinations ?? null,
  };
}

/**
 * Applies the tuning to a rule's matches before they are grouped: a tuned
 * severity replaces the rule's (including what its `severity()` function
 * returned: the tuning is the operator's last word), a tuned dedup period or
 * threshold changes the grouping, tuned destinations route the alert.
 */
export function tuneMatches(matches: RuleMatchRow[], tunings: ReadonlyMap<string, RuleTuning>): RuleMatchRow[] {
  if (tunings.size === 0) return matches;
  return matches.map((match) => {
    const tuning = tunings.get(match.ruleId);
    if (!tuning) return match;
    return {
      ...match,
      severity: tuning.severity ?? match.severity,
      dedupPeriodMs: tuning.dedupPeriodMinutes === null ? match.dedupPeriodMs : tuning.dedupPeriodMinutes * 60_000,
      threshold: tuning.threshold ?? match.threshold,
      destinations: tuning.destinations,
    };
  });
}
