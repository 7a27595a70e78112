import { defineRule, type RuleTest } from '../../detect/rule.js';
import type { SettingChange } from '../../normalize/operation-detail-parser.js';
import { isAccountUpdate, isOnToOff, operatorOf as operator, rawDetailIncludes, settingChangesOf as changesOf, settingsAlertContext } from './zoom-rule-helpers.js';

/**
 * Zoom.Automatic.Sign.Out.Disabled
 *
 * Panther: Account / Update and `operation_detail` contains
 * "Automatically sign users out after a specified time: from On to Off".
 *
 * Ours: category `account`, an action containing `update` (any case), and ANY
 * parsed change of that setting going On -> Off (case/whitespace-insensitive,
 * any section). Floor: Panther's substring test on the raw text as written,
 * so every event Panther matches still matches; all other tolerance is the
 * parser's, the same as every rule's.
 */

const SETTING_KEY = 'automatically sign users out after a specified time';
const PANTHER_FLAG = 'Automatically sign users out after a specified time: from On to Off';
function isRisky(change: SettingChange): boolean {
  return change.settingKey === SETTING_KEY && isOnToOff(change);
}

const base = {
  action: 'Update',
  category_type: 'Account',
  operator: 'example@example.io',
  time: '2022-12-16 18:20:42',
};
const TITLE = "Zoom User [example@example.io] turned off your organization's setting to automatically sign users out after a specified time.";

const tests: RuleTest[] = [
  // Panther's own unit tests
  {
    name: 'Automatic Signout Setting Disabled (Panther)',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off' },
  },
  {
    name: 'Meeting Setting Disabled (Panther)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Require that all meetings are secured with one security option: from On to Off' },
  },
  // Robustness
  {
    name: 'fires with a single space before the dash',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Security - Automatically sign users out after a specified time: from On to Off' },
  },
  {
    name: 'fires with a trailing space',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off ' },
  },
  {
    name: 'fires on lower-case on/off and a differently cased setting name',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Automatically Sign Users Out After A Specified Time: from on to off' },
  },
  {
    name: 'fires when it is one of several changes in one event',
    expectMatch: true,
    event: {
      ...base,
      operation_detail: 'Security  - Waiting room: from Off to On - Automatically sign users out after a specified time: from On to Off - Mute upon entry: from Off to On',
    },
  },
  {
    name: 'fires on action Batch Update',
    expectMatch: true,
    event: { ...base, action: 'Batch Update', operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off' },
  },
  // Near misses
  {
    name: 'does not fire on Off to On',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Automatically sign users out after a specified time: from Off to On' },
  },
  {
    name: 'does not fire on a numeric timeout change',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Automatically sign users out after a specified time: from 30 to 120' },
  },
  {
    name: 'does not fire in category User',
    expectMatch: false,
    event: { ...base, category_type: 'User', operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off' },
  },
  {
    name: 'does not fire on action Add',
    expectMatch: false,
    event: { ...base, action: 'Add', operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off' },
  },
  {
    name: 'does not fire on action Delete',
    expectMatch: false,
    event: { ...base, action: 'Delete', operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off' },
  },
];

export const automaticSignOutDisabledRule = defineRule({
  meta: {
    id: 'Zoom.Automatic.Sign.Out.Disabled',
    displayName: 'Zoom Automatic Sign Out Disabled',
    logTypes: ['Zoom.Operation'],
    severity: 'MEDIUM',
    description: "A Zoom User turned off your organization's setting to automatically sign users out after a specified period of time.",
    runbook: 'Confirm this user acted with valid business intent and determine whether this activity was authorized.',
    reference: 'https://support.zoom.us/hc/en-us/articles/115005756143-Changing-account-security-settings#:~:text=Users%20need%20to%20sign%20in,of%205%20to%20120%20minutes',
    tags: ['Zoom Detections'],
    dedupPeriodMinutes: 60,
    threshold: 1,
  },
  rule(e) {
    if (!isAccountUpdate(e)) return false;
    if (changesOf(e.detail).some(isRisky)) return true;
    return rawDetailIncludes(e, PANTHER_FLAG);
  },
  title(e) {
    return `Zoom User [${operator(e)}] turned off your organization's setting to automatically sign users out after a specified time.`;
  },
  alertContext(e) {
    return settingsAlertContext(e, changesOf(e.detail).filter(isRisky));
  },
  tests,
});
