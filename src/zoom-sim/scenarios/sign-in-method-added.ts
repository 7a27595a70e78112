import { accountUpdate, type DetectionScenario, type PantherZoomRuleId } from './detection-scenario.js';

const RULE: PantherZoomRuleId = 'Zoom.Sign.In.Method.Modified';

/** The account allows a new way to sign in (Google, Apple ID, Microsoft...). */
export const signInMethodAdded: DetectionScenario = {
  triggers: [
    accountUpdate(RULE, 'Sign-in Methods  - Allow users to sign in with Google: from Off to On'),
    accountUpdate(RULE, 'Sign-in Methods  - Allow users to sign in with Apple ID: from Off to On ', {
      note: 'trailing space; Panther matches substrings, so it still fires',
    }),
    accountUpdate(RULE, 'Sign-in Methods - Allow users to sign in with Microsoft: from Off to On', {
      variant: true,
      note: 'one space before the dash; Panther looks for two',
    }),
  ],
  nearMisses: [
    accountUpdate(RULE, 'Sign-in Methods  - Allow users to sign in with Google: from On to Off', {
      note: 'a sign-in method removed, not added',
    }),
  ],
};
