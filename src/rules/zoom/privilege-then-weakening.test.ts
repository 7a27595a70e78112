import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { privilegeGrantOf, privilegeThenWeakeningRule } from './privilege-then-weakening.js';

describeRuleTests(privilegeThenWeakeningRule);

describe('privilegeGrantOf', () => {
  it('reads a promotion: operator, promoted user, role', () => {
    const e = new RuleEvent({ category_type: 'User', action: 'Update', operator: 'Owner@Duff.io', operation_detail: 'Change Role  - Mallory@duff.io: from Member to Admin' });
    expect(privilegeGrantOf(e)).toEqual({ rowId: '', timeMs: 0, operator: 'owner@duff.io', target: 'mallory@duff.io', toRole: 'Admin' });
  });
  it('ignores other user changes', () => {
    expect(
      privilegeGrantOf(new RuleEvent({ category_type: 'User', action: 'Update', operator: 'o@x.io', operation_detail: 'Change Role  - m@x.io: from Admin to Member' })),
    ).toBeNull();
  });
});
