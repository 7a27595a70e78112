/**
 * `zoomtrail rules new <Id> [--yaml]`: a rule file to start from, with one
 * event it matches and one it does not (both tests pass as written; change
 * the rule and its events together).
 */
export function scaffoldRule(id: string, yaml: boolean): { fileName: string; text: string } {
  const base = id
    .split('.')
    .flatMap((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1-$2').split('-'))
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase())
    .join('-');
  return yaml ? { fileName: `${base}.yml`, text: yamlScaffold(id) } : { fileName: `${base}.ts`, text: tsScaffold(id) };
}

/** A rule id as `rules new` accepts it: dotted words of letters and digits. */
export const RULE_ID = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/;

function tsScaffold(id: string): string {
  return `import type { Rule } from 'zoomtrail/rules';

/**
 * ${id}: say what this rule catches and why it matters.
 *
 * What a rule sees (a RuleEvent): e.text('field') is a field's text ('' when
 * absent), e.key('field') the same trimmed and lower-cased, e.fields the whole
 * event, e.detail the parsed operation_detail, e.udm('actor_user') the data model.
 * Run its tests with: zoomtrail rules test --id ${id}
 */
const rule: Rule = {
  meta: {
    id: '${id}',
    displayName: 'A role was deleted',
    logTypes: ['Zoom.Operation'],
    severity: 'MEDIUM',
    description: 'Someone deleted a Zoom role.',
    runbook: 'Ask the operator why; restore the role if it was not planned.',
    reference: '',
    tags: [],
    mitre: [],
    dedupPeriodMinutes: 60,
    threshold: 1,
    summaryAttributes: ['operator'],
    enabled: true,
  },
  rule: (e) => e.key('category_type') === 'role' && e.key('action') === 'delete',
  title: (e) => \`\${e.text('operator')} deleted a role\`,
  tests: [
    {
      name: 'matches: a role is deleted',
      expectMatch: true,
      expectTitle: 'mallory@example.com deleted a role',
      event: { time: '2026-03-10T12:00:00Z', operator: 'mallory@example.com', category_type: 'Role', action: 'Delete', operation_detail: 'Delete Role Auditors' },
    },
    {
      name: 'does not match: a role is added',
      expectMatch: false,
      event: { time: '2026-03-10T12:00:00Z', operator: 'mallory@example.com', category_type: 'Role', action: 'Add', operation_detail: 'Add Role Auditors' },
    },
  ],
};

export default rule;
`;
}

function yamlScaffold(id: string): string {
  return `# ${id}: say what this rule catches and why it matters.
# Format: Panther's simple detections (docs/writing-detections.md).
# Run its tests with: zoomtrail rules test --id ${id}
AnalysisType: rule
RuleID: ${id}
DisplayName: A role was deleted
Enabled: true
LogTypes:
  - Zoom.Operation
Severity: Medium
Description: Someone deleted a Zoom role.
Runbook: Ask the operator why; restore the role if it was not planned.
DedupPeriodMinutes: 60
Threshold: 1
Detection:
  - Key: category_type
    Condition: IEquals
    Value: Role
  - Key: action
    Condition: IEquals
    Value: Delete
AlertTitle: "{operator} deleted a role"
Tests:
  - Name: "matches: a role is deleted"
    ExpectedResult: true
    Log:
      time: "2026-03-10T12:00:00Z"
      operator: mallory@example.com
      category_type: Role
      action: Delete
      operation_detail: Delete Role Auditors
  - Name: "does not match: a role is added"
    ExpectedResult: false
    Log:
      time: "2026-03-10T12:00:00Z"
      operator: mallory@example.com
      category_type: Role
      action: Add
      operation_detail: Add Role Auditors
`;
}
