import { accountUpdate, type DetectionScenario, type PantherZoomRuleId } from './detection-scenario.js';

const RULE: PantherZoomRuleId = 'Zoom.Two.Factor.Authentication.Disabled';
const TWO_FACTOR_OFF = 'Security  - Sign in with Two-Factor Authentication: from On to Off';

/** The account stops requiring two-factor authentication at sign-in. */
export const twoFactorDisabled: DetectionScenario = {
  triggers: [
    accountUpdate(RULE, TWO_FACTOR_OFF),
    accountUpdate(RULE, 'Security - Sign in with Two-Factor Authentication: from On to Off', {
      variant: true,
      note: 'one space before the dash; Panther compares the whole detail',
    }),
    accountUpdate(RULE, `${TWO_FACTOR_OFF} `, {
      variant: true,
      note: 'trailing space; Panther compares the whole detail',
    }),
    accountUpdate(RULE, `${TWO_FACTOR_OFF} - Only authenticated users can join meetings: from On to Off`, {
      variant: true,
      note: 'joined with a second change; Panther compares the whole detail',
    }),
  ],
  nearMisses: [
    accountUpdate(RULE, 'Security  - Sign in with Two-Factor Authentication: from Off to On', {
      note: 'turned on, not off',
    }),
  ],
};
