import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { newMeetingPasscodeRequiredDisabledRule } from './new-meeting-passcode-required-disabled.js';

describeRuleTests(newMeetingPasscodeRequiredDisabledRule);

describe('newMeetingPasscodeRequiredDisabledRule: extra checks', () => {
  it('lists only the risky change in the alert context', () => {
    const e = new RuleEvent({
      category_type: 'Account',
      action: 'Update',
      operator: 'a@example.com',
      operation_detail: 'Security - Waiting room: from Off to On - Require a passcode when scheduling new meetings: from On to Off',
    });
    expect(newMeetingPasscodeRequiredDisabledRule.alertContext?.(e)).toEqual({
      operator: 'a@example.com',
      section: 'Security',
      changes: [{ setting: 'Require a passcode when scheduling new meetings', from: 'On', to: 'Off' }],
    });
  });
});
