import { describe, expect, it } from 'vitest';
import type { Rule } from '../../detect/rule.js';
import { RuleEvent } from '../../detect/rule-event.js';
import { allMeetingsSecuredWithOneOptionDisabledRule } from './all-meetings-secured-with-one-option-disabled.js';
import { automaticSignOutDisabledRule } from './automatic-sign-out-disabled.js';
import { newMeetingPasscodeRequiredDisabledRule } from './new-meeting-passcode-required-disabled.js';
import { passcodeDisabledRule } from './passcode-disabled.js';
import { signInMethodModifiedRule } from './sign-in-method-modified.js';
import { signInRequirementsChangedRule } from './sign-in-requirements-changed.js';
import { twoFactorAuthenticationDisabledRule } from './two-factor-authentication-disabled.js';
import { userPromotedToPrivilegedRoleRule } from './user-promoted-to-privileged-role.js';

/**
 * One parser behaviour for all rules: every Zoom rule reads changes through
 * the parsed `operation_detail`, so a way of writing the text that one rule
 * tolerates, every rule tolerates. Each rule's Panther positive (and its
 * reversed, negative form) is rewritten the same ways and must keep its result.
 */

interface Subject {
  rule: Rule;
  category: string;
  /** Panther's own positive example. */
  fires: string;
  /** The same change the other way round: never an alert. */
  quiet: string;
  onOff: boolean;
}

const subjects: Subject[] = [
  {
    rule: allMeetingsSecuredWithOneOptionDisabledRule,
    category: 'Account',
    fires: 'Security  - Require that all meetings are secured with one security option: from On to Off',
    quiet: 'Security  - Require that all meetings are secured with one security option: from Off to On',
    onOff: true,
  },
  {
    rule: automaticSignOutDisabledRule,
    category: 'Account',
    fires: 'Security  - Automatically sign users out after a specified time: from On to Off',
    quiet: 'Security  - Automatically sign users out after a specified time: from Off to On',
    onOff: true,
  },
  {
    rule: newMeetingPasscodeRequiredDisabledRule,
    category: 'Account',
    fires: 'Security  - Require a passcode when scheduling new meetings: from On to Off',
    quiet: 'Security  - Require a passcode when scheduling new meetings: from Off to On',
    onOff: true,
  },
  {
    rule: twoFactorAuthenticationDisabledRule,
    category: 'Account',
    fires: 'Security  - Sign in with Two-Factor Authentication: from On to Off',
    quiet: 'Security  - Sign in with Two-Factor Authentication: from Off to On',
    onOff: true,
  },
  {
    rule: signInMethodModifiedRule,
    category: 'Account',
    fires: 'Sign-in Methods  - Allow users to sign in with Google: from Off to On',
    quiet: 'Sign-in Methods  - Allow users to sign in with Google: from On to Off',
    onOff: true,
  },
  {
    rule: signInRequirementsChangedRule,
    category: 'Account',
    fires: 'Sign-In Password Requirement  - Include at least 1 letter: from On to Off',
    quiet: 'Sign-In Password Requirement  - Include at least 1 letter: from Off to On',
    onOff: true,
  },
  {
    rule: passcodeDisabledRule,
    category: 'User Group',
    fires: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off',
    quiet: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from Off to On',
    onOff: true,
  },
  {
    rule: userPromotedToPrivilegedRoleRule,
    category: 'User',
    fires: 'Change Role  - homer.simpson@duff.io: from Member to Admin',
    quiet: 'Change Role  - homer.simpson@duff.io: from Admin to Member',
    onOff: false,
  },
];

/** Rewrites of the separator after the header (`  - ` in Panther's examples). */
const separatorForms: Array<[string, (detail: string) => string]> = [
  ['as Panther writes it', (d) => d],
  ['with a trailing space', (d) => `${d} `],
  ['with a single space before the dash', (d) => d.replace('  - ', ' - ')],
  ['with no space after the dash (Security -Sign in ...)', (d) => d.replace('  - ', ' -')],
  ['with a double space and no space after the dash', (d) => d.replace('  - ', '  -')],
  ['with no space before the dash (Springfield- Personal ...)', (d) => d.replace('  - ', '- ')],
  ['with an en dash', (d) => d.replace('  - ', '  \u2013 ')],
  ['with an em dash', (d) => d.replace('  - ', ' \u2014 ')],
  ['with a tab before the dash', (d) => d.replace('  - ', '\t- ')],
];

function event(subject: Subject, detail: string): RuleEvent {
  return new RuleEvent({
    time: '2026-03-10 12:00:00',
    operator: 'admin@example.com',
    category_type: subject.category,
    action: 'Update',
    operation_detail: detail,
  });
}

describe('Zoom rules: one parser, the same tolerance for every rule', () => {
  for (const [form, rewrite] of separatorForms) {
    it(`every rule fires on its Panther example ${form}, and none on the reversed change`, () => {
      const fired = subjects.map((s) => [s.rule.meta.id, s.rule.rule(event(s, rewrite(s.fires)))]);
      expect(fired).toEqual(subjects.map((s) => [s.rule.meta.id, true]));
      const quiet = subjects.map((s) => [s.rule.meta.id, s.rule.rule(event(s, rewrite(s.quiet)))]);
      expect(quiet).toEqual(subjects.map((s) => [s.rule.meta.id, false]));
    });
  }

  it('every On/Off rule fires on lower-case on/off, and none on lower-case off/on', () => {
    const onOff = subjects.filter((s) => s.onOff);
    const lower = (d: string) => d.replace(/from (On|Off) to (On|Off)$/, (m) => m.toLowerCase());
    expect(onOff.map((s) => [s.rule.meta.id, s.rule.rule(event(s, lower(s.fires)))])).toEqual(onOff.map((s) => [s.rule.meta.id, true]));
    expect(onOff.map((s) => [s.rule.meta.id, s.rule.rule(event(s, lower(s.quiet)))])).toEqual(onOff.map((s) => [s.rule.meta.id, false]));
  });

  it('no rule reaches past the parser with a loose text match of its own: a form the parser does not read is read alike by all', () => {
    // Lower case (so Panther's case-sensitive tests do not apply) and a trailing
    // remark the parser folds into the value ("off - via api" is not "off"):
    // not a change to Off for any rule, rather than for some rules only.
    const onOff = subjects.filter((s) => s.onOff);
    const unreadable = (d: string) => `${d.toLowerCase()} - via api`;
    expect(onOff.map((s) => [s.rule.meta.id, s.rule.rule(event(s, unreadable(s.fires)))])).toEqual(onOff.map((s) => [s.rule.meta.id, false]));
  });
});
