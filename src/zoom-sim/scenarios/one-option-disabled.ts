import { accountUpdate, type DetectionScenario, type PantherZoomRuleId } from './detection-scenario.js';

const RULE: PantherZoomRuleId = 'Zoom.All.Meetings.Secured.With.One.Option.Disabled';

/**
 * The account stops requiring that every meeting is secured with one security
 * option.
 */
export const oneOptionDisabled: DetectionScenario = {
  triggers: [
    accountUpdate(RULE, 'Security  - Require that all meetings are secured with one security option: from On to Off'),
    accountUpdate(RULE, 'Security  - Waiting Room: from On to Off - Require that all meetings are secured with one security option: from On to Off ', {
      note: 'several changes and a trailing space; Panther matches a substring, so it still fires',
    }),
  ],
  nearMisses: [
    accountUpdate(RULE, 'Security  - Require that all meetings are secured with one security option: from Off to On', {
      note: 'turned on, not off',
    }),
  ],
};
