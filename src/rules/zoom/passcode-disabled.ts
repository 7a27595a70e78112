import { defineRule, type RuleTest } from '../../detect/rule.js';
import { looseKey, type RuleEvent } from '../../detect/rule-event.js';
import type { SettingChange } from '../../normalize/operation-detail-parser.js';
import { operatorOf as operator } from './zoom-rule-helpers.js';

/**
 * Zoom.PasscodeDisabled ("Zoom Meeting Passcode Disabled")
 *
 * Panther: category `User Group` (action Update, through its helper); the text
 * between the first and second `-` of `operation_detail` (the FIRST change)
 * contains "Passcode" and "On to Off". Title: "Group <name> passcode
 * requirement disabled by <operator>".
 *
 * Ours (decision): category `user group`, an action containing `update` (any
 * case), a group detail, and ANY of its changes whose setting mentions
 * "passcode" (any case) going On -> Off: a passcode switched off as the
 * second or third change of one edit is the same risk, and Panther's split on
 * every `-` also breaks on group names with a hyphen. Floor: when the parsed
 * detail does not show it, Panther's own first-segment test is applied
 * (case-insensitively), so every event Panther matches still matches.
 */

const NO_CHANGES: readonly SettingChange[] = [];

function isRisky(change: SettingChange): boolean {
  return change.settingKey.includes('passcode') && change.from.toLowerCase() === 'on' && change.to.toLowerCase() === 'off';
}

function riskyChanges(e: RuleEvent): readonly SettingChange[] {
  const detail = e.detail;
  return detail.kind === 'group' ? detail.changes.filter(isRisky) : NO_CHANGES;
}

function isGroupUpdate(e: RuleEvent): boolean {
  const category = e.text('category_type');
  if (category !== 'User Group' && looseKey(category) !== 'user group') return false;
  const action = e.text('action');
  return action === 'Update' || looseKey(action).includes('update');
}

/** Panther's reading: the first `-`-separated piece after the header. */
function pantherFirstChangeMatches(raw: string): boolean {
  const parts = raw.split('-');
  const change = parts[1];
  if (change === undefined) return false;
  const key = looseKey(change);
  return key.includes('passcode') && key.includes('on to off');
}

/** Panther's group name: the words of the text before the first `-`, after the verb and "Group". */
function pantherGroupName(raw: string): string {
  return (raw.split('-')[0] ?? '').split(/\s+/).filter(Boolean).slice(2).join(' ');
}

function groupName(e: RuleEvent): string {
  const detail = e.detail;
  return detail.kind === 'group' ? detail.group : pantherGroupName(e.text('operation_detail'));
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
      operation_detail:
        'Edit Group Springfield  - Waiting room: from Off to On - Require a passcode when scheduling new meetings: from On to Off',
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
  // Near misses
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
    if (!isGroupUpdate(e)) return false;
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
