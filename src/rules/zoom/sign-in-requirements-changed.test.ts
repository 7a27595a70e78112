import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { signInRequirementsChangedRule } from './sign-in-requirements-changed.js';

describeRuleTests(signInRequirementsChangedRule);

describe('signInRequirementsChangedRule: extra checks', () => {
  it('lists the switched-off requirements in the alert context', () => {
    const e = new RuleEvent({
      category_type: 'Account',
      action: 'Update',
      operator: 'a@example.com',
      operation_detail: 'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 number: from On to Off',
    });
    expect(signInRequirementsChangedRule.alertContext?.(e)).toEqual({
      operator: 'a@example.com',
      section: 'Sign-In Password Requirement',
      changes: [{ setting: 'Include at least 1 number', from: 'On', to: 'Off' }],
    });
  });
});
