import { defineRule, type RuleTest } from '../../detect/rule.js';
import { looseKey, type RuleEvent } from '../../detect/rule-event.js';
import { isCategory, operatorOf } from './zoom-rule-helpers.js';

/**
 * Zoom.MassUserRemoval
 *
 * One operator deleting or deactivating at least 10 users within 10 minutes:
 * each removal (category `User`, action `Delete`, or a `Delete User` /
 * `Deactivate User` detail) matches, grouped per operator (dedup) with
 * Panther's threshold: the alert is raised at the 10th removal within the
 * 10-minute dedup period (DedupPeriodMinutes 10, Threshold 10).
 */
function removedUser(e: RuleEvent): string | null {
  if (!isCategory(e, 'User')) return null;
  const detail = e.detail;
  if (detail.kind === 'user' && (detail.verb === 'delete' || detail.verb === 'deactivate')) return detail.email;
  return looseKey(e.text('action')) === 'delete' ? '<unknown user>' : null;
}

const base = { time: '2026-05-04 10:00:00', operator: 'mallory@duff.io', category_type: 'User' };

const tests: RuleTest[] = [
  {
    name: 'a user deleted',
    expectMatch: true,
    expectDedup: 'mallory@duff.io',
    event: { ...base, action: 'Delete', operation_detail: 'Delete User bart@duff.io  - User Type: Licensed' },
  },
  { name: 'a user deactivated', expectMatch: true, event: { ...base, action: 'Update', operation_detail: 'Deactivate User lisa@duff.io ' } },
  { name: 'a user activated', expectMatch: false, event: { ...base, action: 'Update', operation_detail: 'Activate User lisa@duff.io ' } },
  { name: 'a group deleted', expectMatch: false, event: { ...base, category_type: 'User Group', action: 'Delete', operation_detail: 'Delete Group Sales' } },
];

export const massUserRemovalRule = defineRule({
  meta: {
    id: 'Zoom.MassUserRemoval',
    displayName: 'Zoom Mass User Removal',
    logTypes: ['Zoom.Operation'],
    severity: 'HIGH',
    description: 'One operator deleted or deactivated at least 10 users within 10 minutes.',
    runbook:
      "Confirm with the operator and their manager that the removals were planned (an offboarding batch, a SCIM sync). If not, suspend the operator's admin role at once, " +
      "restore the users (deleted Zoom users cannot be restored: recreate them) and review the operator's sign-ins. Threshold and period: the rule's Threshold and DedupPeriodMinutes.",
    reference: 'https://attack.mitre.org/techniques/T1531/',
    tags: ['Impact:Account Access Removal'],
    mitre: ['TA0040:T1531'],
    dedupPeriodMinutes: 10,
    threshold: 10,
    summaryAttributes: ['operator', 'operation_detail'],
  },
  rule: (e) => removedUser(e) !== null,
  title: (e) => `Mass user removal by ${operatorOf(e)}`,
  dedup: (e) => operatorOf(e),
  alertContext: (e) => ({ operator: operatorOf(e), user: removedUser(e) }),
  tests,
});
