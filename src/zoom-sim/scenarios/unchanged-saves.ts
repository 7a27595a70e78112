import { accountUpdate, type DetectionScenario, type PantherZoomRuleId } from './detection-scenario.js';

const RULE_TWO_FACTOR: PantherZoomRuleId = 'Zoom.Two.Factor.Authentication.Disabled';
const RULE_SIGN_IN_REQUIREMENTS: PantherZoomRuleId = 'Zoom.Sign.In.Requirements.Changed';

/**
 * Settings saved with the value they already had ("from Off to Off"): a
 * watched setting is named, nothing was turned off.
 */
export const unchangedSaves: DetectionScenario = {
  triggers: [],
  nearMisses: [
    accountUpdate(RULE_TWO_FACTOR, 'Security  - Sign in with Two-Factor Authentication: from Off to Off', {
      note: 'saved while already off: nothing was turned off',
    }),
    accountUpdate(RULE_SIGN_IN_REQUIREMENTS, 'Sign-In Password Requirement  - Include at least 1 number: from Off to Off ', {
      note: 'saved while already off: no requirement was dropped',
    }),
  ],
};
