import type { Logger } from 'pino';
import { historyWindows, type HistorySettings, type HistoryWindows } from '../domain/history-settings.js';
import { addDays } from '../domain/utc-days.js';
import { utcDay, type Clock } from '../shared/clock.js';
import { metrics } from '../shared/metrics.js';
import type { AlertStore, RuleErrorRow, RuleMatchRow } from '../store/alert-store.js';
import type { SignInHistoryStore } from '../store/sign-in-history-store.js';
import type { RuleTuning, RuleTuningStore } from '../store/rule-tuning-store.js';
import type { CoverageStore, DayState, EventStore, SourceStore } from '../store/store.js';
import type { LogType } from '../zoom/report-records.js';
import { matchRow, type DetectableEvent } from './detector.js';
import { firstUnprovenDay, hasLearned, historyStartDay } from './history-proof.js';
import { isHistoryRule, type HistoryFacts, type HistoryRule, type PrivilegeGrant } from './history-rule.js';
import { RuleEvent } from './rule-event.js';
import { evaluateRule } from './rule-evaluator.js';
import { tuneMatches } from './rule-tuning.js';
import type { Rule } from './rule.js';

export type HistoryDetectorStore = AlertStore &
  Pick<RuleTuningStore, 'listRuleTunings'> &
  SignInHistoryStore &
  Pick<SourceStore, 'getSource'> &
  CoverageStore &
  Pick<EventStore, 'queryEvents'>;

/** Reads the promotions before an operation (privilege-then-weakening); given by the rules module, so detect/ knows no rule. */
export type PrivilegeGrantReader = (event: RuleEvent) => PrivilegeGrant | null;

export interface HistoryDetectorOptions {
  store: HistoryDetectorStore;
  /** Every rule; the history rules among them are used (enabled ones). */
  rules: readonly Rule[];
  settings: HistorySettings;
  /** Turns a stored operation into a promotion, or null (for the `privilege-grants` need). */
  privilegeGrant?: PrivilegeGrantReader;
  clock: Clock;
  logger: Logger;
  /** Events per evaluation and commit; default 2000. */
  batchSize?: number;
  /** Called after a commit that raised alerts (the pipeline wakes the deliveries). */
  onRaised?: () => void;
}

/** The history rules' results on events, and the events that must wait. */
export interface HistoryEvaluation {
  matches: RuleMatchRow[];
  errors: RuleErrorRow[];
  /** Events whose look-back is not proven yet (first unproven day per event). */
  waiting: Map<string, string>;
  /** Events evaluated (their look-back proven). */
  evaluated: string[];
}

/**
 * Runs the history rules (HistoryRule) over `history_pending`, the durable
 * queue the store fills with every stored sign-in and account / user-group
 * operation, in the transaction that stores it:
 *
 * 1. per (source, log type, day) with waiting events, it checks the coverage
 *    map: the event's own day and every day of the longest look-back of the
 *    enabled rules (from the source's history start) must be complete (see
 *    history-proof.ts); otherwise the events stay queued, and are looked at
 *    again on the next drain (after the collector settled or re-read the days);
 * 2. for a proven day it reads each event's history AS OF the event's time from
 *    the store (SignInHistoryStore: indexed, only stored events count), runs the
 *    rules (a baseline rule stays silent while learning), and
 * 3. commits the results with `commitDetection({ ledger: 'history' })`: the rows
 *    leave the queue in the transaction that records their matches, so each is
 *    evaluated and alerted once, also with several instances on PostgreSQL.
 *
 * Late records: a record stored after its day was complete is queued like any
 * other and evaluated against the history as stored then (so it alerts as it
 * would in a replay). Events evaluated before it are not evaluated again and
 * their alerts stay (alerts are never withdrawn); `rules replay` evaluates them
 * against today's history, so a late record can make replay show fewer or other
 * matches than were raised (documented and tested in history-detector.test.ts).
 */
export class HistoryDetector {
  readonly #o: HistoryDetectorOptions;
  readonly #windows: HistoryWindows;

  constructor(options: HistoryDetectorOptions) {
    this.#o = options;
    this.#windows = historyWindows(options.settings);
  }

  /** Evaluates every proven waiting event and commits the results; returns the counts. */
  async drain(signal?: AbortSignal): Promise<{ events: number; raised: number; waiting: number }> {
    const tunings = await this.#o.store.listRuleTunings();
    const rules = this.#enabledRules(tunings);
    const batchSize = this.#o.batchSize ?? 2000;
    let events = 0;
    let raised = 0;
    let waiting = 0;
    const proofs = new Map<string, Proof>();
    const pendingDays = await this.#o.store.listHistoryPendingDays();
    for (const pending of pendingDays) {
      if (signal?.aborted) break;
      const forType = rules.filter((r) => r.meta.logTypes.includes(pending.logType));
      const key = JSON.stringify([pending.sourceId, pending.logType]);
      let proof = proofs.get(key);
      if (!proof) {
        const days = pendingDays.filter((p) => p.sourceId === pending.sourceId && p.logType === pending.logType).map((p) => p.day);
        proofs.set(key, (proof = await this.#proof(pending.sourceId, pending.logType, days, forType)));
      }
      if (proof.unproven.has(pending.day)) {
        waiting += pending.events;
        continue;
      }
      let after: { eventTimeMs: number; rowId: string } | undefined;
      for (;;) {
        const batch = await this.#o.store.listHistoryPending(pending.sourceId, pending.logType, pending.day, batchSize, after);
        if (batch.length === 0) break;
        const evaluation = await this.#evaluateProven(pending.sourceId, pending.logType, batch, forType, proof);
        const matches = tuneMatches(evaluation.matches, tunings);
        const result = await this.#o.store.commitDetection({ ledger: 'history', rowIds: batch.map((e) => e.rowId), matches, errors: evaluation.errors });
        events += result.claimed;
        raised += result.raised.length;
        if (result.raised.length > 0) this.#o.onRaised?.();
        for (const alert of result.raised) {
          metrics.alertsRaised.inc({ rule_id: alert.ruleId, severity: alert.severity });
          this.#o.logger.warn({ alertId: alert.id, ruleId: alert.ruleId, severity: alert.severity, events: alert.eventCount }, `alert raised: ${alert.title}`);
        }
        if (evaluation.errors.length > 0) this.#o.logger.error({ count: evaluation.errors.length }, 'history rules failed on some events; see `zoomtrail rules errors`');
        if (batch.length < batchSize) break;
        const last = batch.at(-1)!;
        after = { eventTimeMs: last.eventTimeMs, rowId: last.rowId };
      }
    }
    return { events, raised, waiting };
  }

  /** Drains every `intervalMs` (default 30 s) until `signal` aborts; errors are logged, rows stay queued. */
  async run(signal: AbortSignal, intervalMs = 30_000): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.drain(signal);
      } catch (error) {
        this.#o.logger.error({ err: error }, 'history detection failed; retrying');
      }
      await this.#o.clock.sleep(intervalMs, signal).catch(() => undefined);
    }
  }

  /**
   * The history rules' results on stored events (any order, any days), writing
   * nothing: for `rules replay` (with `rules` chosen by the caller). Events whose
   * look-back is not proven are returned as waiting.
   */
  async evaluate(events: readonly DetectableEvent[], rules: readonly Rule[]): Promise<HistoryEvaluation> {
    const historyRules = rules.filter(isHistoryRule);
    const out: HistoryEvaluation = { matches: [], errors: [], waiting: new Map(), evaluated: [] };
    const groups = new Map<string, DetectableEvent[]>();
    for (const event of events) {
      const key = JSON.stringify([event.sourceId, event.logType]);
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(event);
    }
    for (const list of groups.values()) {
      const { sourceId, logType } = list[0]!;
      const forType = historyRules.filter((r) => r.meta.logTypes.includes(logType));
      if (forType.length === 0) continue;
      const days = [...new Set(list.map((e) => utcDay(e.eventTimeMs)))].sort();
      const proof = await this.#proof(sourceId, logType, days, forType);
      const proven: DetectableEvent[] = [];
      for (const event of list) {
        const unproven = proof.unproven.get(utcDay(event.eventTimeMs));
        if (unproven !== undefined) out.waiting.set(event.rowId, unproven);
        else proven.push(event);
      }
      const evaluation = await this.#evaluateProven(sourceId, logType, proven, forType, proof);
      out.matches.push(...evaluation.matches);
      out.errors.push(...evaluation.errors);
      out.evaluated.push(...proven.map((e) => e.rowId));
    }
    return out;
  }

  #enabledRules(tunings: ReadonlyMap<string, RuleTuning>): HistoryRule[] {
    return this.#o.rules.filter(isHistoryRule).filter((rule) => tunings.get(rule.meta.id)?.enabled ?? rule.meta.enabled);
  }

  /** For each day: the first unproven day of its look-back (absent: proven), and the source's history start. */
  async #proof(sourceId: string, logType: LogType, days: readonly string[], rules: readonly HistoryRule[]): Promise<Proof> {
    const settings = this.#o.settings;
    const lookback = Math.max(0, ...rules.map((r) => r.history.lookbackDays(settings)));
    const source = await this.#o.store.getSource(sourceId);
    const unproven = new Map<string, string>();
    if (!source || days.length === 0) {
      for (const day of days) unproven.set(day, day);
      return { unproven, start: days[0] ?? '', lookbackDays: lookback };
    }
    const coverage = await this.#o.store.listDayCoverage(sourceId, logType, addDays(days[0]!, -lookback), days.at(-1)!);
    const states = new Map<string, DayState>(coverage.map((c) => [c.day, c.state]));
    const start = historyStartDay(
      utcDay(source.createdAt),
      source.backfillDays,
      coverage.filter((c) => c.state === 'purged').map((c) => c.day),
    );
    for (const day of days) {
      const first = firstUnprovenDay(day, lookback, start, states);
      if (first !== null) unproven.set(day, first);
    }
    return { unproven, start, lookbackDays: lookback };
  }

  async #evaluateProven(
    sourceId: string,
    logType: LogType,
    events: readonly DetectableEvent[],
    rules: readonly HistoryRule[],
    proof: Proof,
  ): Promise<{ matches: RuleMatchRow[]; errors: RuleErrorRow[] }> {
    const matches: RuleMatchRow[] = [];
    const errors: RuleErrorRow[] = [];
    if (events.length === 0 || rules.length === 0) return { matches, errors };
    const settings = this.#o.settings;
    const signIns = rules.some((r) => r.history.needs === 'sign-in')
      ? await this.#o.store.signInHistory(
          sourceId,
          events.map((e) => e.rowId),
          this.#windows,
        )
      : undefined;
    // Per day: whether each rule may alert (a baseline rule once it has learned); the same for every event of the day.
    const alertingByDay = new Map<string, readonly boolean[]>();
    const alertingOn = (day: string): readonly boolean[] => {
      let alerting = alertingByDay.get(day);
      if (!alerting) {
        alerting = rules.map((rule) => !rule.history.learning || hasLearned(day, rule.history.lookbackDays(settings), proof.start, settings.learningDays));
        alertingByDay.set(day, alerting);
      }
      return alerting;
    };
    for (const stored of events) {
      const alerting = alertingOn(utcDay(stored.eventTimeMs));
      const facts: HistoryFacts = { settings, signIn: signIns?.get(stored.rowId) };
      const event = new RuleEvent(stored.event, facts);
      for (const [index, rule] of rules.entries()) {
        if (rule.history.needs === 'sign-in' && facts.signIn === undefined) continue; // not a sign-in
        if (!alerting[index]) continue;
        if (rule.history.needs === 'privilege-grants' && facts.privilegeGrants === undefined) {
          (facts as { privilegeGrants?: readonly PrivilegeGrant[] }).privilegeGrants = await this.#privilegeGrants(sourceId, stored.eventTimeMs);
        }
        const { match, errors: ruleErrors } = evaluateRule(rule, event);
        for (const error of ruleErrors) {
          errors.push({ ruleId: rule.meta.id, rowId: stored.rowId, sourceId, logType, functionName: error.functionName, message: error.message });
        }
        if (match) matches.push(matchRow(rule, { rowId: stored.rowId, sourceId, logType, eventTimeMs: stored.eventTimeMs }, match));
      }
    }
    return { matches, errors };
  }

  /** Promotions stored in [t - window, t] (operations of category User). */
  async #privilegeGrants(sourceId: string, timeMs: number): Promise<PrivilegeGrant[]> {
    const read = this.#o.privilegeGrant;
    if (!read) return [];
    const grants: PrivilegeGrant[] = [];
    const windowMs = this.#o.settings.privilegeThenWeakening.windowMinutes * 60_000;
    for await (const stored of this.#o.store.queryEvents({ sourceId, logType: 'Zoom.Operation', categoryType: 'User', sinceMs: timeMs - windowMs, untilMs: timeMs + 1 })) {
      const grant = read(new RuleEvent(stored.event));
      if (grant) grants.push({ ...grant, rowId: stored.rowId, timeMs: stored.eventTimeMs });
    }
    return grants;
  }
}

interface Proof {
  /** Day -> its first unproven day. */
  unproven: Map<string, string>;
  start: string;
  lookbackDays: number;
}
