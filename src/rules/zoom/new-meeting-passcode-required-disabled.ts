import { defineRule, type RuleTest } from '../../detect/rule.js';
import type { OperationDetail, SettingChange } from '../../normalize/operation-detail-parser.js';
import { isAccountUpdate, operatorOf as operator, settingsAlertContext, settingTurnedOff } from './zoom-rule-helpers.js';

/**
 * Zoom.New.Meeting.Passcode.Required.Disabled
 *
 * Panther: Account / Update and `operation_detail` EXACTLY equal to
 * "Security  - Require a passcode when scheduling new meetings: from On to Off".
 *
 * Ours: category `account`, an action containing `update` (any case), a
 * settings detail in section `security`, and ANY of its changes being that
 * setting going On -> Off. Spacing around the dash, a trailing space, case of
 * the names or of On/Off, and other changes in the same event do not matter.
 * Panther's exact string always parses that way, so the floor holds.
 */

const SECTION_KEY = 'security';
const SETTING_KEY = 'require a passcode when scheduling new meetings';

function riskyChanges(detail: OperationDetail): SettingChange[] {
  return settingTurnedOff(detail, SECTION_KEY, SETTING_KEY);
}

const base = {
  action: 'Update',
  category_type: 'Account',
  operator: 'example@example.io',
  time: '2022-12-16 18:22:17',
};
const TITLE = "Zoom User [example@example.io] turned off your organization's setting to require passcodes for new meetings.";

const tests: RuleTest[] = [
  // Panther's own unit tests
  {
    name: 'Setting Turn Off (Panther)',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Security  - Require a passcode when scheduling new meetings: from On to Off' },
  },
  {
    name: 'Setting Turn On (Panther)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Require a passcode when scheduling new meetings: from Off to On' },
  },
  {
    name: 'Automatic Sign Out Setting Disabled (Panther)',
    expectMatch: false,
    event: { ...base, time: '2022-12-16 18:20:42', operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off' },
  },
  // Robustness
  {
    name: 'fires with a single space before the dash',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Security - Require a passcode when scheduling new meetings: from On to Off' },
  },
  {
    name: 'fires with a trailing space',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Require a passcode when scheduling new meetings: from On to Off ' },
  },
  {
    name: 'fires on lower-case on/off',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Require a passcode when scheduling new meetings: from on to off' },
  },
  {
    name: 'fires on a differently cased section and setting name',
    expectMatch: true,
    event: { ...base, operation_detail: 'SECURITY  - Require A Passcode When Scheduling New Meetings: from On to Off' },
  },
  {
    name: 'fires when it is one of several changes in one event',
    expectMatch: true,
    event: {
      ...base,
      operation_detail: 'Security  - Waiting room: from Off to On - Require a passcode when scheduling new meetings: from On to Off',
    },
  },
  {
    name: 'fires on action SCIM API - Update',
    expectMatch: true,
    event: { ...base, action: 'SCIM API - Update', operation_detail: 'Security  - Require a passcode when scheduling new meetings: from On to Off' },
  },
  // Near misses
  {
    name: 'does not fire on Off to On among several changes',
    expectMatch: false,
    event: {
      ...base,
      operation_detail: 'Security  - Waiting room: from On to Off - Require a passcode when scheduling new meetings: from Off to On',
    },
  },
  {
    name: 'does not fire on a similar setting (instant meetings)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Require a passcode for instant meetings: from On to Off' },
  },
  {
    name: 'does not fire in another section',
    expectMatch: false,
    event: { ...base, operation_detail: 'Meeting  - Require a passcode when scheduling new meetings: from On to Off' },
  },
  {
    name: 'does not fire in category User',
    expectMatch: false,
    event: { ...base, category_type: 'User', operation_detail: 'Security  - Require a passcode when scheduling new meetings: from On to Off' },
  },
  {
    name: 'does not fire on action Add',
    expectMatch: false,
    event: { ...base, action: 'Add', operation_detail: 'Security  - Require a passcode when scheduling new meetings: from On to Off' },
  },
  {
    name: 'does not fire on action Delete',
    expectMatch: false,
    event: { ...base, action: 'Delete', operation_detail: 'Security  - Require a passcode when scheduling new meetings: from On to Off' },
  },
];

export const newMeetingPasscodeRequiredDisabledRule = defineRule({
  meta: {
    id: 'Zoom.New.Meeting.Passcode.Required.Disabled',
    displayName: 'Zoom New Meeting Passcode Required Disabled',
    logTypes: ['Zoom.Operation'],
    severity: 'MEDIUM',
    description: "A Zoom User turned off your organization's setting to require passcodes for new meetings.",
    runbook: 'Confirm this user acted with valid business intent and determine whether this activity was authorized.',
    reference:
      'https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0063160#:~:text=Since%20September%202022%2C%20Zoom%20requires,enforced%20for%20all%20free%20accounts',
    dedupPeriodMinutes: 60,
    threshold: 1,
  },
  rule(e) {
    if (!isAccountUpdate(e)) return false;
    return riskyChanges(e.detail).length > 0;
  },
  title(e) {
    return `Zoom User [${operator(e)}] turned off your organization's setting to require passcodes for new meetings.`;
  },
  alertContext(e) {
    return settingsAlertContext(e, riskyChanges(e.detail));
  },
  tests,
});
