import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { settingsStormRule } from './settings-storm.js';

describeRuleTests(settingsStormRule);
