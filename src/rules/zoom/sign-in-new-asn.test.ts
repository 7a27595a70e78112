import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { signInNewAsnRule } from './sign-in-new-asn.js';

describeRuleTests(signInNewAsnRule);
