import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { sourceCredentialsChangedRule } from './source-credentials-changed.js';

describeRuleTests(sourceCredentialsChangedRule);

describe('sourceCredentialsChangedRule: extra checks', () => {
  it('runs on Zoomtrail.Audit only, HIGH', () => {
    expect(sourceCredentialsChangedRule.meta.logTypes).toEqual(['Zoomtrail.Audit']);
    expect(sourceCredentialsChangedRule.meta.severity).toBe('HIGH');
  });
  it('names the accounts before and after in the alert context, and dedups per source and actor', () => {
    const e = new RuleEvent({
      actor: 'admin',
      actor_kind: 'user',
      address: '198.51.100.23',
      action: 'sources.update',
      outcome: 'ok',
      object_id: 'src_abc',
      before: { name: 'Zoom', zoomAccountId: 'acct-1' },
      after: { name: 'Zoom', zoomAccountId: 'acct-2' },
      change: { zoomAccountId: 'acct-2' },
    });
    expect(sourceCredentialsChangedRule.alertContext?.(e)).toMatchObject({ changed: ['Zoom account'], zoomAccountBefore: 'acct-1', zoomAccountAfter: 'acct-2' });
    expect(sourceCredentialsChangedRule.dedup?.(e)).toBe('src_abc:admin');
  });
});
