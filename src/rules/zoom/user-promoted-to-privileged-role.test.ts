import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { userPromotedToPrivilegedRoleRule } from './user-promoted-to-privileged-role.js';

describeRuleTests(userPromotedToPrivilegedRoleRule);

describe('userPromotedToPrivilegedRoleRule: extra checks', () => {
  it('reports e-mail and roles in the alert context', () => {
    const e = new RuleEvent({
      category_type: 'User',
      action: 'Batch Update',
      operator: 'admin@duff.io',
      operation_detail: 'Change Role  - Homer@Duff.io: from Member to Admin ',
    });
    expect(userPromotedToPrivilegedRoleRule.alertContext?.(e)).toEqual({
      operator: 'admin@duff.io',
      action: 'Batch Update',
      email: 'Homer@Duff.io',
      fromRole: 'Member',
      toRole: 'Admin',
    });
  });
  it.each(['Admin', 'Co-Owner', 'Owner', 'Billing Admin'])('fires from Member to %s', (to) => {
    const e = new RuleEvent({ category_type: 'User', action: 'Update', operation_detail: `Change Role  - a@b.io: from Member to ${to}` });
    expect(userPromotedToPrivilegedRoleRule.rule(e)).toBe(true);
  });
});
