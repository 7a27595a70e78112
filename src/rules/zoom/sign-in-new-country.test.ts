import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { signInNewCountryRule } from './sign-in-new-country.js';

describeRuleTests(signInNewCountryRule);
