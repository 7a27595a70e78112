import { describe, expect, it } from 'vitest';
import { parseEventQuery, type QueryNode } from '../domain/event-query.js';
import { detectionFromQuery, QueryDetectionError } from './query-detection.js';
import { parseYamlRule } from './user/yaml-rule.js';
import { compileExpressionList } from '../detect/match-expression.js';
import { parseYaml } from '../shared/parse-yaml.js';

function ast(text: string): QueryNode {
  const parsed = parseEventQuery(text);
  if (!parsed.ok || !parsed.query) throw new Error(text);
  return parsed.query;
}

const events = {
  twoFactorOff: {
    p_log_type: 'Zoom.Operation',
    action: 'Update',
    category_type: 'Account',
    operation_detail: 'Security - Sign in with Two-Factor Authentication: from On to Off',
    p_udm: { changes: [{ name: 'Sign in with Two-Factor Authentication' }] },
    p_any_emails: ['admin@example.com'],
  },
  userAdd: { p_log_type: 'Zoom.Operation', action: 'Add', category_type: 'User', operation_detail: 'Add User bob@example.com', p_any_emails: ['admin@example.com'] },
  signIn: { p_log_type: 'Zoom.Activity', type: 'Sign in', p_any_emails: ['alice@example.com'], p_any_ip_addresses: ['203.0.113.7'] },
};

describe('detectionFromQuery', () => {
  it.each([
    ['action:update OR action:add', ['twoFactorOff', 'userAdd']],
    ['p_event_time>=2026-11-01 change:"sign in*"', ['twoFactorOff']],
    ['NOT action:update', ['userAdd', 'signIn']],
    ['(email:alice@example.com OR category:user) NOT text:bob', ['signIn']],
    ['text:"*two-factor*" ip:203.0.113.7', []],
    ['logType:Zoom.Activity ip:203.0.113.7', ['signIn']],
  ])('%s: a YAML rule that loads and matches the same events', (query, matching) => {
    const made = detectionFromQuery('Risky changes', query, ast(query));
    const loaded = parseYamlRule(made.yaml, made.fileName);
    expect('rule' in loaded, JSON.stringify(loaded)).toBe(true);
    const detection = (parseYaml(made.yaml) as { Detection: unknown[] }).Detection;
    const matcher = compileExpressionList(detection, ['Detection']);
    expect(
      Object.entries(events)
        .filter(([, e]) => matcher(e))
        .map(([name]) => name),
    ).toEqual(matching);
    expect(made).toMatchObject({ ruleId: 'Custom.Search.RiskyChanges', fileName: 'search-risky-changes.yml' });
  });

  it('notes what it left out and refuses what it cannot express, with the position', () => {
    expect(detectionFromQuery('x', 'p_event_time>=2026-11-01 action:add', ast('p_event_time>=2026-11-01 action:add')).notes).toEqual([expect.stringContaining('p_event_time')]);
    expect(() => detectionFromQuery('x', 'action:add country:DE', ast('action:add country:DE'))).toThrow(QueryDetectionError);
    try {
      detectionFromQuery('x', 'action:add OR p_event_time>=2026-11-01', ast('action:add OR p_event_time>=2026-11-01'));
    } catch (e) {
      expect((e as QueryDetectionError).position).toBe(14);
    }
  });
});
