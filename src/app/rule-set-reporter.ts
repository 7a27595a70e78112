import type { Logger } from 'pino';
import type { UserRuleSet } from '../rules/user/user-rule-set.js';
import type { Clock } from '../shared/clock.js';
import type { RuleSetStore } from '../store/rule-tuning-store.js';

import { RULE_SET_REPORT_MS } from '../health/rule-set-health.js';

/**
 * Reports this instance's rule set (the digest of its rules directory as
 * loaded) to the store every `intervalMs`, so health can show instances
 * running different rule sets. One small upsert per period.
 */
export async function reportRuleSetLoop(
  o: { store: RuleSetStore; rules: UserRuleSet; owner: string; clock: Clock; logger: Pick<Logger, 'warn'> },
  signal: AbortSignal,
  intervalMs = RULE_SET_REPORT_MS,
): Promise<void> {
  while (!signal.aborted) {
    await reportRuleSet(o).catch((error: unknown) => o.logger.warn({ err: error }, 'could not report the rule set digest; retrying'));
    await o.clock.sleep(intervalMs, signal).catch(() => undefined);
  }
}

export function reportRuleSet(o: { store: RuleSetStore; rules: UserRuleSet; owner: string }): Promise<void> {
  return o.store.reportRuleSet({ owner: o.owner, digest: o.rules.digest, userRules: o.rules.userRules.length, loadErrors: o.rules.errors.length });
}

/**
 * SIGHUP reloads the rules directory (what `zoomtrail rules reload` sends),
 * logged, and reports the new digest at once. Returns the remover.
 */
export function reloadOnSighup(o: { store: RuleSetStore; rules: UserRuleSet; owner: string; logger: Pick<Logger, 'warn' | 'info'> }): () => void {
  const onHup = () => {
    o.logger.info('SIGHUP: reloading the rules directory');
    o.rules
      .load(true, 'SIGHUP')
      .then(() => reportRuleSet(o))
      .catch((error: unknown) => o.logger.warn({ err: error }, 'rules reload on SIGHUP failed; the loaded rules stay'));
  };
  process.on('SIGHUP', onHup);
  return () => process.off('SIGHUP', onHup);
}
