import { defineRule, type RuleTest } from '../../detect/rule.js';
import { type RuleEvent } from '../../detect/rule-event.js';
import type { SettingChange } from '../../normalize/operation-detail-parser.js';
import { isAccountUpdate, operatorOf as operator, rawDetailIncludes } from './zoom-rule-helpers.js';

/**
 * Zoom.Sign.In.Method.Modified
 *
 * Panther: Account / Update, `operation_detail` starts with
 * "Sign-in Methods  - Allow users to sign in with " and ends with
 * "from Off to On" (earlier versions: contains both). Title names the service:
 * the text between the first "with" and the next ":".
 *
 * Ours: category `account`, an action containing `update` (any case), a
 * settings detail in section `sign-in methods`, and ANY change whose setting
 * starts with "allow users to sign in with " going Off -> On (case- and
 * whitespace-insensitive). Floor: Panther's older, wider test (both texts
 * anywhere) on the raw text as written, so every event Panther matches still
 * matches; all other tolerance is the parser's, the same as every rule's.
 */

const SECTION_KEY = 'sign-in methods';
const SETTING_PREFIX = 'allow users to sign in with ';
const PANTHER_FLAG = 'Sign-in Methods  - Allow users to sign in with ';
const PANTHER_SETTING_FLAG = 'from Off to On';
const NO_CHANGES: readonly SettingChange[] = [];

function isRisky(change: SettingChange): boolean {
  return (
    change.settingKey.startsWith(SETTING_PREFIX) && change.settingKey.length > SETTING_PREFIX.length && change.from.toLowerCase() === 'off' && change.to.toLowerCase() === 'on'
  );
}

function riskyChanges(e: RuleEvent): readonly SettingChange[] {
  const detail = e.detail;
  if (detail.kind !== 'settings' || detail.sectionKey !== SECTION_KEY) return NO_CHANGES;
  return detail.changes.filter(isRisky);
}

/** The sign-in service as written ("Google", "Apple ID", ...). */
function serviceOf(change: SettingChange): string {
  return change.setting.slice(SETTING_PREFIX.length).trim();
}

/** Panther's title extraction: text after the first "with", up to the next ":". */
function pantherService(raw: string): string {
  const afterWith = raw.split('with')[1];
  return afterWith === undefined ? '' : (afterWith.split(':')[0] ?? '').trim();
}

function services(e: RuleEvent): string[] {
  return riskyChanges(e).map(serviceOf);
}

const base = {
  action: 'Update',
  category_type: 'Account',
  operator: 'example@example.io',
  time: '2022-12-16 18:20:07',
};
const title = (service: string) => `Zoom User [example@example.io] modified your organization's sign in methods to allow users to sign in with [${service}].`;

const tests: RuleTest[] = [
  // Panther's own unit tests
  {
    name: 'Google (Panther)',
    expectMatch: true,
    expectTitle: title('Google'),
    event: { ...base, operation_detail: 'Sign-in Methods  - Allow users to sign in with Google: from Off to On' },
  },
  {
    name: 'Apple ID (Panther)',
    expectMatch: true,
    expectTitle: title('Apple ID'),
    event: { ...base, time: '2022-12-16 18:19:57', operation_detail: 'Sign-in Methods  - Allow users to sign in with Apple ID: from Off to On' },
  },
  {
    name: 'Automatic Sign Out Disabled (Panther)',
    expectMatch: false,
    event: { ...base, time: '2022-12-16 18:20:42', operation_detail: 'Security  - Automatically sign users out after a specified time: from On to Off' },
  },
  // Robustness
  {
    name: 'fires with a single space before the dash',
    expectMatch: true,
    expectTitle: title('Facebook'),
    event: { ...base, operation_detail: 'Sign-in Methods - Allow users to sign in with Facebook: from Off to On' },
  },
  {
    name: "fires with a trailing space (Panther's endswith misses it)",
    expectMatch: true,
    expectTitle: title('SSO'),
    event: { ...base, operation_detail: 'Sign-in Methods  - Allow users to sign in with SSO: from Off to On ' },
  },
  {
    name: 'fires on lower-case off/on and a differently cased section',
    expectMatch: true,
    expectTitle: title('Google'),
    event: { ...base, operation_detail: 'Sign-In methods  - Allow Users To Sign In With Google: from off to on' },
  },
  {
    name: 'fires when the enabled method is not the first change, title names it',
    expectMatch: true,
    expectTitle: title('Apple ID'),
    event: {
      ...base,
      operation_detail: 'Sign-in Methods  - Allow users to sign in with Google: from On to Off - Allow users to sign in with Apple ID: from Off to On',
    },
  },
  {
    name: 'fires on action Batch Update',
    expectMatch: true,
    event: { ...base, action: 'Batch Update', operation_detail: 'Sign-in Methods  - Allow users to sign in with Google: from Off to On' },
  },
  // Near misses
  {
    name: 'does not fire on On to Off (a method removed)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Sign-in Methods  - Allow users to sign in with Google: from On to Off' },
  },
  {
    name: 'does not fire on the same text in another section',
    expectMatch: false,
    event: { ...base, operation_detail: 'Security  - Allow users to sign in with Google: from Off to On' },
  },
  {
    name: 'does not fire on another sign-in methods setting',
    expectMatch: false,
    event: { ...base, operation_detail: 'Sign-in Methods  - Only allow users with specified domains: from Off to On' },
  },
  {
    name: 'does not fire in category User',
    expectMatch: false,
    event: { ...base, category_type: 'User', operation_detail: 'Sign-in Methods  - Allow users to sign in with Google: from Off to On' },
  },
  {
    name: 'does not fire on action Add',
    expectMatch: false,
    event: { ...base, action: 'Add', operation_detail: 'Sign-in Methods  - Allow users to sign in with Google: from Off to On' },
  },
  {
    name: 'does not fire on action Delete',
    expectMatch: false,
    event: { ...base, action: 'Delete', operation_detail: 'Sign-in Methods  - Allow users to sign in with Google: from Off to On' },
  },
];

export const signInMethodModifiedRule = defineRule({
  meta: {
    id: 'Zoom.Sign.In.Method.Modified',
    displayName: 'Zoom Sign In Method Modified',
    logTypes: ['Zoom.Operation'],
    severity: 'MEDIUM',
    description: 'A Zoom User modified your organizations sign in method.',
    runbook: 'Confirm this user acted with valid business intent and determine whether this activity was authorized.',
    reference: 'https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0067602#:~:text=Go%20to%20the%20Zoom%20site,click%20Link%20and%20Sign%20In',
    dedupPeriodMinutes: 60,
    threshold: 1,
  },
  rule(e) {
    if (!isAccountUpdate(e)) return false;
    if (riskyChanges(e).length > 0) return true;
    return rawDetailIncludes(e, PANTHER_FLAG, PANTHER_SETTING_FLAG);
  },
  title(e) {
    const service = services(e)[0] ?? pantherService(e.text('operation_detail'));
    return `Zoom User [${operator(e)}] modified your organization's sign in methods to allow users to sign in with [${service}].`;
  },
  alertContext(e) {
    return {
      operator: e.text('operator'),
      services: services(e),
      changes: riskyChanges(e).map((c) => ({ setting: c.setting, from: c.from, to: c.to })),
    };
  },
  tests,
});
