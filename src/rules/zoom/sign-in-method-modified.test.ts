import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { signInMethodModifiedRule } from './sign-in-method-modified.js';

describeRuleTests(signInMethodModifiedRule);

describe('signInMethodModifiedRule: extra checks', () => {
  it('lists every enabled service in the alert context', () => {
    const e = new RuleEvent({
      category_type: 'Account',
      action: 'Update',
      operator: 'a@example.com',
      operation_detail: 'Sign-in Methods  - Allow users to sign in with Google: from Off to On - Allow users to sign in with Apple ID: from Off to On',
    });
    expect(signInMethodModifiedRule.alertContext?.(e)).toMatchObject({ services: ['Google', 'Apple ID'] });
  });
});
