import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import { metrics } from '../shared/metrics.js';
import type { DetectionCommitResult, RuleErrorRow, RuleMatchRow } from '../store/alert-store.js';
import type { AlertStore } from '../store/alert-store.js';
import type { SuppressionStore } from '../store/suppression-store.js';
import type { RuleTuning, RuleTuningStore } from '../store/rule-tuning-store.js';
import type { LogType } from '../zoom/report-records.js';
import { isHistoryRule } from './history-rule.js';
import type { Rule } from './rule.js';
import { RuleEvent } from './rule-event.js';
import { evaluateRule, type RuleMatchOutcome } from './rule-evaluator.js';
import type { RuleGuard } from './rule-guard.js';
import type { SuppressionFilter } from './suppression-filter.js';
import { tuneMatches } from './rule-tuning.js';

/** A stored event, as detection needs it. */
export interface DetectableEvent {
  rowId: string;
  sourceId: string;
  logType: LogType;
  eventTimeMs: number;
  event: Readonly<Record<string, unknown>>;
}

export interface DetectorOptions {
  store: AlertStore & Pick<SuppressionStore, 'recordSuppressed'> & Pick<RuleTuningStore, 'listRuleTunings'>;
  /** The rules, or where to get them on each batch (user rules change when their directory does). */
  rules: readonly Rule[] | (() => readonly Rule[]);
  /** The time budget of user rules (rules it wrapped); absent: no budget. */
  guard?: RuleGuard;
  /** Rule suppressions applied before commit; absent: none. */
  suppressions?: SuppressionFilter;
  clock: Clock;
  logger: Logger;
  /** Queued events read per drain step; default 2000. */
  batchSize?: number;
}

/** The rules' results on a batch, before they are committed. */
export interface BatchEvaluation {
  matches: RuleMatchRow[];
  errors: RuleErrorRow[];
}

/**
 * Runs the enabled rules on stored events, exactly once per row: the store's
 * detection queue (filled in the transaction that stored the event) is the
 * ledger, and `commitDetection` takes a row off it in the transaction that
 * records the rules' results. Fresh events are evaluated straight from the
 * collector (`detect`); whatever a crash, an error or another process left
 * queued is picked up by `drain`.
 */
export class Detector {
  readonly #o: DetectorOptions;
  readonly #byLogType = new Map<LogType, Rule[]>();

  constructor(options: DetectorOptions) {
    this.#o = options;
  }

  /** Evaluates and commits events just stored; the rows still queued get their results recorded. */
  async detect(events: readonly DetectableEvent[]): Promise<DetectionCommitResult> {
    if (events.length === 0) return { claimed: 0, raised: [], matched: 0 };
    const tunings = await this.#o.store.listRuleTunings();
    const rules = this.#enabledRules(tunings);
    let evaluation = this.#o.guard ? this.#o.guard.evaluate(rules, events, evaluateBatch) : evaluateBatch(rules, events);
    evaluation = { matches: tuneMatches(evaluation.matches, tunings), errors: evaluation.errors };
    const held = this.#o.suppressions ? await this.#o.suppressions.apply(evaluation, events) : undefined;
    if (held) evaluation = held.evaluation;
    const result = await this.#o.store.commitDetection({ rowIds: events.map((e) => e.rowId), ...evaluation });
    // Counted only when this commit took every row (another instance that took them counts them).
    if (held && held.suppressed.size > 0 && result.claimed === events.length) await this.#o.store.recordSuppressed(held.suppressed);
    this.#report(evaluation, result);
    return result;
  }

  /** Runs detection on every queued row, in batches, until the queue is empty or `signal` aborts. */
  async drain(signal?: AbortSignal): Promise<{ events: number; raised: number }> {
    const batchSize = this.#o.batchSize ?? 2000;
    let events = 0;
    let raised = 0;
    while (!signal?.aborted) {
      const batch = await this.#o.store.listPendingDetection(batchSize);
      if (batch.length === 0) break;
      const result = await this.detect(batch);
      events += batch.length;
      raised += result.raised.length;
      if (batch.length < batchSize) break;
    }
    return { events, raised };
  }

  /**
   * Drains the queue every `intervalMs` (default 5 s) until `signal` aborts:
   * catches what the direct path left (a crash, a failed commit, another
   * process's events). Errors are logged; the rows stay queued.
   */
  async run(signal: AbortSignal, intervalMs = 5000): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.drain(signal);
      } catch (error) {
        this.#o.logger.error({ err: error }, 'detection drain failed; retrying');
      }
      await this.#o.clock.sleep(intervalMs, signal).catch(() => undefined);
    }
  }

  /**
   * Enabled rules by log type: each rule's default, overridden by its tuning.
   * History rules are left to HistoryDetector (they wait for proven history).
   */
  #enabledRules(tunings: ReadonlyMap<string, RuleTuning>): ReadonlyMap<LogType, readonly Rule[]> {
    this.#byLogType.clear();
    const { rules } = this.#o;
    for (const rule of typeof rules === 'function' ? rules() : rules) {
      if (isHistoryRule(rule) || !(tunings.get(rule.meta.id)?.enabled ?? rule.meta.enabled)) continue;
      for (const logType of rule.meta.logTypes) {
        let list = this.#byLogType.get(logType);
        if (!list) this.#byLogType.set(logType, (list = []));
        list.push(rule);
      }
    }
    return this.#byLogType;
  }

  #report(evaluation: BatchEvaluation, result: DetectionCommitResult): void {
    const { logger } = this.#o;
    for (const alert of result.raised) {
      metrics.alertsRaised.inc({ rule_id: alert.ruleId, severity: alert.severity });
      logger.warn({ alertId: alert.id, ruleId: alert.ruleId, severity: alert.severity, events: alert.eventCount }, `alert raised: ${alert.title}`);
    }
    if (evaluation.errors.length > 0) {
      const byRule = new Map<string, { count: number; example: string }>();
      for (const error of evaluation.errors) {
        const entry = byRule.get(error.ruleId) ?? { count: 0, example: `${error.functionName}(): ${error.message}` };
        entry.count++;
        byRule.set(error.ruleId, entry);
      }
      for (const [ruleId, { count, example }] of byRule) {
        metrics.ruleErrors.inc({ rule_id: ruleId }, count);
        logger.error({ ruleId, count }, `rule ${ruleId} failed on ${count} event(s), e.g. ${example}; see \`zoomtrail rules errors\``);
      }
    }
  }
}

/** Every enabled rule of each event's log type on each event (pure; the replay uses it too). */
export function evaluateBatch(rulesByLogType: ReadonlyMap<LogType, readonly Rule[]>, events: readonly DetectableEvent[]): BatchEvaluation {
  const matches: RuleMatchRow[] = [];
  const errors: RuleErrorRow[] = [];
  for (const stored of events) {
    const rules = rulesByLogType.get(stored.logType);
    if (!rules || rules.length === 0) continue;
    const event = new RuleEvent(stored.event);
    for (const rule of rules) {
      const { match, errors: ruleErrors } = evaluateRule(rule, event);
      for (const error of ruleErrors) {
        errors.push({
          ruleId: rule.meta.id,
          rowId: stored.rowId,
          sourceId: stored.sourceId,
          logType: stored.logType,
          functionName: error.functionName,
          message: error.message,
        });
      }
      if (match) matches.push(matchRow(rule, stored, match));
    }
  }
  return { matches, errors };
}

/** The row a rule's match of an event becomes: what the alert writers group (both detectors build it here). */
export function matchRow(rule: Rule, stored: { rowId: string; sourceId: string; logType: LogType; eventTimeMs: number }, match: RuleMatchOutcome): RuleMatchRow {
  return {
    ruleId: rule.meta.id,
    rowId: stored.rowId,
    sourceId: stored.sourceId,
    logType: stored.logType,
    eventTimeMs: stored.eventTimeMs,
    title: match.title,
    dedup: match.dedup,
    severity: match.severity,
    context: match.context,
    dedupPeriodMs: rule.meta.dedupPeriodMinutes * 60_000,
    threshold: rule.meta.threshold,
  };
}
