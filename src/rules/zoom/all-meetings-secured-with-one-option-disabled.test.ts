import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { allMeetingsSecuredWithOneOptionDisabledRule } from './all-meetings-secured-with-one-option-disabled.js';

describeRuleTests(allMeetingsSecuredWithOneOptionDisabledRule);

describe('allMeetingsSecuredWithOneOptionDisabledRule: extra checks', () => {
  it('reports the changed setting in the alert context', () => {
    const e = new RuleEvent({
      category_type: 'Account',
      action: 'Update',
      operator: 'a@example.com',
      operation_detail: 'Security  - Waiting room: from Off to On - Require that all meetings are secured with one security option: from On to Off ',
    });
    expect(allMeetingsSecuredWithOneOptionDisabledRule.rule(e)).toBe(true);
    expect(allMeetingsSecuredWithOneOptionDisabledRule.alertContext?.(e)).toEqual({
      operator: 'a@example.com',
      section: 'Security',
      changes: [{ setting: 'Require that all meetings are secured with one security option', from: 'On', to: 'Off' }],
    });
  });
  it('never throws on odd field types', () => {
    const e = new RuleEvent({ category_type: 'Account', action: 'Update', operation_detail: 42 });
    expect(allMeetingsSecuredWithOneOptionDisabledRule.rule(e)).toBe(false);
  });
});
