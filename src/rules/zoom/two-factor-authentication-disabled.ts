import { defineRule, type RuleTest } from '../../detect/rule.js';
import type { OperationDetail, SettingChange } from '../../normalize/operation-detail-parser.js';
import { isAccountUpdate, operatorOf as operator, settingsAlertContext, settingTurnedOff } from './zoom-rule-helpers.js';

/**
 * Zoom.Two.Factor.Authentication.Disabled
 *
 * Panther: Account / Update and `operation_detail` EXACTLY equal to
 * "Security  - Sign in with Two-Factor Authentication: from On to Off".
 *
 * Ours: category `account`, an action containing `update` (any case), a
 * settings detail in section `security`, and ANY of its changes being
 * "Sign in with Two-Factor Authentication" going On -> Off. Spacing around the
 * dash, a trailing space, case, and other changes in the same event do not
 * matter. Panther's exact string always parses that way, so the floor holds.
 */

const SECTION_KEY = 'security';
const SETTING_KEY = 'sign in with two-factor authentication';

function riskyChanges(detail: OperationDetail): SettingChange[] {
  return settingTurnedOff(detail, SECTION_KEY, SETTING_KEY);
}

const base = {
  action: 'Update',
  category_type: 'Account',
  operator: 'example@example.io',
  time: '2022-12-16 18:20:35',
};
const TITLE = "Zoom User [example@example.io] disabled your organization's setting to sign in with Two-Factor Authentication.";

const tests: RuleTest[] = [
  // Panther's own unit tests
  {
    name: '2FA Disabled (Panther)',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off' },
  },
  {
    name: '2FA Enabled (Panther)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Sign in with Two-Factor Authentication: from Off to On' },
  },
  {
    name: 'Sign In Apple ID (Panther)',
    expectMatch: false,
    event: { ...base, time: '2022-12-16 18:19:57', operation_detail: 'Sign-in Methods  - Allow users to sign in with Apple ID: from Off to On' },
  },
  // Robustness
  {
    name: 'fires with a single space before the dash',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Security - Sign in with Two-Factor Authentication: from On to Off' },
  },
  {
    name: 'fires with a trailing space',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off ' },
  },
  {
    name: 'fires on lower-case on/off',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Sign in with Two-Factor Authentication: from on to off' },
  },
  {
    name: 'fires on a differently cased setting name (Sign In With Two-factor authentication)',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Sign In With Two-factor authentication: from On to Off' },
  },
  {
    name: 'fires when it is one of several changes in one event',
    expectMatch: true,
    event: {
      ...base,
      operation_detail: 'Security  - Require that all meetings are secured with one security option: from Off to On - Sign in with Two-Factor Authentication: from On to Off',
    },
  },
  {
    name: 'fires on upper-case UPDATE',
    expectMatch: true,
    event: { ...base, action: 'UPDATE', operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off' },
  },
  // Near misses
  {
    name: 'does not fire on Off to On with a trailing space',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Sign in with Two-Factor Authentication: from Off to On ' },
  },
  {
    name: 'does not fire on another security setting turned off',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off' },
  },
  {
    name: 'does not fire in another section',
    expectMatch: false,
    event: { ...base, operation_detail: 'Meeting  - Sign in with Two-Factor Authentication: from On to Off' },
  },
  {
    name: 'does not fire in category User',
    expectMatch: false,
    event: { ...base, category_type: 'User', operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off' },
  },
  {
    name: 'does not fire on action Add',
    expectMatch: false,
    event: { ...base, action: 'Add', operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off' },
  },
  {
    name: 'does not fire on action Delete',
    expectMatch: false,
    event: { ...base, action: 'Delete', operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off' },
  },
];

export const twoFactorAuthenticationDisabledRule = defineRule({
  meta: {
    id: 'Zoom.Two.Factor.Authentication.Disabled',
    displayName: 'Zoom Two Factor Authentication Disabled',
    logTypes: ['Zoom.Operation'],
    severity: 'MEDIUM',
    description: "A Zoom User disabled your organization's setting to sign in with Two-Factor Authentication.",
    runbook: 'Confirm this user acted with valid business intent and determine whether this activity was authorized.',
    reference: 'https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0066054',
    dedupPeriodMinutes: 60,
    threshold: 1,
  },
  rule(e) {
    if (!isAccountUpdate(e)) return false;
    return riskyChanges(e.detail).length > 0;
  },
  title(e) {
    return `Zoom User [${operator(e)}] disabled your organization's setting to sign in with Two-Factor Authentication.`;
  },
  alertContext(e) {
    return settingsAlertContext(e, riskyChanges(e.detail));
  },
  tests,
});
