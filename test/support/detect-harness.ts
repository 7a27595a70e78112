import { evaluateBatch, type DetectableEvent } from '../../src/detect/detector.js';
import type { Rule } from '../../src/detect/rule.js';
import { RULES } from '../../src/rules/rule-registry.js';
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

/** `<ruleId> <rowId>` for every match of the default rules on every stored event: what detection must have recorded, once each. */
export async function expectedRuleMatches(store: Store): Promise<string[]> {
  const events: DetectableEvent[] = [];
  for await (const e of store.queryEvents({})) events.push(e);
  return evaluateBatch(defaultRulesByLogType(), events).matches.map((m) => `${m.ruleId} ${m.rowId}`);
}
