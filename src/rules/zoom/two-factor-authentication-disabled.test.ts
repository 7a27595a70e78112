import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { twoFactorAuthenticationDisabledRule } from './two-factor-authentication-disabled.js';

describeRuleTests(twoFactorAuthenticationDisabledRule);

describe('twoFactorAuthenticationDisabledRule: extra checks', () => {
  it('has no dedup or severity function (Panther has none)', () => {
    expect(twoFactorAuthenticationDisabledRule).not.toHaveProperty('dedup');
    expect(twoFactorAuthenticationDisabledRule).not.toHaveProperty('severity');
  });
  it('does not fire on an event without fields', () => {
    expect(twoFactorAuthenticationDisabledRule.rule(new RuleEvent({}))).toBe(false);
  });
});
