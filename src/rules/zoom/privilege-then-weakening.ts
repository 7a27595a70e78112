import type { HistoryRule, PrivilegeGrant } from '../../detect/history-rule.js';
import { defineRule, type Rule } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { DEFAULT_HISTORY_SETTINGS } from '../../domain/history-settings.js';
import { allMeetingsSecuredWithOneOptionDisabledRule } from './all-meetings-secured-with-one-option-disabled.js';
import { automaticSignOutDisabledRule } from './automatic-sign-out-disabled.js';
import { newMeetingPasscodeRequiredDisabledRule } from './new-meeting-passcode-required-disabled.js';
import { passcodeDisabledRule } from './passcode-disabled.js';
import { signInMethodModifiedRule } from './sign-in-method-modified.js';
import { signInRequirementsChangedRule } from './sign-in-requirements-changed.js';
import { twoFactorAuthenticationDisabledRule } from './two-factor-authentication-disabled.js';
import { userPromotedToPrivilegedRoleRule } from './user-promoted-to-privileged-role.js';
import { operatorOf } from './zoom-rule-helpers.js';

/**
 * Zoom.PrivilegeThenWeakening
 *
 * An operator promoted to a privileged role, or promoting someone, who within
 * `privilegeThenWeakening.windowMinutes` (60) turns off a security setting:
 * the event matches one of Panther's setting rules (2FA, passcodes, secured
 * meetings, automatic sign-out, sign-in methods, password requirements) and the
 * stored operations of [t - window, t] hold a promotion (the Panther rule
 * Zoom.User.Promoted.to.Privileged.Role) whose operator or promoted user is the
 * event's operator. A history rule: evaluated once the day (and the day before,
 * for a window crossing midnight) is complete, so the promotion is in the store
 * whatever order the pages came in.
 */
export const WEAKENING_RULES: readonly Rule[] = [
  allMeetingsSecuredWithOneOptionDisabledRule,
  automaticSignOutDisabledRule,
  newMeetingPasscodeRequiredDisabledRule,
  passcodeDisabledRule,
  signInMethodModifiedRule,
  signInRequirementsChangedRule,
  twoFactorAuthenticationDisabledRule,
];

/** A stored operation as a promotion, or null (the detector's PrivilegeGrantReader). */
export function privilegeGrantOf(e: RuleEvent): PrivilegeGrant | null {
  if (!userPromotedToPrivilegedRoleRule.rule(e)) return null;
  const context = userPromotedToPrivilegedRoleRule.alertContext?.(e) ?? {};
  const target = typeof context.email === 'string' ? context.email.toLowerCase() : null;
  return { rowId: '', timeMs: 0, operator: operatorOf(e, '').trim().toLowerCase(), target, toRole: typeof context.toRole === 'string' ? context.toRole : '' };
}

function weakenedBy(e: RuleEvent): string[] {
  return WEAKENING_RULES.filter((rule) => {
    try {
      return rule.rule(e);
    } catch {
      return false;
    }
  }).map((rule) => rule.meta.displayName);
}

function relatedGrants(e: RuleEvent): readonly PrivilegeGrant[] {
  const operator = operatorOf(e, '').trim().toLowerCase();
  if (operator === '') return [];
  return (e.history?.privilegeGrants ?? []).filter((g) => g.operator === operator || g.target === operator);
}

const base = { time: '2026-05-04 10:30:00', operator: 'mallory@duff.io', category_type: 'Account', action: 'Update' };
const TWO_FA_OFF = 'Security  - Sign in with Two-Factor Authentication: from On to Off';
const grant = (over: Partial<PrivilegeGrant>): PrivilegeGrant => ({
  rowId: 'grant',
  timeMs: Date.parse('2026-05-04T10:00:00Z'),
  operator: 'owner@duff.io',
  target: 'mallory@duff.io',
  toRole: 'Admin',
  ...over,
});
const history = (grants: PrivilegeGrant[]) => ({ settings: DEFAULT_HISTORY_SETTINGS, privilegeGrants: grants });

export const privilegeThenWeakeningRule: HistoryRule = {
  ...defineRule({
    meta: {
      id: 'Zoom.PrivilegeThenWeakening',
      displayName: 'Zoom Privilege Then Security Weakening',
      logTypes: ['Zoom.Operation'],
      severity: 'HIGH',
      description: 'An operator who was promoted to a privileged role, or promoted someone, turned off a security setting within 60 minutes.',
      runbook:
        'The pattern of an account takeover escalating and then disabling defences. Check who approved the promotion, revert the setting and the role unless both were planned, ' +
        "and review the operator's sign-ins (new country, impossible travel). Setting: ZOOMTRAIL_HISTORY_PRIVILEGE_WINDOW_MINUTES.",
      reference: 'https://attack.mitre.org/techniques/T1098/',
      tags: ['Privilege Escalation:Account Manipulation', 'Defense Evasion:Impair Defenses'],
      mitre: ['TA0004:T1098', 'TA0005:T1562'],
      summaryAttributes: ['operator', 'operation_detail'],
    },
    rule: (e) => relatedGrants(e).length > 0 && weakenedBy(e).length > 0,
    title: (e) =>
      `${operatorOf(e)} turned off security settings within ${e.history?.settings.privilegeThenWeakening.windowMinutes ?? 60} min of a promotion to ${relatedGrants(e)[0]!.toRole}`,
    dedup: (e) => operatorOf(e),
    alertContext: (e) => ({
      operator: operatorOf(e),
      weakened: weakenedBy(e),
      promotions: relatedGrants(e).map((g) => ({ rowId: g.rowId, time: new Date(g.timeMs).toISOString(), operator: g.operator, promoted: g.target, toRole: g.toRole })),
    }),
    tests: [
      { name: 'promoted, then turns 2FA off', expectMatch: true, event: { ...base, operation_detail: TWO_FA_OFF }, history: history([grant({})]) },
      {
        name: 'promotes someone, then turns 2FA off',
        expectMatch: true,
        event: { ...base, operation_detail: TWO_FA_OFF },
        history: history([grant({ operator: 'mallory@duff.io', target: 'accomplice@duff.io' })]),
      },
      { name: 'turns 2FA off without a promotion', expectMatch: false, event: { ...base, operation_detail: TWO_FA_OFF }, history: history([]) },
      {
        name: 'a promotion of someone else by someone else',
        expectMatch: false,
        event: { ...base, operation_detail: TWO_FA_OFF },
        history: history([grant({ target: 'bart@duff.io' })]),
      },
      {
        name: 'promoted, then a harmless change',
        expectMatch: false,
        event: { ...base, operation_detail: 'Security  - Waiting room: from Off to On' },
        history: history([grant({})]),
      },
    ],
  }),
  history: {
    settings: (s) => ({ windowMinutes: s.privilegeThenWeakening.windowMinutes }),
    needs: 'privilege-grants',
    learning: false,
    lookbackDays: (s) => Math.ceil(s.privilegeThenWeakening.windowMinutes / 1440),
  },
};
