import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { evaluateRule } from '../../detect/rule-evaluator.js';
import { runRuleTests } from '../../detect/rule-test-runner.js';
import type { Rule } from '../../detect/rule.js';
import { parseYamlRule } from './yaml-rule.js';
import type { RuleLoadError } from './rule-load-error.js';
import { ADMIN_SETTING_YAML } from './user-rule-fixtures.test-support.js';

function load(text: string): Rule {
  const result = parseYamlRule(text, 'rules/x.yml');
  if ('errors' in result) throw new Error(JSON.stringify(result.errors));
  return result.rule;
}
function errorsOf(text: string): RuleLoadError[] {
  const result = parseYamlRule(text, 'rules/x.yml');
  if (!('errors' in result)) throw new Error('loaded');
  return result.errors;
}

const MALLORY = {
  category_type: 'Account',
  action: 'Update',
  operator: 'mallory@acme.example',
  operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off',
};

describe('YAML rules (Panther simple detections)', () => {
  it('maps the metadata as Panther defines it', () => {
    const { meta } = load(ADMIN_SETTING_YAML);
    expect(meta).toMatchObject({
      id: 'Acme.Zoom.Security.Setting.Changed',
      displayName: 'Security setting changed by someone else',
      logTypes: ['Zoom.Operation'],
      severity: 'MEDIUM',
      mitre: ['TA0005:T1562'],
      tags: ['Acme'],
      dedupPeriodMinutes: 30,
      threshold: 1,
      enabled: true,
    });
  });

  it('runs its own Tests, computing p_udm for raw Zoom events', () => {
    const results = runRuleTests(load(ADMIN_SETTING_YAML));
    expect(results.map((r) => [r.testName, r.passed, r.problems])).toEqual([
      ['mallory turns waiting room off', true, []],
      ['alice may', true, []],
    ]);
  });

  it('AlertTitle templates, GroupBy as dedup, AlertContext, DynamicSeverities, InlineFilters', () => {
    const rule = load(ADMIN_SETTING_YAML);
    const { match } = evaluateRule(rule, new RuleEvent(MALLORY));
    expect(match).toMatchObject({
      title: 'mallory@acme.example changed Sign in with Two-Factor Authentication',
      dedup: 'mallory@acme.example',
      severity: 'HIGH',
      context: { changes: [{ name: 'Sign in with Two-Factor Authentication', from: 'On', to: 'Off' }] },
    });
    expect(
      evaluateRule(rule, new RuleEvent({ ...MALLORY, operation_detail: 'Security  - Waiting room: from On to Off' })).match?.severity,
      'no dynamic severity condition: the rule severity',
    ).toBe('MEDIUM');
    expect(evaluateRule(rule, new RuleEvent({ ...MALLORY, operator: 'support@zoom.us' })).match, 'the inline filter drops it').toBeNull();
  });

  it('reads a stored p_udm as stored', () => {
    const rule = load(ADMIN_SETTING_YAML);
    const stored = { ...MALLORY, p_udm: { changes: [{ name: 'Recording', from: 'On', to: 'Off' }] } };
    expect(evaluateRule(rule, new RuleEvent(stored)).match?.title).toBe('mallory@acme.example changed Recording');
  });

  it('a failing test names itself and the difference', () => {
    const broken = ADMIN_SETTING_YAML.replace('  - Name: alice may\n    ExpectedResult: false', '  - Name: alice may\n    ExpectedResult: true');
    const failed = runRuleTests(load(broken)).filter((r) => !r.passed);
    expect(failed.map((r) => [r.testName, r.problems])).toEqual([['alice may', ['expected a match, got no match']]]);
  });
});

describe('YAML rule load errors: file, line, field and fix', () => {
  it('a misspelt Condition: its line, its field, the suggestion', () => {
    const [error, ...rest] = errorsOf(ADMIN_SETTING_YAML.replace('Condition: IEquals', 'Condition: IEqual'));
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ file: 'rules/x.yml', line: 17, field: 'Detection[0].Condition', message: 'unknown Condition "IEqual"' });
    expect(error!.fix).toContain('did you mean IEquals');
  });

  it('a bad severity, a missing RuleID, an unknown field, a bad log type', () => {
    const text = ADMIN_SETTING_YAML.replace('Severity: Medium', 'Severity: Urgent')
      .replace('RuleID: Acme.Zoom.Security.Setting.Changed\n', '')
      .replace('Tags: [Acme]', 'Tagz: [Acme]')
      .replace('  - Zoom.Operation', '  - Zoom.Operations');
    const errors = errorsOf(text);
    const byField = new Map(errors.map((e) => [e.field, e]));
    expect(byField.get('Severity')).toMatchObject({ line: 6 });
    expect(byField.get('Severity')!.fix).toContain('MEDIUM');
    expect(byField.get('RuleID')).toMatchObject({ message: 'RuleID is missing' });
    expect(byField.get('Tagz')).toMatchObject({ line: 11, message: 'unknown field Tagz' });
    expect(byField.get('LogTypes[0]')).toMatchObject({ line: 5 });
    expect(byField.get('LogTypes[0]')!.fix).toContain('Zoom.Operation');
  });

  it('a YAML syntax error has its line', () => {
    const [error] = errorsOf('AnalysisType: rule\nRuleID: [unclosed\nEnabled: true\n');
    expect(error!.message).toMatch(/^not valid YAML/);
    expect(error!.line).toBeGreaterThanOrEqual(2);
  });

  it('a bad template in AlertTitle', () => {
    const [error] = errorsOf(ADMIN_SETTING_YAML.replace('AlertTitle: "{operator} changed', 'AlertTitle: "{operator..x} changed'));
    expect(error).toMatchObject({ field: 'AlertTitle', line: 30 });
  });
});
