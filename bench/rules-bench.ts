/**
 * Benchmark `rules`: rule evaluations per second on one core. Generated Zoom
 * records (the same generator, seed and 85/15 Activity/Operation mix as the
 * normalize+detect+store run) are normalized once, untimed, into the plain
 * event objects the store keeps. Then, after a warm-up pass, timed:
 *
 * - the real path, as `evaluateBatch` runs it: for each event the enabled
 *   rules of its log type; when there are any, `new RuleEvent(event)` and
 *   `evaluateRule(rule, e)` for each of them. One evaluation is one
 *   (event, rule) pair, so evaluations = sum over events of its type's rules;
 * - each rule alone over the events of its log types (its own RuleEvent per
 *   event, so each pays for the `operation_detail` parse it triggers);
 * - `evaluateBatch` itself (the detector's pure step: the same work plus the
 *   match rows it builds);
 * - baseline (a): the same loop with one trivial rule
 *   (`e.text('action') === 'Delete'`, built with `defineRule`); and (a') with
 *   that rule listed as many times as there are real rules, so it makes as
 *   many evaluations as the real path and the loop's per-event cost (skipping
 *   Activity events, one RuleEvent per Operation event) is spread the same way;
 * - baseline (b): `JSON.parse` of every event's JSON text.
 *
 * Each is run REPETITIONS times; the median is reported.
 */
import { addDays } from '../src/domain/utc-days.js';
import { evaluateBatch, type DetectableEvent } from '../src/detect/detector.js';
import { defineRule, type Rule } from '../src/detect/rule.js';
import { RuleEvent } from '../src/detect/rule-event.js';
import { evaluateRule } from '../src/detect/rule-evaluator.js';
import { RULES } from '../src/rules/rule-registry.js';
import type { LogType } from '../src/zoom/report-records.js';
import { generateDay } from '../src/zoom-sim/record-generator.js';
import { BENCH_NOW, BENCH_SEED, BENCH_TODAY, backfillHistory, benchNormalizers } from './bench-data.js';
import { collectGarbage, fixed, int, pct, print, rate, RULES_MAX_EVENTS, seconds, table } from './bench-util.js';

const REPETITIONS = 3;
/** Share of operation records that trigger a rule (the generator's default, stated here so the data is explicit). */
const DETECTION_SHARE = 0.05;

export interface RunFigure {
  ms: number;
  evaluations: number;
  perSecond: number;
  nsPerEvaluation: number;
  matches: number;
}

export interface RulesResult {
  events: number;
  byLogType: Record<LogType, number>;
  failures: number;
  rules: number;
  real: RunFigure & { eventsPerSecond: number };
  batch: RunFigure;
  trivial: RunFigure;
  trivialSameCount: RunFigure;
  jsonParse: { ms: number; events: number; perSecond: number };
  perRule: (RunFigure & { id: string; logTypes: readonly LogType[] })[];
  ratioToTrivial: number;
  ratioToTrivialSameCount: number;
  repetitions: number;
}

const trivialRule = defineRule({
  meta: {
    id: 'Bench.Trivial',
    displayName: 'Bench trivial rule',
    logTypes: ['Zoom.Operation'],
    severity: 'INFO',
    description: 'action is Delete',
    runbook: '',
    reference: '',
  },
  rule: (e) => e.text('action') === 'Delete',
  tests: [],
});

/** Generated records for the backfill's 7 days, normalized (untimed) into stored-event shape. */
export function normalizedEvents(total: number): { events: DetectableEvent[]; failures: number } {
  const normalizers = benchNormalizers();
  const history = backfillHistory(total);
  const lastDay = addDays(BENCH_TODAY, -1);
  const events: DetectableEvent[] = [];
  let failures = 0;
  let n = 0;
  for (let i = 0; i < history.days; i += 1) {
    const day = addDays(lastDay, -i);
    const { activities, operations } = generateDay({ seed: BENCH_SEED, day, volume: history.volume, detectionShare: DETECTION_SHARE });
    for (const [logType, records] of [
      ['Zoom.Activity', activities],
      ['Zoom.Operation', operations],
    ] as const) {
      const normalizer = normalizers.get(logType)!;
      for (const record of records) {
        const rowId = `bench-${n++}`;
        const result = normalizer.normalize(record, { sourceId: 'bench-source', sourceLabel: 'Bench Zoom', rowId, parseTimeMs: BENCH_NOW });
        if (!result.ok) {
          failures += 1;
          continue;
        }
        result.value.event.p_row_id = rowId;
        events.push({ rowId, sourceId: 'bench-source', logType, eventTimeMs: result.value.eventTimeMs, event: result.value.event });
      }
    }
  }
  return { events, failures };
}

function byLogType(rules: readonly Rule[]): Map<LogType, Rule[]> {
  const map = new Map<LogType, Rule[]>();
  for (const rule of rules) {
    if (!rule.meta.enabled) continue;
    for (const logType of rule.meta.logTypes) {
      let list = map.get(logType);
      if (!list) map.set(logType, (list = []));
      list.push(rule);
    }
  }
  return map;
}

/** The detector's loop without the rows: evaluations and matches. */
function evaluationLoop(rulesByLogType: ReadonlyMap<LogType, readonly Rule[]>, events: readonly DetectableEvent[]): { evaluations: number; matches: number } {
  let evaluations = 0;
  let matches = 0;
  for (const stored of events) {
    const rules = rulesByLogType.get(stored.logType);
    if (!rules || rules.length === 0) continue;
    const e = new RuleEvent(stored.event);
    for (const rule of rules) {
      const { match } = evaluateRule(rule, e);
      evaluations += 1;
      if (match) matches += 1;
    }
  }
  return { evaluations, matches };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `fn` once to warm it, then REPETITIONS times timed; the median time. */
function measure(fn: () => { evaluations: number; matches: number }): RunFigure {
  const first = fn();
  const times: number[] = [];
  for (let i = 0; i < REPETITIONS; i += 1) {
    collectGarbage();
    const started = performance.now();
    const out = fn();
    times.push(performance.now() - started);
    if (out.evaluations !== first.evaluations || out.matches !== first.matches) throw new Error('rules bench: a repetition gave other counts');
  }
  const ms = median(times);
  return { ms, evaluations: first.evaluations, perSecond: first.evaluations / (ms / 1000), nsPerEvaluation: (ms * 1e6) / first.evaluations, matches: first.matches };
}

export function runRulesBench(records: number): RulesResult {
  const total = Math.min(records, RULES_MAX_EVENTS);
  print(`\nrules: generating and normalizing ${int(total)} records (seed ${BENCH_SEED}, detectionShare ${DETECTION_SHARE}; untimed)...`);
  const started = performance.now();
  const { events, failures } = normalizedEvents(total);
  const counts: Record<LogType, number> = { 'Zoom.Activity': 0, 'Zoom.Operation': 0, 'Zoomtrail.Audit': 0 };
  for (const e of events) counts[e.logType] += 1;
  const texts = events.map((e) => JSON.stringify(e.event));
  print(
    `  ${int(events.length)} events (${int(counts['Zoom.Activity'])} Activity, ${int(counts['Zoom.Operation'])} Operation), ${int(failures)} failures, in ${seconds(performance.now() - started)}`,
  );

  const enabled = RULES.filter((r) => r.meta.enabled);
  const real = byLogType(enabled);
  const trivial = byLogType([trivialRule]);
  const trivialSameCount = byLogType(enabled.map(() => trivialRule));

  const realFigure = measure(() => evaluationLoop(real, events));
  if (realFigure.matches === 0) throw new Error('rules bench: the rules matched no event; the generated data has no detection triggers');
  print(`  real path: ${int(realFigure.evaluations)} evaluations in ${seconds(realFigure.ms)} (median of ${REPETITIONS}), ${int(realFigure.matches)} matches`);

  const batchFigure = measure(() => {
    const { matches, errors } = evaluateBatch(real, events);
    if (errors.length > 0) throw new Error(`rules bench: ${errors.length} rule errors, e.g. ${errors[0]!.ruleId} ${errors[0]!.functionName}: ${errors[0]!.message}`);
    return { evaluations: realFigure.evaluations, matches: matches.length };
  });

  const perRule = enabled.map((rule) => {
    const own = events.filter((e) => rule.meta.logTypes.includes(e.logType));
    const figure = measure(() => evaluationLoop(byLogType([rule]), own));
    return { ...figure, id: rule.meta.id, logTypes: rule.meta.logTypes };
  });

  const trivialFigure = measure(() => evaluationLoop(trivial, events));
  print(`  trivial rule: ${int(trivialFigure.evaluations)} evaluations in ${seconds(trivialFigure.ms)}, ${int(trivialFigure.matches)} matches`);

  const trivialSameFigure = measure(() => evaluationLoop(trivialSameCount, events));
  const parse = measure(() => {
    let n = 0;
    for (const text of texts) if ((JSON.parse(text) as object) !== null) n += 1;
    return { evaluations: n, matches: 0 };
  });

  return {
    events: events.length,
    byLogType: counts,
    failures,
    rules: enabled.length,
    real: { ...realFigure, eventsPerSecond: events.length / (realFigure.ms / 1000) },
    batch: batchFigure,
    trivial: trivialFigure,
    trivialSameCount: trivialSameFigure,
    jsonParse: { ms: parse.ms, events: parse.evaluations, perSecond: parse.perSecond },
    perRule,
    ratioToTrivial: realFigure.perSecond / trivialFigure.perSecond,
    ratioToTrivialSameCount: realFigure.perSecond / trivialSameFigure.perSecond,
    repetitions: REPETITIONS,
  };
}

export function printRules(r: RulesResult): void {
  const ops = r.byLogType['Zoom.Operation'];
  print(
    table(
      `rules: ${int(r.events)} events (${int(r.byLogType['Zoom.Activity'])} Activity, ${int(ops)} Operation), ${r.rules} enabled rules; median of ${r.repetitions}`,
      ['run', 'time', 'evaluations', 'evaluations/s', 'ns/evaluation', 'matches', 'vs (a)', "vs (a')"],
      [
        [
          "real path: RuleEvent + evaluateRule, every rule of the event's type",
          seconds(r.real.ms),
          int(r.real.evaluations),
          rate(r.real.perSecond),
          fixed(r.real.nsPerEvaluation, 1),
          int(r.real.matches),
          pct(r.ratioToTrivial),
          pct(r.ratioToTrivialSameCount),
        ],
        [
          'evaluateBatch (the same + match rows)',
          seconds(r.batch.ms),
          int(r.batch.evaluations),
          rate(r.batch.perSecond),
          fixed(r.batch.nsPerEvaluation, 1),
          int(r.batch.matches),
          pct(r.batch.perSecond / r.trivial.perSecond),
          pct(r.batch.perSecond / r.trivialSameCount.perSecond),
        ],
        [
          'baseline (a): one trivial rule, same loop',
          seconds(r.trivial.ms),
          int(r.trivial.evaluations),
          rate(r.trivial.perSecond),
          fixed(r.trivial.nsPerEvaluation, 1),
          int(r.trivial.matches),
          '100.0%',
          '-',
        ],
        [
          `baseline (a'): the trivial rule ${r.rules} times, same loop`,
          seconds(r.trivialSameCount.ms),
          int(r.trivialSameCount.evaluations),
          rate(r.trivialSameCount.perSecond),
          fixed(r.trivialSameCount.nsPerEvaluation, 1),
          int(r.trivialSameCount.matches),
          '-',
          '100.0%',
        ],
        ['baseline (b): JSON.parse of each event (events/s)', seconds(r.jsonParse.ms), int(r.jsonParse.events), rate(r.jsonParse.perSecond), '-', '-', '-', '-'],
      ],
    ),
  );
  print(
    `per Operation event: real path ${fixed((r.real.ms * 1e6) / ops, 0)} ns, one trivial rule ${fixed((r.trivial.ms * 1e6) / ops, 0)} ns ` +
      `(both include skipping the ${int(r.byLogType['Zoom.Activity'])} Activity events, which no rule reads)`,
  );
  print(`real path per event (all ${int(r.events)} events, Activity events have no rule): ${rate(r.real.eventsPerSecond)}`);
  print(
    table(
      'rules: each rule alone over the events of its log types (own RuleEvent per event)',
      ['rule', 'log types', 'evaluations', 'evaluations/s', 'ns/evaluation', 'matches'],
      r.perRule.map((p) => [p.id, p.logTypes.join(', '), int(p.evaluations), rate(p.perSecond), fixed(p.nsPerEvaluation, 1), int(p.matches)]),
    ),
  );
}
