import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { passcodeDisabledRule } from './passcode-disabled.js';

describeRuleTests(passcodeDisabledRule);

describe('passcodeDisabledRule: extra checks', () => {
  it('reports group and change in the alert context', () => {
    const e = new RuleEvent({
      category_type: 'User Group',
      action: 'Update',
      operator: 'homer@panther.io',
      operation_detail: 'Edit Group Sales Team  - Waiting room: from Off to On - Personal Meeting ID (PMI) Passcode: from On to Off',
    });
    expect(passcodeDisabledRule.rule(e)).toBe(true);
    expect(passcodeDisabledRule.alertContext?.(e)).toEqual({
      operator: 'homer@panther.io',
      group: 'Sales Team',
      changes: [{ setting: 'Personal Meeting ID (PMI) Passcode', from: 'On', to: 'Off' }],
    });
  });
  it('keeps Panther metadata (Low, MITRE TA0009:T1125)', () => {
    expect(passcodeDisabledRule.meta.severity).toBe('LOW');
    expect(passcodeDisabledRule.meta.mitre).toEqual(['TA0009:T1125']);
    expect(passcodeDisabledRule.meta.tags).toContain('Collection:Video Capture');
  });
});
