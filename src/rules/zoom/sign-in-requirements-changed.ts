import { defineRule, type RuleTest } from '../../detect/rule.js';
import { type RuleEvent } from '../../detect/rule-event.js';
import type { OperationDetail, SettingChange } from '../../normalize/operation-detail-parser.js';
import { isAccountUpdate, operatorOf as operator, isOnToOff, rawDetailIncludes, settingsAlertContext } from './zoom-rule-helpers.js';

/**
 * Zoom.Sign.In.Requirements.Changed
 *
 * Panther: Account / Update, `operation_detail` contains
 * "Sign-In Password Requirement" and "On to Off" (anywhere). In Panther's test
 * events "Sign-In Password Requirement" is the SECTION
 * (`Sign-In Password Requirement  - Include at least 1 letter: from On to Off`);
 * under the Security section it is a sub-heading, which our parser glues onto
 * the first change's name (`Sign-In Password Requirement - Have at least 8
 * characters`).
 *
 * Ours: category `account`, an action containing `update` (any case), a
 * settings detail that mentions the password requirement (as its section or in
 * a setting name), and ANY change in it going On -> Off (case-insensitive).
 * Floor: Panther's test on the raw text as written, so every event Panther
 * matches still matches; all other tolerance is the parser's, the same as
 * every rule's.
 */

const REQUIREMENT_KEY = 'sign-in password requirement';
const PANTHER_FLAG_ONE = 'Sign-In Password Requirement';
const PANTHER_FLAG_TWO = 'On to Off';
const NO_CHANGES: readonly SettingChange[] = [];

function mentionsRequirement(detail: OperationDetail): boolean {
  if (detail.kind !== 'settings') return false;
  return detail.sectionKey.includes(REQUIREMENT_KEY) || detail.changes.some((c) => c.settingKey.includes(REQUIREMENT_KEY));
}

function riskyChanges(e: RuleEvent): readonly SettingChange[] {
  const detail = e.detail;
  if (detail.kind !== 'settings' || !mentionsRequirement(detail)) return NO_CHANGES;
  return detail.changes.filter(isOnToOff);
}

function rawDetail(e: RuleEvent): string {
  return typeof e.fields.operation_detail === 'string' ? e.fields.operation_detail : '<NO_OPS_DETAIL>';
}

const base = {
  action: 'Update',
  category_type: 'Account',
  operator: 'example@example.io',
  time: '2022-12-16 18:21:29',
};
const DETAIL_ONE =
  'Sign-In Password Requirement  - Include at least 1 letter: from On to Off - Include at least 1 number: from On to Off - Include both uppercase and lowercase characters: from On to Off';
const DETAIL_TWO =
  'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 letter: from On to Off - Include at least 1 number: from On to Off - Include both uppercase and lowercase characters: from On to Off';
const title = (detail: string) => `Zoom User [example@example.io] changed your organization's sign in requirements [${detail}].`;

const tests: RuleTest[] = [
  // Panther's own unit tests
  {
    name: 'Setting Change One (Panther)',
    expectMatch: true,
    expectTitle: title(DETAIL_ONE),
    event: { ...base, operation_detail: DETAIL_ONE },
  },
  {
    name: 'Setting Change Two (Panther)',
    expectMatch: true,
    expectTitle: title(DETAIL_TWO),
    event: { ...base, time: '2022-12-16 18:21:23', operation_detail: DETAIL_TWO },
  },
  {
    name: '2FA disabled (Panther)',
    expectMatch: false,
    event: { ...base, time: '2022-12-16 18:20:35', operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off' },
  },
  {
    name: 'Setting Change Off to On (Panther)',
    expectMatch: false,
    event: {
      ...base,
      time: '2022-12-16 18:21:23',
      operation_detail:
        'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 letter: from Off to On - Include at least 1 number: from Off to On - Include both uppercase and lowercase characters: from Off to On',
    },
  },
  // Robustness
  {
    name: 'fires with a single space before the dash',
    expectMatch: true,
    event: { ...base, operation_detail: 'Sign-In Password Requirement - Include at least 1 letter: from On to Off' },
  },
  {
    name: 'fires with a trailing space',
    expectMatch: true,
    event: { ...base, operation_detail: 'Sign-In Password Requirement  - Include at least 1 letter: from On to Off ' },
  },
  {
    name: 'fires on lower-case on/off and a differently cased section',
    expectMatch: true,
    event: { ...base, operation_detail: 'Sign-in password requirement  - Include at least 1 letter: from on to off' },
  },
  {
    name: 'fires on the sub-heading form under Security (setting name carries the prefix)',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Sign-In Password Requirement - Have at least 8 characters: from On to Off' },
  },
  {
    name: 'fires when only a later change goes On to Off',
    expectMatch: true,
    event: {
      ...base,
      operation_detail: 'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 number: from On to Off',
    },
  },
  {
    name: 'fires on upper-case UPDATE',
    expectMatch: true,
    event: { ...base, action: 'UPDATE', operation_detail: 'Sign-In Password Requirement  - Include at least 1 letter: from On to Off' },
  },
  // Near misses
  {
    name: 'does not fire on a length change only',
    expectMatch: false,
    event: { ...base, operation_detail: 'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14' },
  },
  {
    name: 'does not fire on Off to On with a trailing space',
    expectMatch: false,
    event: { ...base, operation_detail: 'Sign-In Password Requirement  - Include at least 1 letter: from Off to On ' },
  },
  {
    name: 'does not fire in category User',
    expectMatch: false,
    event: { ...base, category_type: 'User', operation_detail: DETAIL_ONE },
  },
  {
    name: 'does not fire on action Add',
    expectMatch: false,
    event: { ...base, action: 'Add', operation_detail: DETAIL_ONE },
  },
  {
    name: 'does not fire on action Delete',
    expectMatch: false,
    event: { ...base, action: 'Delete', operation_detail: DETAIL_ONE },
  },
];

export const signInRequirementsChangedRule = defineRule({
  meta: {
    id: 'Zoom.Sign.In.Requirements.Changed',
    displayName: 'Zoom Sign In Requirements Changed',
    logTypes: ['Zoom.Operation'],
    severity: 'MEDIUM',
    description: "A Zoom User changed your organization's sign in requirements.",
    runbook: 'Confirm this user acted with valid business intent and determine whether this activity was authorized.',
    reference: 'https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0061263',
    summaryAttributes: ['operation_detail'],
    dedupPeriodMinutes: 60,
    threshold: 1,
  },
  rule(e) {
    if (!isAccountUpdate(e)) return false;
    if (riskyChanges(e).length > 0) return true;
    return rawDetailIncludes(e, PANTHER_FLAG_ONE, PANTHER_FLAG_TWO);
  },
  title(e) {
    return `Zoom User [${operator(e)}] changed your organization's sign in requirements [${rawDetail(e)}].`;
  },
  alertContext(e) {
    return settingsAlertContext(e, riskyChanges(e));
  },
  tests,
});
