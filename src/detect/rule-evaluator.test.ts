import { describe, expect, it } from 'vitest';
import { defineRule, type Rule } from './rule.js';
import { RuleEvent } from './rule-event.js';
import { evaluateRule } from './rule-evaluator.js';
import { runRuleTests } from './rule-test-runner.js';

const meta = {
  id: 'Zoom.Test.Rule',
  displayName: 'Test Rule',
  logTypes: ['Zoom.Operation'] as const,
  severity: 'LOW' as const,
  description: 'd',
  runbook: 'r',
  reference: 'https://example.com',
};

function rule(extra: Partial<Rule> = {}): Rule {
  return defineRule({ meta, rule: (e) => e.text('action') === 'Delete', tests: [], ...extra });
}

const del = new RuleEvent({ action: 'Delete', operator: 'a@example.com' });
const add = new RuleEvent({ action: 'Add' });

describe('evaluateRule', () => {
  it("fills in Panther's defaults: title = display name, dedup = rule id, the rule's severity, empty context", () => {
    expect(evaluateRule(rule(), del)).toEqual({
      match: { rule: expect.anything(), title: 'Test Rule', dedup: 'Zoom.Test.Rule', severity: 'LOW', context: {} },
      errors: [],
    });
    expect(evaluateRule(rule(), add)).toEqual({ match: null, errors: [] });
  });

  it('with a title function and no dedup function, the title is the dedup string', () => {
    const r = rule({ title: (e) => `deleted by ${e.text('operator')}` });
    expect(evaluateRule(r, del).match).toMatchObject({ title: 'deleted by a@example.com', dedup: 'deleted by a@example.com' });
  });

  it("uses dedup, severity (any case; DEFAULT keeps the rule's) and alertContext", () => {
    const r = rule({ dedup: () => 'k', severity: () => 'high' as never, alertContext: (e) => ({ who: e.text('operator') }) });
    expect(evaluateRule(r, del).match).toMatchObject({ dedup: 'k', severity: 'HIGH', context: { who: 'a@example.com' } });
    expect(evaluateRule(rule({ severity: () => 'DEFAULT' as never }), del).match?.severity).toBe('LOW');
    expect(evaluateRule(rule({ severity: () => 'SEVERE' as never }), del).errors.map((e) => e.functionName)).toEqual(['severity']);
  });

  it('a throwing rule is an error and no match; a throwing title still alerts with the defaults', () => {
    const broken = rule({
      rule: () => {
        throw new TypeError('x is undefined');
      },
    });
    expect(evaluateRule(broken, del)).toMatchObject({ match: null, errors: [{ functionName: 'rule', message: 'TypeError: x is undefined' }] });
    const badTitle = rule({
      title: () => {
        throw new Error('no');
      },
    });
    expect(evaluateRule(badTitle, del)).toMatchObject({ match: { title: 'Test Rule', dedup: 'Zoom.Test.Rule' }, errors: [{ functionName: 'title' }] });
  });

  it("cuts titles and dedup strings over 1000 characters as Panther does: the first 985 characters, then '... (truncated)'", () => {
    const text = `${'a'.repeat(980)}${'b'.repeat(4020)}`;
    const expected = `${'a'.repeat(980)}bbbbb... (truncated)`;
    const long = rule({ title: () => text });
    expect(evaluateRule(long, del).match).toMatchObject({ title: expected, dedup: expected });
    expect(expected).toHaveLength(1000);
    const longDedup = rule({ title: () => 'short', dedup: () => text });
    expect(evaluateRule(longDedup, del).match).toMatchObject({ title: 'short', dedup: expected });
  });

  it('keeps a title of exactly 1000 characters whole', () => {
    const exact = 'x'.repeat(1000);
    expect(evaluateRule(rule({ title: () => exact }), del).match?.title).toBe(exact);
  });

  it('counts characters as Panther (Python) does, by code point: an emoji is one character and never split', () => {
    const emoji = '\u{1F600}';
    // 1000 code points (2000 UTF-16 units): Panther keeps it whole.
    const exact = emoji.repeat(1000);
    expect(evaluateRule(rule({ title: () => exact }), del).match?.title).toBe(exact);
    // 1001 code points: the first 985 emoji are kept, none cut in half.
    const over = emoji.repeat(1001);
    expect(evaluateRule(rule({ title: () => over }), del).match?.title).toBe(`${emoji.repeat(985)}... (truncated)`);
  });
});

describe('runRuleTests', () => {
  it('reports wrong results, titles and thrown errors as failures', () => {
    const r = rule({
      title: () => 'T',
      tests: [
        { name: 'ok', expectMatch: true, event: { action: 'Delete' }, expectTitle: 'T' },
        { name: 'wrong title', expectMatch: true, event: { action: 'Delete' }, expectTitle: 'U' },
        { name: 'wrong result', expectMatch: true, event: { action: 'Add' } },
      ],
    });
    expect(runRuleTests(r).map((t) => [t.testName, t.passed, t.problems])).toEqual([
      ['ok', true, []],
      ['wrong title', false, ['title "T", expected "U"']],
      ['wrong result', false, ['expected a match, got no match']],
    ]);
  });
});
