import { evaluateBatch, type DetectableEvent } from '../../src/detect/detector.js';
import { isHistoryRule } from '../../src/detect/history-rule.js';
import type { Rule } from '../../src/detect/rule.js';
import { findRule, RULES } from '../../src/rules/rule-registry.js';
import type { Store } from '../../src/store/store.js';
import type { LogType } from '../../src/zoom/report-records.js';

/** Enabled-by-default rules by log type, as the Detector builds them with no user overrides. */
export function defaultRulesByLogType(rules: readonly Rule[] = RULES): Map<LogType, Rule[]> {
  const out = new Map<LogType, Rule[]>();
  for (const rule of rules) {
    if (!rule.meta.enabled) continue;
    for (const logType of rule.meta.logTypes) out.set(logType, [...(out.get(logType) ?? []), rule]);
  }
  return out;
}

/**
 * Whether every match of the rule is in a raised alert: a threshold rule's matches below its
 * threshold stay in an unraised group (listAlerts leaves it out), so the exactly-once checks
 * over raised alerts count per-event rules only; threshold rules have their own tests. History
 * rules (their matches come from the history detector, as of each event) have theirs too.
 */
export function isPerEventRule(ruleId: string): boolean {
  const rule = findRule(ruleId);
  return rule === undefined || (rule.meta.threshold <= 1 && !isHistoryRule(rule));
}

/** `<ruleId> <rowId>` for every match of the default per-event rules on every stored event: what detection must have recorded, once each. */
export async function expectedRuleMatches(store: Store): Promise<string[]> {
  const events: DetectableEvent[] = [];
  for await (const e of store.queryEvents({})) events.push(e);
  return evaluateBatch(defaultRulesByLogType(), events)
    .matches.filter((m) => isPerEventRule(m.ruleId))
    .map((m) => `${m.ruleId} ${m.rowId}`);
}
