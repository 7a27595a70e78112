import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { signInBurstRule } from './sign-in-burst.js';

describeRuleTests(signInBurstRule);
