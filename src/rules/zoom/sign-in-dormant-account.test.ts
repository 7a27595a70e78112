import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { signInDormantAccountRule } from './sign-in-dormant-account.js';

describeRuleTests(signInDormantAccountRule);
