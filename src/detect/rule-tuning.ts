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

/** One tunable setting of a rule: its default (the rule's metadata), the override (null: none) and the value in effect. */
export interface TuningRow {
  setting: 'enabled' | 'severity' | 'dedupPeriodMinutes' | 'threshold' | 'destinations';
  default: unknown;
  override: unknown;
  effective: unknown;
}

/** The rule's defaults next to its overrides, setting by setting (what `rules tuning` and the console show). */
export function tuningRows(meta: RuleMeta, tuning: RuleTuning | undefined): TuningRow[] {
  const effective = effectiveSettings(meta, tuning);
  const row = <K extends TuningRow['setting']>(setting: K, fallback: unknown): TuningRow => ({
    setting,
    default: fallback,
    override: tuning?.[setting] ?? null,
    effective: effective[setting],
  });
  return [
    row('enabled', meta.enabled),
    row('severity', meta.severity),
    row('dedupPeriodMinutes', meta.dedupPeriodMinutes),
    row('threshold', meta.threshold),
    // No default list: without tuned destinations every destination's own filters decide.
    row('destinations', null),
  ];
}

/** Bounds of tuned numbers: a dedup period up to 30 days, a threshold up to a million matches. */
export const TUNING_LIMITS = { dedupPeriodMinutes: { min: 1, max: 43_200 }, threshold: { min: 1, max: 1_000_000 } } as const;

/**
 * What is wrong with a tuning patch, in words (empty: nothing): numbers in
 * their bounds, destinations that exist (`knownDestinations`: names and ids).
 */
export function tuningPatchProblems(
  patch: Partial<Record<'dedupPeriodMinutes' | 'threshold', number | null>> & { destinations?: readonly string[] | null },
  knownDestinations: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  for (const key of ['dedupPeriodMinutes', 'threshold'] as const) {
    const value = patch[key];
    const { min, max } = TUNING_LIMITS[key];
    if (value !== undefined && value !== null && (!Number.isInteger(value) || value < min || value > max))
      problems.push(`${key} must be a whole number from ${min} to ${max}, not ${value}`);
  }
  for (const name of patch.destinations ?? []) {
    if (!knownDestinations.has(name)) problems.push(`there is no destination "${name}" (see \`zoomtrail destination list\`)`);
  }
  if (patch.destinations && patch.destinations.length === 0) problems.push('destinations must name at least one destination (or be cleared, to let every destination decide)');
  return problems;
}
