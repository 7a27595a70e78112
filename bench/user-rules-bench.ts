/**
 * Benchmark `user-rules`: the cost of a rule from the rules directory, YAML
 * (a Panther simple detection, compiled to closures) against the same logic
 * as a TypeScript rule (compiled with esbuild, run in its own vm context
 * under the time budget: one watchdog per batch) and as a rule compiled into
 * Zoomtrail (the baseline). The same normalized events as `rules` (generator,
 * seed, 85/15 mix); only Zoom.Operation events are evaluated. Timed:
 * `RuleGuard.evaluate` (user rules) or `evaluateBatch` (the baseline) over
 * batches of 2,000 events, as the detector runs them; the median of
 * REPETITIONS runs after a warm-up.
 *
 * The logic: an Account update by anyone but two admins with a parsed change
 * (p_udm.changes) that turns something Off.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evaluateBatch, type DetectableEvent } from '../src/detect/detector.js';
import { defineRule, type Rule } from '../src/detect/rule.js';
import { RuleGuard } from '../src/detect/rule-guard.js';
import { loadCodeRule } from '../src/rules/user/code-rule.js';
import { parseYamlRule } from '../src/rules/user/yaml-rule.js';
import type { LogType } from '../src/zoom/report-records.js';
import { collectGarbage, fixed, int, pct, print, rate, RULES_MAX_EVENTS, table } from './bench-util.js';
import { normalizedEvents } from './rules-bench.js';

const REPETITIONS = 5;
const BATCH = 2000;
const ADMINS = ['alice@example.com', 'bob@example.com'];

const YAML = `AnalysisType: rule
RuleID: Bench.Yaml
Enabled: true
LogTypes: [Zoom.Operation]
Severity: Medium
Detection:
  - Key: category_type
    Condition: IEquals
    Value: Account
  - Key: action
    Condition: IContains
    Value: update
  - Key: operator
    Condition: IsNotIn
    Values: [${ADMINS.join(', ')}]
  - KeyPath: p_udm.changes
    Condition: AnyElement
    Expressions:
      - Key: to
        Condition: IEquals
        Value: "off"
AlertTitle: "{operator} turned a setting off"
`;

const TS = `import type { Rule } from 'zoomtrail/rules';
const admins = new Set(${JSON.stringify(ADMINS)});
const rule: Rule = {
  meta: { id: 'Bench.Code', displayName: 'Bench code', logTypes: ['Zoom.Operation'], severity: 'MEDIUM', description: '', runbook: '', reference: '',
    tags: [], mitre: [], dedupPeriodMinutes: 60, threshold: 1, summaryAttributes: [], enabled: true },
  rule(e) {
    if (e.key('category_type') !== 'account' || !e.key('action').includes('update') || admins.has(e.text('operator'))) return false;
    const udm = e.fields.p_udm as { changes?: { to?: string }[] } | undefined;
    return (udm?.changes ?? []).some((c) => typeof c.to === 'string' && c.to.toLowerCase() === 'off');
  },
  title: (e) => \`\${e.text('operator')} turned a setting off\`,
  tests: [],
};
export default rule;
`;

const admins = new Set(ADMINS);
const builtIn = defineRule({
  meta: { id: 'Bench.BuiltIn', displayName: 'Bench built-in', logTypes: ['Zoom.Operation'], severity: 'MEDIUM', description: '', runbook: '', reference: '' },
  rule(e) {
    if (e.key('category_type') !== 'account' || !e.key('action').includes('update') || admins.has(e.text('operator'))) return false;
    const udm = e.fields.p_udm as { changes?: { to?: string }[] } | undefined;
    return (udm?.changes ?? []).some((c) => typeof c.to === 'string' && c.to.toLowerCase() === 'off');
  },
  title: (e) => `${e.text('operator')} turned a setting off`,
  tests: [],
});

export interface UserRulesFigure {
  name: string;
  ms: number;
  evaluations: number;
  nsPerEvaluation: number;
  matches: number;
}
export interface UserRulesResult {
  events: number;
  figures: UserRulesFigure[];
  yamlToCode: number;
  codeToBuiltIn: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function run(name: string, rule: Rule, events: readonly DetectableEvent[], guard?: RuleGuard): UserRulesFigure {
  const rules = new Map<LogType, Rule[]>([['Zoom.Operation', [rule]]]);
  const once = () => {
    let matches = 0;
    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      matches += (guard ? guard.evaluate(rules, batch, evaluateBatch) : evaluateBatch(rules, batch)).matches.length;
    }
    return matches;
  };
  once();
  const times: number[] = [];
  let matches = 0;
  for (let r = 0; r < REPETITIONS; r++) {
    collectGarbage();
    const start = performance.now();
    matches = once();
    times.push(performance.now() - start);
  }
  const ms = median(times);
  return { name, ms, evaluations: events.length, nsPerEvaluation: (ms * 1e6) / events.length, matches };
}

export async function runUserRulesBench(records: number): Promise<UserRulesResult> {
  const { events: all } = normalizedEvents(Math.min(records, RULES_MAX_EVENTS));
  const events = all.filter((e) => e.logType === 'Zoom.Operation');
  const dir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-bench-rules-'));
  try {
    const file = path.join(dir, 'bench-code.ts');
    writeFileSync(file, TS);
    const loaded = await loadCodeRule(file);
    if ('errors' in loaded) throw new Error(`bench code rule did not load: ${JSON.stringify(loaded.errors)}`);
    const parsed = parseYamlRule(YAML, 'bench.yml');
    if ('errors' in parsed) throw new Error(`bench YAML rule did not load: ${JSON.stringify(parsed.errors)}`);
    const guard = new RuleGuard(60_000);
    const figures = [
      run('built-in (compiled into Zoomtrail)', builtIn, events),
      run('YAML (simple detection)', guard.wrap(parsed.rule), events, guard),
      run('TypeScript (rules directory, vm, budget)', guard.wrap(loaded.rules[0]!), events, guard),
    ];
    if (new Set(figures.map((f) => f.matches)).size !== 1) throw new Error(`the three forms disagree: ${figures.map((f) => `${f.name} ${f.matches}`).join(', ')}`);
    const [b, y, c] = figures as [UserRulesFigure, UserRulesFigure, UserRulesFigure];
    return { events: events.length, figures, yamlToCode: y.nsPerEvaluation / c.nsPerEvaluation, codeToBuiltIn: c.nsPerEvaluation / b.nsPerEvaluation };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printUserRules(r: UserRulesResult): void {
  print(
    table(
      `User rules: one rule over ${int(r.events)} Zoom.Operation events, batches of ${BATCH}, median of ${REPETITIONS}`,
      ['form', 'ms', 'ns/evaluation', 'evaluations/s', 'matches'],
      r.figures.map((f) => [f.name, fixed(f.ms, 1), fixed(f.nsPerEvaluation, 0), rate((f.evaluations / f.ms) * 1000), int(f.matches)]),
    ),
  );
  print(`YAML / TypeScript cost per evaluation: ${pct(r.yamlToCode)}; TypeScript (user) / built-in: ${pct(r.codeToBuiltIn)}`);
}
