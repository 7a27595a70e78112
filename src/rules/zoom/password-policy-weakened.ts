import { defineRule, type RuleTest } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import type { SettingChange } from '../../normalize/operation-detail-parser.js';
import { isAccountUpdate, isOnToOff, operatorOf } from './zoom-rule-helpers.js';

/**
 * Zoom.PasswordPolicyWeakened
 *
 * A Sign-In Password Requirement made weaker: in an Account update whose
 * section or setting names mention "Sign-In Password Requirement", a change
 * that lowers a number (`Have at least specified length of characters: from 14
 * to 6`, a minimum length or count) or turns a requirement from On to Off.
 * A number raised, or a maximum (e.g. "consecutive characters") is not a
 * weakening when lowered: settings whose name says "maximum" or "consecutive"
 * are weaker when RAISED.
 */
const REQUIREMENT_KEY = 'sign-in password requirement';

function weakerChanges(e: RuleEvent): SettingChange[] {
  if (!isAccountUpdate(e)) return [];
  const detail = e.detail;
  if (detail.kind !== 'settings') return [];
  const inSection = detail.sectionKey.includes(REQUIREMENT_KEY);
  return detail.changes.filter((change) => (inSection || change.settingKey.includes(REQUIREMENT_KEY)) && isWeaker(change));
}

function isWeaker(change: SettingChange): boolean {
  if (isOnToOff(change)) return true;
  const from = leadingNumber(change.from);
  const to = leadingNumber(change.to);
  if (from === null || to === null) return false;
  const upperBound = /maximum|consecutive|at most/.test(change.settingKey);
  return upperBound ? to > from : to < from;
}

function leadingNumber(text: string): number | null {
  const match = /^\s*(\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

const base = { time: '2026-05-04 10:00:00', operator: 'mallory@duff.io', category_type: 'Account', action: 'Update' };

const tests: RuleTest[] = [
  {
    name: 'minimum length from 14 to 6',
    expectMatch: true,
    expectTitle: 'Zoom password policy weakened by mallory@duff.io: Have at least specified length of characters from 14 to 6',
    event: { ...base, operation_detail: 'Sign-In Password Requirement  - Have at least specified length of characters: from 14 to 6' },
  },
  {
    name: 'a complexity requirement turned off',
    expectMatch: true,
    event: { ...base, operation_detail: 'Sign-In Password Requirement  - Include at least 1 number: from On to Off' },
  },
  {
    name: 'under the Security section',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Sign-In Password Requirement - Have at least specified length of characters: from 10 to 8' },
  },
  { name: 'length raised', expectMatch: false, event: { ...base, operation_detail: 'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14' } },
  { name: 'a requirement turned on', expectMatch: false, event: { ...base, operation_detail: 'Sign-In Password Requirement  - Include at least 1 number: from Off to On' } },
  {
    name: 'a maximum lowered is stricter',
    expectMatch: false,
    event: { ...base, operation_detail: 'Sign-In Password Requirement  - Cannot contain consecutive characters: from 6 to 4' },
  },
  { name: 'another section', expectMatch: false, event: { ...base, operation_detail: 'Security  - Waiting room: from On to Off' } },
];

export const passwordPolicyWeakenedRule = defineRule({
  meta: {
    id: 'Zoom.PasswordPolicyWeakened',
    displayName: 'Zoom Password Policy Weakened',
    logTypes: ['Zoom.Operation'],
    severity: 'HIGH',
    description: 'A Sign-In Password Requirement was made weaker: a shorter minimum length or a complexity requirement turned off.',
    runbook:
      'Confirm with the operator why the password policy was relaxed; restore it (Admin > Account Settings > Security > Sign-in password requirement) unless approved. ' +
      'Passwords set while it was weak stay weak: consider requiring a password change.',
    reference: 'https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0063213',
    tags: ['Defense Evasion:Modify Authentication Process', 'Credential Access'],
    mitre: ['TA0005:T1556', 'TA0006:T1556'],
    summaryAttributes: ['operator', 'operation_detail'],
  },
  rule: (e) => weakerChanges(e).length > 0,
  title: (e) =>
    `Zoom password policy weakened by ${operatorOf(e)}: ${weakerChanges(e)
      .map((c) => `${c.setting} from ${c.from} to ${c.to}`)
      .join(', ')}`,
  dedup: (e) => operatorOf(e),
  alertContext: (e) => ({ operator: operatorOf(e), changes: weakerChanges(e).map((c) => ({ setting: c.setting, from: c.from, to: c.to })) }),
  tests,
});
