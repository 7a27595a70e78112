import type { Rule } from '../detect/rule.js';
import { newUserAccountCreatedRule } from './standard/new-user-account-created.js';
import { allMeetingsSecuredWithOneOptionDisabledRule } from './zoom/all-meetings-secured-with-one-option-disabled.js';
import { automaticSignOutDisabledRule } from './zoom/automatic-sign-out-disabled.js';
import { newMeetingPasscodeRequiredDisabledRule } from './zoom/new-meeting-passcode-required-disabled.js';
import { passcodeDisabledRule } from './zoom/passcode-disabled.js';
import { signInMethodModifiedRule } from './zoom/sign-in-method-modified.js';
import { signInRequirementsChangedRule } from './zoom/sign-in-requirements-changed.js';
import { twoFactorAuthenticationDisabledRule } from './zoom/two-factor-authentication-disabled.js';
import { userPromotedToPrivilegedRoleRule } from './zoom/user-promoted-to-privileged-role.js';
import { massUserRemovalRule } from './zoom/mass-user-removal.js';
import { passwordPolicyWeakenedRule } from './zoom/password-policy-weakened.js';
import { privilegeThenWeakeningRule } from './zoom/privilege-then-weakening.js';
import { settingsStormRule } from './zoom/settings-storm.js';
import { signInBurstRule } from './zoom/sign-in-burst.js';
import { signInDormantAccountRule } from './zoom/sign-in-dormant-account.js';
import { signInImpossibleTravelRule } from './zoom/sign-in-impossible-travel.js';
import { signInNewAsnRule } from './zoom/sign-in-new-asn.js';
import { signInNewCountryRule } from './zoom/sign-in-new-country.js';
import { signInSharedSourceIpRule } from './zoom/sign-in-shared-source-ip.js';
import { sourceCredentialsChangedRule } from './zoomtrail/source-credentials-changed.js';

/** Every detection Zoomtrail ships, listed explicitly (no directory scanning). */
export const RULES: readonly Rule[] = [
  allMeetingsSecuredWithOneOptionDisabledRule,
  automaticSignOutDisabledRule,
  newMeetingPasscodeRequiredDisabledRule,
  passcodeDisabledRule,
  signInMethodModifiedRule,
  signInRequirementsChangedRule,
  twoFactorAuthenticationDisabledRule,
  userPromotedToPrivilegedRoleRule,
  newUserAccountCreatedRule,
  // Operation volumes and policy (per-event rules with Panther thresholds)
  massUserRemovalRule,
  settingsStormRule,
  passwordPolicyWeakenedRule,
  // Zoomtrail's own audit trail (log type Zoomtrail.Audit)
  sourceCredentialsChangedRule,
  // History rules (HistoryRule: evaluated by HistoryDetector once their history is proven)
  signInNewCountryRule,
  signInImpossibleTravelRule,
  signInNewAsnRule,
  signInBurstRule,
  signInDormantAccountRule,
  signInSharedSourceIpRule,
  privilegeThenWeakeningRule,
];

/** Rule id prefix -> folder below `src/rules/`. */
const FOLDERS: ReadonlyMap<string, string> = new Map([
  ['Zoom', 'zoom'],
  ['Standard', 'standard'],
  ['Zoomtrail', 'zoomtrail'],
]);

const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])/g;
const ACRONYM_BOUNDARY = /([A-Z]+)([A-Z][a-z])/g;

/**
 * The module file of a rule, relative to the repository root: the prefix
 * (`Zoom.`, `Standard.`) picks the folder; the rest, split on dots and
 * camelCase into words, kebab-cased lower, names the file.
 *
 * @example ruleFilePath('Zoom.PasscodeDisabled') === 'src/rules/zoom/passcode-disabled.ts'
 * @example ruleFilePath('Standard.NewUserAccountCreated') === 'src/rules/standard/new-user-account-created.ts'
 */
export function ruleFilePath(id: string): string {
  const dot = id.indexOf('.');
  const folder = dot > 0 ? FOLDERS.get(id.slice(0, dot)) : undefined;
  if (folder === undefined || dot === id.length - 1) throw new Error(`unknown rule id prefix: ${id}`);
  const words = id
    .slice(dot + 1)
    .split('.')
    .flatMap((part) => part.replace(ACRONYM_BOUNDARY, '$1-$2').replace(CAMEL_BOUNDARY, '$1-$2').split('-'))
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
  return `src/rules/${folder}/${words.join('-')}.ts`;
}

const BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.meta.id, rule]));

/** The rule with this id, or undefined. */
export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}
