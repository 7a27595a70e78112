import { defineRule, type RuleTest } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import type { SettingChange } from '../../normalize/operation-detail-parser.js';
import { isCategory, isOnToOff, isUpdateAction, operatorOf as operator } from './zoom-rule-helpers.js';

/**
 * Zoom.PasscodeDisabled ("Zoom Meeting Passcode Disabled")
 *
 * Panther: category exactly `User Group`, action exactly `Update` (through its
 * helper); the text between the first and second `-` of `operation_detail`
 * (meant to be the FIRST change) contains "Passcode" and "On to Off", as
 * written. Title: "Group <name> passcode requirement disabled by <operator>",
 * the name being the words before the first `-` after the verb and "Group".
 *
 * Ours (decision): category `user group`, an action containing `update` (any
 * case), a group detail, and ANY of its parsed changes whose setting mentions
 * "passcode" (any case) going On -> Off: a passcode switched off as the second
 * or third change of one edit is the same risk, and Panther's split on every
 * `-` also breaks on group names with a hyphen. The parser separates changes
 * at en dashes too, so `Waiting Room: from On to Off – Meeting passcode: from
 * Off to On` is two changes and no alert.
 *
 * Floor: Panther's own first-piece test, exactly as Panther applies it (case-
 * sensitive), so every event Panther alerts on still alerts, including
 * Panther's own false positive when an en dash hides a second change whose
 * name has a capital "Passcode".
 *
 * Title: the parsed group name when the parser read the changes; otherwise
 * (the alert comes from the floor) Panther's group name, never the whole text.
 */

const NO_CHANGES: readonly SettingChange[] = [];

function isRisky(change: SettingChange): boolean {
  return change.settingKey.includes('passcode') && isOnToOff(change);
}

function riskyChanges(e: RuleEvent): readonly SettingChange[] {
  const detail = e.detail;
  return detail.kind === 'group' ? detail.changes.filter(isRisky) : NO_CHANGES;
}

/** Panther's reading: the first `-`-separated piece after the header, as written. */
function pantherFirstChangeMatches(raw: string): boolean {
  const change = raw.split('-')[1];
  return change !== undefined && change.includes('Passcode') && change.includes('On to Off');
}

/** Panther's group name: the words of the text before the first `-`, after the verb and "Group". */
function pantherGroupName(raw: string): string {
  return (raw.split('-')[0] ?? '').split(/\s+/).filter(Boolean).slice(2).join(' ');
}

function groupName(e: RuleEvent): string {
  const detail = e.detail;
  return detail.kind === 'group' && detail.changes.length > 0 ? detail.group : pantherGroupName(e.text('operation_detail'));
}

const base = {
  time: '2021-11-17 00:37:24Z',
  operator: 'homer@panther.io',
  category_type: 'User Group',
  action: 'Update',
  p_log_type: 'Zoom.Operation',
};
const TITLE = 'Group Springfield passcode requirement disabled by homer@panther.io';

const tests: RuleTest[] = [
  // Panther's own unit tests
  {
    name: 'Meeting Passcode Disabled (Panther)',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off' },
  },
  {
    name: 'Meeting Passcode Enabled (Panther)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from Off to On' },
  },
  {
    name: 'Add User Group (Panther)',
    expectMatch: false,
    event: { ...base, action: 'Add', operation_detail: 'Add Group Engineers' },
  },
  // Robustness
  {
    name: 'fires with a single space before the dash',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Edit Group Springfield - Personal Meeting ID (PMI) Passcode: from On to Off' },
  },
  {
    name: 'fires with a trailing space',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off ' },
  },
  {
    name: 'fires on lower-case on/off and a lower-case "passcode"',
    expectMatch: true,
    event: { ...base, operation_detail: 'Edit Group Springfield  - Personal meeting ID (PMI) passcode: from on to off' },
  },
  {
    name: 'fires when the passcode change is not the first change (Panther checks only the first)',
    expectMatch: true,
    expectTitle: TITLE,
    event: {
      ...base,
      operation_detail: 'Edit Group Springfield  - Waiting room: from Off to On - Require a passcode when scheduling new meetings: from On to Off',
    },
  },
  {
    name: 'fires on a group name with a hyphen, title keeps the whole name',
    expectMatch: true,
    expectTitle: 'Group Sales-EMEA passcode requirement disabled by homer@panther.io',
    event: { ...base, operation_detail: 'Edit Group Sales-EMEA  - Personal Meeting ID (PMI) Passcode: from On to Off' },
  },
  {
    name: 'fires on upper-case UPDATE',
    expectMatch: true,
    event: { ...base, action: 'UPDATE', operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off' },
  },
  {
    name: 'title names the group when no space stands before the dash (Springfield- Personal ...)',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Edit Group Springfield- Personal Meeting ID (PMI) Passcode: from On to Off' },
  },
  {
    name: 'title names the group, not the whole text, when the change cannot be parsed (Panther floor)',
    expectMatch: true,
    expectTitle: TITLE,
    event: { ...base, operation_detail: 'Edit Group Springfield - Personal Meeting ID (PMI) Passcode: On to Off' },
  },
  {
    name: "fires where Panther fires: an en dash hides a second change with a capital 'Passcode' (Panther's false positive, kept as the floor)",
    expectMatch: true,
    expectTitle: TITLE,
    event: {
      ...base,
      operation_detail: 'Edit Group Springfield  - Waiting Room: from On to Off \u2013 Meeting Passcode: from Off to On',
    },
  },
  // Near misses
  {
    name: 'does not fire when changes are separated by an en dash and the passcode goes Off to On',
    expectMatch: false,
    event: {
      ...base,
      operation_detail: 'Edit Group Springfield  - Waiting Room: from On to Off \u2013 Meeting passcode: from Off to On',
    },
  },
  {
    name: 'does not fire when another setting goes On to Off and the passcode goes Off to On',
    expectMatch: false,
    event: {
      ...base,
      operation_detail: 'Edit Group Springfield  - Waiting room: from On to Off - Personal Meeting ID (PMI) Passcode: from Off to On',
    },
  },
  {
    name: 'does not fire on another group setting turned off',
    expectMatch: false,
    event: { ...base, operation_detail: 'Edit Group Springfield  - Waiting room: from On to Off' },
  },
  {
    name: 'does not fire in category User',
    expectMatch: false,
    event: { ...base, category_type: 'User', operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off' },
  },
  {
    name: 'does not fire in category Account',
    expectMatch: false,
    event: { ...base, category_type: 'Account', operation_detail: 'Security  - Require a passcode when scheduling new meetings: from On to Off' },
  },
  {
    name: 'does not fire on action Delete',
    expectMatch: false,
    event: { ...base, action: 'Delete', operation_detail: 'Delete Group Springfield' },
  },
];

export const passcodeDisabledRule = defineRule({
  meta: {
    id: 'Zoom.PasscodeDisabled',
    displayName: 'Zoom Meeting Passcode Disabled',
    logTypes: ['Zoom.Operation'],
    severity: 'LOW',
    description: 'Meeting passcode requirement has been disabled from usergroup',
    runbook: "Follow up with user or Zoom admin to ensure this meeting room's use case does not allow a passcode.",
    reference: 'https://support.zoom.us/hc/en-us/articles/360033559832-Zoom-Meeting-and-Webinar-passcodes',
    tags: ['Zoom', 'Collection:Video Capture'],
    mitre: ['TA0009:T1125'],
    summaryAttributes: ['p_any_emails'],
    dedupPeriodMinutes: 60,
    threshold: 1,
  },
  rule(e) {
    if (!isCategory(e, 'User Group') || !isUpdateAction(e)) return false;
    if (riskyChanges(e).length > 0) return true;
    return pantherFirstChangeMatches(e.text('operation_detail'));
  },
  title(e) {
    return `Group ${groupName(e)} passcode requirement disabled by ${operator(e)}`;
  },
  alertContext(e) {
    return {
      operator: e.text('operator'),
      group: groupName(e),
      changes: riskyChanges(e).map((c) => ({ setting: c.setting, from: c.from, to: c.to })),
    };
  },
  tests,
});
