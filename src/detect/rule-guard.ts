import vm from 'node:vm';
import type { LogType } from '../zoom/report-records.js';
import type { Rule } from './rule.js';
import type { RuleEvent } from './rule-event.js';
import type { BatchEvaluation, DetectableEvent } from './detector.js';

/** `evaluateBatch` (detector.ts), passed in so that loading the guard does not load the detector and its metrics. */
export type BatchEvaluator = (rulesByLogType: ReadonlyMap<LogType, readonly Rule[]>, events: readonly DetectableEvent[]) => BatchEvaluation;

/** Default time budget of user rules: per batch of events, all user rules together. */
export const DEFAULT_RULE_TIME_BUDGET_MS = 1000;

const RULE_FUNCTIONS = ['rule', 'title', 'dedup', 'severity', 'alertContext'] as const;

/**
 * The time budget of user code (rules from the rules directory). A user rule
 * that loops forever or backtracks for minutes must not hold up collection:
 * evaluation of user rules runs under V8's watchdog (`vm`'s `timeout`), one
 * watchdog per batch (per event would cost ~0.25 ms each). Past the budget
 * the watchdog stops the code; the rule that was running is disabled (until
 * its file changes and is reloaded) with a rule error that says so, and the
 * batch is evaluated again without it. Built-in rules are not guarded.
 *
 * The budget is per batch, not per event, so a batch of many events gives
 * each rule less time per event; the default (1 s) is ~1000 times what a
 * simple rule takes on a 2,000-event batch.
 */
export class RuleGuard {
  readonly budgetMs: number;
  readonly #guarded = new WeakSet<Rule>();
  readonly #disabled = new Map<string, string>();
  #current: Rule | undefined;
  readonly #context = vm.createContext({ work: undefined as (() => unknown) | undefined });
  readonly #script = new vm.Script('work()');

  constructor(budgetMs = DEFAULT_RULE_TIME_BUDGET_MS) {
    this.budgetMs = budgetMs;
  }

  /**
   * The rule, its functions marked as user code: while one runs, the guard
   * knows which rule it is; once the rule is disabled, `rule` returns false
   * without running.
   */
  wrap(rule: Rule): Rule {
    const wrapped: Record<string, unknown> = { meta: rule.meta, tests: rule.tests };
    for (const name of RULE_FUNCTIONS) {
      const fn = (rule as unknown as Record<string, ((event: RuleEvent) => unknown) | undefined>)[name];
      if (!fn) continue;
      wrapped[name] = (event: RuleEvent) => {
        if (this.#disabled.has(rule.meta.id)) {
          if (name === 'rule') return false;
          throw new Error(this.#disabled.get(rule.meta.id));
        }
        const previous = this.#current;
        this.#current = result;
        try {
          return fn.call(rule, event);
        } finally {
          this.#current = previous;
        }
      };
    }
    const result = wrapped as unknown as Rule;
    this.#guarded.add(result);
    return result;
  }

  isGuarded(rule: Rule): boolean {
    return this.#guarded.has(rule);
  }

  /** Why a rule was disabled for running too long, or undefined. */
  disabledReason(ruleId: string): string | undefined {
    return this.#disabled.get(ruleId);
  }

  /** Forgets a disabled rule (its file was reloaded). */
  reset(ruleId: string): void {
    this.#disabled.delete(ruleId);
  }

  /**
   * Runs `work` under the watchdog. When the budget runs out, disables the
   * user rule that was running and returns `{ timedOut }` with its id (or
   * undefined when no user rule was running: the work was just slow).
   */
  run<T>(work: () => T): { value: T } | { timedOut: string | undefined; message: string } {
    this.#context.work = work;
    this.#current = undefined;
    try {
      return { value: this.#script.runInContext(this.#context, { timeout: this.budgetMs }) as T };
    } catch (error) {
      if ((error as { code?: string } | null)?.code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
      const culprit = this.#current as Rule | undefined; // set by the wrapped functions while `work` ran
      this.#current = undefined;
      const message = `ran past its time budget of ${this.budgetMs} ms (an endless loop or a slow regular expression?); the rule is disabled until its file changes`;
      if (culprit) this.#disabled.set(culprit.meta.id, message);
      return { timedOut: culprit?.meta.id, message };
    } finally {
      this.#context.work = undefined;
    }
  }

  /**
   * evaluateBatch, the guarded rules under the watchdog: a rule past the
   * budget gets one rule error (`rule`: "ran past its time budget...") on the
   * event it was running on... recorded on the batch's first event of its
   * log type, and the batch is evaluated again without it.
   */
  evaluate(rulesByLogType: ReadonlyMap<LogType, readonly Rule[]>, events: readonly DetectableEvent[], evaluateBatch: BatchEvaluator): BatchEvaluation {
    const trusted = new Map<LogType, Rule[]>();
    const guarded = new Map<LogType, Rule[]>();
    for (const [logType, rules] of rulesByLogType) {
      trusted.set(
        logType,
        rules.filter((r) => !this.isGuarded(r)),
      );
      guarded.set(
        logType,
        rules.filter((r) => this.isGuarded(r)),
      );
    }
    const result = evaluateBatch(trusted, events);
    const extraErrors: BatchEvaluation['errors'] = [];
    for (;;) {
      const active = new Map([...guarded].map(([t, rules]) => [t, rules.filter((r) => !this.#disabled.has(r.meta.id))] as const));
      if ([...active.values()].every((rules) => rules.length === 0)) break;
      const outcome = this.run(() => evaluateBatch(active, events));
      if ('value' in outcome) {
        result.matches.push(...outcome.value.matches);
        result.errors.push(...outcome.value.errors);
        break;
      }
      if (outcome.timedOut === undefined) {
        // No user rule was running when time ran out: nothing to blame, evaluate without a budget.
        const value = evaluateBatch(active, events);
        result.matches.push(...value.matches);
        result.errors.push(...value.errors);
        break;
      }
      const ruleId = outcome.timedOut;
      const logTypes = [...active].filter(([, rules]) => rules.some((r) => r.meta.id === ruleId)).map(([t]) => t);
      const first = events.find((e) => logTypes.includes(e.logType));
      if (first) extraErrors.push({ ruleId, rowId: first.rowId, sourceId: first.sourceId, logType: first.logType, functionName: 'rule', message: outcome.message });
    }
    result.errors.push(...extraErrors);
    return result;
  }
}
