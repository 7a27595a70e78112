import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { newUserAccountCreatedRule } from './new-user-account-created.js';

describeRuleTests(newUserAccountCreatedRule);

describe('newUserAccountCreatedRule: extra checks', () => {
  it('reports the created user and the actor in the alert context', () => {
    const e = new RuleEvent({
      category_type: 'User',
      action: 'Add',
      operator: 'abe@simpson.io',
      operation_detail: 'Add User homer@simpson.io  - User Type: Basic',
    });
    expect(newUserAccountCreatedRule.alertContext?.(e)).toEqual({
      operator: 'abe@simpson.io',
      actor_user: 'abe@simpson.io',
      created_user: 'homer@simpson.io',
    });
  });
});
