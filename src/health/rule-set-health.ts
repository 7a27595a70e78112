import type { RuleSetReport, RuleSetStore } from '../store/rule-tuning-store.js';

/** How often a running instance reports its rule set; health counts an instance as live for twice this. */
export const RULE_SET_REPORT_MS = 30_000;

export interface RuleSetHealth {
  /** Instances that reported their rule set within the last two periods, by owner. */
  instances: RuleSetReport[];
  /** True when live instances run different rule sets (their rules directories differ). */
  mismatch: boolean;
}

/** The live instances' rule sets and whether they differ: several instances on one database should run one rule set. */
export async function ruleSetHealth(store: Pick<RuleSetStore, 'listRuleSets'>, nowMs: number, liveMs = 2 * RULE_SET_REPORT_MS): Promise<RuleSetHealth> {
  const instances = await store.listRuleSets(nowMs - liveMs);
  return { instances, mismatch: new Set(instances.map((i) => i.digest)).size > 1 };
}
