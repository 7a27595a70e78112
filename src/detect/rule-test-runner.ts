import type { Rule } from './rule.js';
import { RuleEvent } from './rule-event.js';
import { evaluateRule } from './rule-evaluator.js';

/** One rule test's outcome; `problems` is empty when it passed. */
export interface RuleTestResult {
  ruleId: string;
  testName: string;
  expectMatch: boolean;
  passed: boolean;
  problems: string[];
}

/**
 * Runs a rule's own tests (Panther's rule unit tests): the match result, and
 * for matches the expected title, dedup and severity where given. A rule
 * function that throws fails the test.
 */
export function runRuleTests(rule: Rule): RuleTestResult[] {
  return rule.tests.map((test) => {
    const problems: string[] = [];
    const { match, errors } = evaluateRule(rule, new RuleEvent(test.event, test.history));
    for (const error of errors) problems.push(`${error.functionName}() threw ${error.message}`);
    if ((match !== null) !== test.expectMatch) {
      problems.push(`expected ${test.expectMatch ? 'a match' : 'no match'}, got ${match ? 'a match' : 'no match'}`);
    }
    if (match) {
      if (test.expectTitle !== undefined && match.title !== test.expectTitle) problems.push(`title ${JSON.stringify(match.title)}, expected ${JSON.stringify(test.expectTitle)}`);
      if (test.expectDedup !== undefined && match.dedup !== test.expectDedup) problems.push(`dedup ${JSON.stringify(match.dedup)}, expected ${JSON.stringify(test.expectDedup)}`);
      if (test.expectSeverity !== undefined && match.severity !== test.expectSeverity) problems.push(`severity ${match.severity}, expected ${test.expectSeverity}`);
    }
    return { ruleId: rule.meta.id, testName: test.name, expectMatch: test.expectMatch, passed: problems.length === 0, problems };
  });
}
