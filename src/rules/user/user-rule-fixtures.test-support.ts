/** Rule files as users write them, for the user-rule tests. */

/** A Panther simple detection for Zoom, written as Panther documents the format. */
export const ADMIN_SETTING_YAML = `AnalysisType: rule
RuleID: Acme.Zoom.Security.Setting.Changed
DisplayName: Security setting changed by someone else
Enabled: true
LogTypes:
  - Zoom.Operation
Severity: Medium
Description: Anyone but our two admins changed a security setting.
Reports:
  MITRE ATT&CK:
    - TA0005:T1562
Tags: [Acme]
DedupPeriodMinutes: 30
Threshold: 1
Detection:
  - Key: category_type
    Condition: IEquals
    Value: account
  - KeyPath: p_udm.changes[*].name
    Condition: IsNotNullOrEmpty
  - Key: operator
    Condition: IsNotIn
    Values:
      - alice@acme.example
      - bob@acme.example
InlineFilters:
  - Key: operator
    Condition: DoesNotEndWith
    Value: "@zoom.us"
AlertTitle: "{operator} changed {p_udm.changes[0].name}"
GroupBy:
  - Key: operator
AlertContext:
  - KeyName: changes
    KeyValue:
      KeyPath: p_udm.changes
DynamicSeverities:
  - ChangeTo: HIGH
    Conditions:
      - KeyPath: p_udm.changes[*].name
        Condition: IContains
        Value: two-factor
Tests:
  - Name: mallory turns waiting room off
    ExpectedResult: true
    Log:
      category_type: Account
      action: Update
      operator: mallory@acme.example
      operation_detail: "Security  - Waiting room: from On to Off"
  - Name: alice may
    ExpectedResult: false
    Log:
      category_type: Account
      action: Update
      operator: alice@acme.example
      operation_detail: "Security  - Waiting room: from On to Off"
`;

/** A TypeScript rule as a user writes it: types from 'zoomtrail/rules', a helper file, no build step. */
export const TS_RULE = `import type { Rule } from 'zoomtrail/rules';
import { isAdmin } from './_helpers';

const rule: Rule = {
  meta: {
    id: 'Acme.Zoom.Role.Removed',
    displayName: 'A role was removed',
    logTypes: ['Zoom.Operation'],
    severity: 'LOW',
    description: 'Someone deleted a role.',
    runbook: 'Ask them why.',
    reference: '',
    tags: [],
    mitre: [],
    dedupPeriodMinutes: 60,
    threshold: 1,
    summaryAttributes: [],
    enabled: true,
  },
  rule: (e) => e.key('category_type') === 'role' && e.key('action') === 'delete' && !isAdmin(e.text('operator')),
  title: (e) => \`\${e.text('operator')} deleted a role\`,
  tests: [
    { name: 'deleted by mallory', expectMatch: true, expectTitle: 'mallory@acme.example deleted a role', event: { category_type: 'Role', action: 'Delete', operator: 'mallory@acme.example' } },
    { name: 'deleted by the admin', expectMatch: false, event: { category_type: 'Role', action: 'Delete', operator: 'alice@acme.example' } },
  ],
};
export default rule;
`;
export const TS_HELPER = `export const isAdmin = (email: string): boolean => email === 'alice@acme.example';\n`;

/** Plain JavaScript with defineRule at run time. */
export const JS_RULE = `import { defineRule } from 'zoomtrail/rules';
/** @type {import('zoomtrail/rules').RuleDefinition} */
export const groupDeleted = defineRule({
  meta: { id: 'Acme.Zoom.Group.Deleted', displayName: 'Group deleted', logTypes: ['Zoom.Operation'], severity: 'INFO', description: '', runbook: '', reference: '' },
  rule: (e) => e.key('category_type') === 'user group' && e.key('action') === 'delete',
  tests: [{ name: 'a group is deleted', expectMatch: true, event: { category_type: 'User Group', action: 'Delete' } }],
});
`;

/** A rule that never returns on one kind of event. */
export const LOOP_RULE = `export default {
  meta: { id: 'Acme.Loop', displayName: 'Loops', logTypes: ['Zoom.Operation'], severity: 'LOW', description: '', runbook: '', reference: '' },
  rule(e) { if (e.text('action') === 'Loop') { while (true) {} } return e.text('action') === 'Add'; },
  tests: [],
};
`;
