import { defineRule, type RuleTest } from '../../detect/rule.js';
import type { SettingChange } from '../../normalize/operation-detail-parser.js';
import { isAccountUpdate, operatorOf as operator, isOnToOff, rawDetailIncludes, settingChangesOf as changesOf, settingsAlertContext } from './zoom-rule-helpers.js';

/**
 * Zoom.All.Meetings.Secured.With.One.Option.Disabled
 *
 * Panther: Account / Update and `operation_detail` contains
 * "Require that all meetings are secured with one security option: from On to Off".
 *
 * Ours: category `account`, an action containing `update` (any case), and ANY
 * parsed change (settings or group detail, any section) of that setting going
 * On -> Off, compared case- and whitespace-insensitively. Floor: when the
 * parsed detail does not show it, Panther's own substring test is applied to
 * the raw text as written, so every event Panther matches still matches; all
 * other tolerance is the parser's, the same as every rule's.
 */

const SETTING_KEY = 'require that all meetings are secured with one security option';
const PANTHER_FLAG = 'Require that all meetings are secured with one security option: from On to Off';
function isRisky(change: SettingChange): boolean {
  return change.settingKey === SETTING_KEY && isOnToOff(change);
}

const base = {
  action: 'Update',
  category_type: 'Account',
  operator: 'example@example.io',
  time: '2022-12-16 18:15:38',
};
const TITLE = "Zoom User [example@example.io] turned off your organization's requirement to secure all meetings with one security option.";

const tests: RuleTest[] = [
  // Panther's own unit tests
  {
    name: 'Turn off (Panther)',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Security  - Require that all meetings are secured with one security option: from On to Off' },
  },
  {
    name: 'Turn on (Panther)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Require that all meetings are secured with one security option: from Off to On' },
  },
  {
    name: 'Non admin user update (Panther)',
    expectMatch: false,
    event: {
      action: 'Update',
      category_type: 'User',
      operation_detail: 'Update User example@example.io  - Job Title: set to Contractor',
      operator: 'homer@example.io',
    },
  },
  // Robustness
  {
    name: 'fires with a single space before the dash',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Security - Require that all meetings are secured with one security option: from On to Off' },
  },
  {
    name: 'fires with a trailing space',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Require that all meetings are secured with one security option: from On to Off ' },
  },
  {
    name: 'fires on lower-case on/off and a differently cased setting name',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Require That All Meetings Are Secured With One Security Option: from on to off' },
  },
  {
    name: 'fires with doubled inner spaces in the setting name',
    expectMatch: true,
    event: { ...base, operation_detail: 'Security  - Require that all  meetings are secured with one security option: from On  to Off' },
  },
  {
    name: 'fires when it is one of several changes in one event',
    expectMatch: true,
    event: {
      ...base,
      operation_detail: 'Security  - Waiting room: from Off to On - Require that all meetings are secured with one security option: from On to Off',
    },
  },
  {
    name: 'fires on upper-case UPDATE and lower-case category',
    expectMatch: true,
    event: { ...base, action: 'UPDATE', category_type: 'account', operation_detail: 'Security  - Require that all meetings are secured with one security option: from On to Off' },
  },
  // Near misses
  {
    name: 'does not fire on another setting turned off',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off' },
  },
  {
    name: 'does not fire on Off to On among several changes',
    expectMatch: false,
    event: {
      ...base,
      operation_detail: 'Security  - Waiting room: from On to Off - Require that all meetings are secured with one security option: from Off to On',
    },
  },
  {
    name: 'does not fire in category User',
    expectMatch: false,
    event: { ...base, category_type: 'User', operation_detail: 'Security  - Require that all meetings are secured with one security option: from On to Off' },
  },
  {
    name: 'does not fire on action Add',
    expectMatch: false,
    event: { ...base, action: 'Add', operation_detail: 'Security  - Require that all meetings are secured with one security option: from On to Off' },
  },
  {
    name: 'does not fire on action Delete',
    expectMatch: false,
    event: { ...base, action: 'Delete', operation_detail: 'Security  - Require that all meetings are secured with one security option: from On to Off' },
  },
  {
    name: 'does not fire without operation_detail',
    expectMatch: false,
    event: { ...base },
  },
];

export const allMeetingsSecuredWithOneOptionDisabledRule = defineRule({
  meta: {
    id: 'Zoom.All.Meetings.Secured.With.One.Option.Disabled',
    displayName: 'Zoom All Meetings Secured With One Option Disabled',
    logTypes: ['Zoom.Operation'],
    severity: 'MEDIUM',
    description: "A Zoom User turned off your organization's requirement that all meetings are secured with one security option.",
    runbook: 'Confirm this user acted with valid business intent and determine whether this activity was authorized.',
    reference: 'https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0059862',
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
    return `Zoom User [${operator(e)}] turned off your organization's requirement to secure all meetings with one security option.`;
  },
  alertContext(e) {
    return settingsAlertContext(e, changesOf(e.detail).filter(isRisky));
  },
  tests,
});
