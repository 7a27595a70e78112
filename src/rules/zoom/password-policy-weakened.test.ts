import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { passwordPolicyWeakenedRule } from './password-policy-weakened.js';

describeRuleTests(passwordPolicyWeakenedRule);
