import { accountUpdate, type DetectionScenario, type PantherZoomRuleId } from './detection-scenario.js';

const RULE: PantherZoomRuleId = 'Zoom.Sign.In.Requirements.Changed';

/** The account drops sign-in password requirements. */
export const signInRequirementsWeakened: DetectionScenario = {
  triggers: [
    accountUpdate(
      RULE,
      'Sign-In Password Requirement  - Include at least 1 letter: from On to Off - Include at least 1 number: from On to Off - Include both uppercase and lowercase characters: from On to Off',
    ),
    accountUpdate(RULE, 'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 special character: from On to Off ', {
      note: 'a numeric change first and a trailing space; Panther matches substrings, so it still fires',
    }),
  ],
  nearMisses: [
    accountUpdate(RULE, 'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 letter: from Off to On', {
      note: 'requirements tightened',
    }),
  ],
};
