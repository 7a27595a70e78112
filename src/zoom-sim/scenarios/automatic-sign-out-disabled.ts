import { accountUpdate, type DetectionScenario, type PantherZoomRuleId } from './detection-scenario.js';

const RULE: PantherZoomRuleId = 'Zoom.Automatic.Sign.Out.Disabled';

/** The account stops signing users out after a specified time. */
export const automaticSignOutDisabled: DetectionScenario = {
  triggers: [
    accountUpdate(RULE, 'Security  - Automatically sign users out after a specified time: from On to Off'),
    accountUpdate(RULE, 'Security  - Automatically sign users out after a specified time: from On to Off ', {
      note: 'trailing space; Panther matches a substring, so it still fires',
    }),
  ],
  nearMisses: [
    accountUpdate(RULE, 'Security  - Automatically sign users out after a specified time: from Off to On', {
      note: 'turned on, not off',
    }),
  ],
};
