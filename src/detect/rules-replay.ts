import { AlertGrouper } from '../domain/alert-grouping.js';
import type { HistoryEvaluation } from './history-detector.js';
import { isHistoryRule } from './history-rule.js';
import type { Rule } from './rule.js';
import { evaluateBatch, type DetectableEvent } from './detector.js';
import type { RuleGuard } from './rule-guard.js';
import { tuneMatches } from './rule-tuning.js';
import type { RuleTuning } from '../store/rule-tuning-store.js';
import type { AlertRecord, RuleMatchRow } from '../store/alert-store.js';
import type { LogType } from '../zoom/report-records.js';

/** Events evaluated per `evaluateBatch` call (a chunk never splits events of one instant). */
export const REPLAY_CHUNK = 1000;

/** An alert `rules replay` says would have been raised: the stored alert's own fields (title and severity of the group's first match), and its events. */
export type ReplayedAlert = Pick<AlertRecord, 'ruleId' | 'dedup' | 'title' | 'severity' | 'firstEventMs' | 'lastEventMs' | 'eventCount'> & {
  /** The grouped events, in grouping order. */
  rowIds: string[];
};

export interface ReplayResult {
  events: number;
  /** Events the history rules could not evaluate yet: their look-back is not proven complete. */
  waiting: number;
  ruleErrors: number;
  /** Oldest first event first, then rule id, then dedup. */
  raised: ReplayedAlert[];
}

/**
 * `rules replay`: the rules over stored events (given in event-time, then
 * row-id order, as `queryEvents` returns them), their matches grouped as a
 * store's detection groups them (AlertGrouper.addBatch: the stores' grouping
 * order), writing nothing. A group's "now" is its match's event time.
 * User rules run under `guard`'s time budget, as in detection.
 */
export async function replayRules(
  rules: readonly Rule[],
  events: AsyncIterable<DetectableEvent>,
  chunkSize = REPLAY_CHUNK,
  /** The history rules' evaluation of a chunk (HistoryDetector.evaluate: against the stored history as of each event). */
  history?: (chunk: readonly DetectableEvent[]) => Promise<HistoryEvaluation>,
  /** The time budget of user code (RuleGuard.evaluate). */
  guard?: RuleGuard,
  /** Rule tuning to group with (tuned severity, dedup period, threshold); absent: each rule's own. */
  tunings?: ReadonlyMap<string, RuleTuning>,
): Promise<ReplayResult> {
  const byLogType = new Map<LogType, Rule[]>();
  for (const rule of rules) {
    if (isHistoryRule(rule)) continue; // through `history`
    for (const logType of rule.meta.logTypes) byLogType.set(logType, [...(byLogType.get(logType) ?? []), rule]);
  }
  const grouper = new AlertGrouper<RuleMatchRow>();
  let count = 0;
  let ruleErrors = 0;
  let waiting = 0;
  let chunk: DetectableEvent[] = [];
  const flush = async () => {
    const { matches, errors } = guard ? guard.evaluate(byLogType, chunk, evaluateBatch) : evaluateBatch(byLogType, chunk);
    ruleErrors += errors.length;
    if (history) {
      const evaluation = await history(chunk);
      matches.push(...evaluation.matches);
      ruleErrors += evaluation.errors.length;
      waiting += evaluation.waiting.size;
    }
    grouper.addBatch(tunings ? tuneMatches(matches, tunings) : matches, (match) => match.eventTimeMs);
    chunk = [];
  };
  for await (const event of events) {
    count++;
    if (chunk.length >= chunkSize && event.eventTimeMs !== chunk.at(-1)!.eventTimeMs) await flush();
    chunk.push(event);
  }
  await flush();

  const raised = [...grouper.groups()]
    .filter((g) => g.state.raisedAt !== null)
    .map((g) => ({
      ruleId: g.ruleId,
      dedup: g.dedup,
      title: g.matches[0]!.title,
      severity: g.matches[0]!.severity,
      firstEventMs: g.state.firstEventMs,
      lastEventMs: g.state.lastEventMs,
      eventCount: g.state.eventCount,
      rowIds: g.matches.map((m) => m.rowId),
    }))
    .sort((a, b) => a.firstEventMs - b.firstEventMs || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.dedup < b.dedup ? -1 : a.dedup > b.dedup ? 1 : 0));
  return { events: count, waiting, ruleErrors, raised };
}
