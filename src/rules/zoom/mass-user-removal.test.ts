import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { massUserRemovalRule } from './mass-user-removal.js';

describeRuleTests(massUserRemovalRule);
