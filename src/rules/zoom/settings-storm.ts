import { defineRule, type RuleTest } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { isCategory, isUpdateAction, operatorOf, settingChangesOf } from './zoom-rule-helpers.js';

/**
 * Zoom.SettingsStorm
 *
 * One operator changing at least 20 account or group settings within 10
 * minutes: every Account or User Group update that changes settings matches,
 * grouped per operator with Panther's threshold (DedupPeriodMinutes 10,
 * Threshold 20; an event changing several settings counts once).
 */
function changedSettings(e: RuleEvent): number {
  if (!(isCategory(e, 'Account') || isCategory(e, 'User Group')) || !isUpdateAction(e)) return 0;
  return settingChangesOf(e.detail).length;
}

const base = { time: '2026-05-04 10:00:00', operator: 'mallory@duff.io', action: 'Update' };

const tests: RuleTest[] = [
  {
    name: 'an account setting changed',
    expectMatch: true,
    expectDedup: 'mallory@duff.io',
    event: { ...base, category_type: 'Account', operation_detail: 'Security  - Waiting room: from On to Off' },
  },
  {
    name: 'a group setting changed',
    expectMatch: true,
    event: { ...base, category_type: 'User Group', operation_detail: 'Edit Group Sales  - Mute participants upon entry: from Off to On' },
  },
  { name: 'a user changed', expectMatch: false, event: { ...base, category_type: 'User', operation_detail: 'Update User bart@duff.io  - Department: from Sales to R&D' } },
  { name: 'an account add', expectMatch: false, event: { ...base, action: 'Add', category_type: 'Account', operation_detail: 'Security  - Waiting room: from On to Off' } },
];

export const settingsStormRule = defineRule({
  meta: {
    id: 'Zoom.SettingsStorm',
    displayName: 'Zoom Settings Storm',
    logTypes: ['Zoom.Operation'],
    severity: 'MEDIUM',
    description: 'One operator changed at least 20 account or group settings within 10 minutes.',
    runbook:
      "A burst of setting changes is either a planned reconfiguration or someone (or a script) loosening the account. List the operator's changes of the period " +
      '(zoomtrail events --log-type Zoom.Operation), look for security settings turned off, and confirm with the operator.',
    reference: 'https://attack.mitre.org/techniques/T1562/',
    tags: ['Defense Evasion:Impair Defenses'],
    mitre: ['TA0005:T1562'],
    dedupPeriodMinutes: 10,
    threshold: 20,
    summaryAttributes: ['operator', 'operation_detail'],
  },
  rule: (e) => changedSettings(e) > 0,
  title: (e) => `Settings storm: ${operatorOf(e)} changed many account or group settings`,
  dedup: (e) => operatorOf(e),
  alertContext: (e) => ({ operator: operatorOf(e), category: e.text('category_type'), changes: changedSettings(e) }),
  tests,
});
