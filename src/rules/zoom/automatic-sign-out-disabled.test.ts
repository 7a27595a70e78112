import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { automaticSignOutDisabledRule } from './automatic-sign-out-disabled.js';

describeRuleTests(automaticSignOutDisabledRule);

describe('automaticSignOutDisabledRule: extra checks', () => {
  it('uses the Panther placeholder when the operator is missing', () => {
    const e = new RuleEvent({
      category_type: 'Account',
      action: 'Update',
      operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off',
    });
    expect(automaticSignOutDisabledRule.title?.(e)).toContain('[<NO_OPERATOR>]');
  });
});
