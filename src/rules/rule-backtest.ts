import type { Logger } from 'pino';
import type { DetectableEvent } from '../detect/detector.js';
import { HistoryDetector, type HistoryDetectorStore, type HistoryEvaluation } from '../detect/history-detector.js';
import { isHistoryRule } from '../detect/history-rule.js';
import type { Rule } from '../detect/rule.js';
import type { RuleGuard } from '../detect/rule-guard.js';
import { replayRules, type ReplayResult } from '../detect/rules-replay.js';
import type { HistorySettings } from '../domain/history-settings.js';
import type { Clock } from '../shared/clock.js';
import type { RuleTuning } from '../store/rule-tuning-store.js';
import type { EventStore } from '../store/store.js';
import { privilegeGrantOf } from './zoom/privilege-then-weakening.js';

export interface BacktestOptions {
  store: HistoryDetectorStore & Pick<EventStore, 'queryEvents'>;
  rule: Rule;
  sinceMs: number;
  untilMs?: number;
  sourceId?: string;
  historySettings: HistorySettings;
  guard?: RuleGuard;
  /** Group with the rule's tuning (severity, dedup period, threshold); absent: the rule's own settings. */
  tuning?: RuleTuning;
  clock: Clock;
  logger: Logger;
}

/**
 * One rule (enabled or not) over the stored events since a time: the alerts it
 * would have raised, grouped as detection groups them, writing nothing. A
 * history rule reads the stored history as of each event, as it does when
 * running. Shared by `zoomtrail rules backtest` and GET /api/rules/:id/backtest.
 */
export async function backtestRule(o: BacktestOptions): Promise<ReplayResult> {
  let history: ((chunk: readonly DetectableEvent[]) => Promise<HistoryEvaluation>) | undefined;
  if (isHistoryRule(o.rule)) {
    const detector = new HistoryDetector({ store: o.store, rules: [o.rule], settings: o.historySettings, privilegeGrant: privilegeGrantOf, clock: o.clock, logger: o.logger });
    history = (chunk) => detector.evaluate(chunk, [o.rule]);
  }
  const tunings = o.tuning ? new Map([[o.rule.meta.id, o.tuning]]) : undefined;
  return replayRules([o.rule], o.store.queryEvents({ sinceMs: o.sinceMs, untilMs: o.untilMs, sourceId: o.sourceId }), undefined, history, o.guard, tunings);
}
