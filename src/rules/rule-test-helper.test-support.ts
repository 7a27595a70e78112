import { describe, expect, it } from 'vitest';
import type { Rule } from '../detect/rule.js';
import { RuleEvent } from '../detect/rule-event.js';
import { runRuleTests } from '../detect/rule-test-runner.js';

/**
 * Runs a rule's own tests (its `tests` array) as vitest cases, through the
 * same runner as `zoomtrail rules test`: the match result, and for matches
 * the expected title / dedup / severity when given; plus a JSON-safe alert context.
 */
export function describeRuleTests(rule: Rule): void {
  describe(`${rule.meta.id}: own tests`, () => {
    it('has at least one positive and one negative test', () => {
      expect(rule.tests.some((t) => t.expectMatch)).toBe(true);
      expect(rule.tests.some((t) => !t.expectMatch)).toBe(true);
    });

    const results = runRuleTests(rule);
    it.each(rule.tests.map((t, i) => [t.name, i] as const))('%s', (_name, i) => {
      expect(results[i]!.problems).toEqual([]);
      const test = rule.tests[i]!;
      if (test.expectMatch && rule.alertContext) {
        const context = rule.alertContext(new RuleEvent(test.event, test.history));
        expect(JSON.parse(JSON.stringify(context))).toEqual(context);
      }
    });
  });
}
