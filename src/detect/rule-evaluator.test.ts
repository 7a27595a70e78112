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
  it('fills in Panther\'s defaults: title = display name, dedup = rule id, the rule\'s severity, empty context', () => {
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

  it('uses dedup, severity (any case; DEFAULT keeps the rule\'s) and alertContext', () => {
    const r = rule({ dedup: () => 'k', severity: () => 'high' as never, alertContext: (e) => ({ who: e.text('operator') }) });
    expect(evaluateRule(r, del).match).toMatchObject({ dedup: 'k', severity: 'HIGH', context: { who: 'a@example.com' } });
    expect(evaluateRule(rule({ severity: () => 'DEFAULT' as never }), del).match?.severity).toBe('LOW');
    expect(evaluateRule(rule({ severity: () => 'SEVERE' as never }), del).errors.map((e) => e.functionName)).toEqual(['severity']);
  });

  it('a throwing rule is an error and no match; a throwing title still alerts with the defaults', () => {
    const broken = rule({ rule: () => { throw new TypeError('x is undefined'); } });
    expect(evaluateRule(broken, del)).toMatchObject({ match: null, errors: [{ functionName: 'rule', message: 'TypeError: x is undefined' }] });
    const badTitle = rule({ title: () => { throw new Error('no'); } });
    expect(evaluateRule(badTitle, del)).toMatchObject({ match: { title: 'Test Rule', dedup: 'Zoom.Test.Rule' }, errors: [{ functionName: 'title' }] });
  });

  it('cuts titles and dedup strings at 1000 characters', () => {
    const long = rule({ title: () => 'x'.repeat(5000) });
    expect(evaluateRule(long, del).match?.title.length).toBe(1000);
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
