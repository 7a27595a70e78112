import { describe, expect, it } from 'vitest';
import type * as Public from '../types/rules.js';
import type { Rule } from '../src/detect/rule.js';
import { RuleEvent } from '../src/detect/rule-event.js';
import { runRuleTests } from '../src/detect/rule-test-runner.js';

/**
 * The published rule types (types/rules.d.ts, `import type { Rule } from
 * 'zoomtrail/rules'`) stay in step with the built-in shape: a rule written
 * against them is a Rule Zoomtrail runs (checked by `npm run typecheck`), and
 * the package's "exports" give `defineRule` at run time.
 */
const userRule: Public.Rule = {
  meta: {
    id: 'Acme.Typed',
    displayName: 'Typed',
    logTypes: ['Zoom.Operation'],
    severity: 'LOW',
    description: '',
    runbook: '',
    reference: '',
    tags: [],
    mitre: [],
    dedupPeriodMinutes: 60,
    threshold: 1,
    summaryAttributes: [],
    enabled: true,
  },
  rule: (e) => e.key('action') === 'delete' && (e.detail.kind === 'unknown' || e.udm('actor_user') !== undefined),
  tests: [{ name: 'delete', expectMatch: true, event: { action: 'Delete', operator: 'a@b.c' } }],
};
const asBuiltIn: Rule = userRule;
const publicEvent: Public.RuleEvent = new RuleEvent({});

describe('zoomtrail/rules', () => {
  it('a rule typed with the published types runs as a built-in rule does', () => {
    expect(runRuleTests(asBuiltIn).every((r) => r.passed)).toBe(true);
    expect(publicEvent.text('x')).toBe('');
  });

  it('resolves through package.json "exports" to defineRule with Panther defaults', async () => {
    const api: typeof Public = await import('zoomtrail/rules');
    const defined = api.defineRule({
      ...userRule,
      meta: { id: 'Acme.X', displayName: 'X', logTypes: ['Zoom.Activity'], severity: 'INFO', description: '', runbook: '', reference: '' },
    });
    expect(defined.meta).toMatchObject({ dedupPeriodMinutes: 60, threshold: 1, enabled: true, tags: [] });
  });
});
