import { accountUpdate, type DetectionScenario, type PantherZoomRuleId } from './detection-scenario.js';

const RULE: PantherZoomRuleId = 'Zoom.New.Meeting.Passcode.Required.Disabled';
const NEW_MEETING_PASSCODE_OFF = 'Security  - Require a passcode when scheduling new meetings: from On to Off';

/** The account stops requiring a passcode when new meetings are scheduled. */
export const newMeetingPasscodeDisabled: DetectionScenario = {
  triggers: [
    accountUpdate(RULE, NEW_MEETING_PASSCODE_OFF),
    accountUpdate(RULE, 'Security - Require a passcode when scheduling new meetings: from On to Off', {
      variant: true,
      note: 'one space before the dash; Panther compares the whole detail',
    }),
    accountUpdate(RULE, `${NEW_MEETING_PASSCODE_OFF} `, {
      variant: true,
      note: 'trailing space; Panther compares the whole detail',
    }),
    accountUpdate(RULE, `${NEW_MEETING_PASSCODE_OFF} - Require a passcode for instant meetings: from On to Off`, {
      variant: true,
      note: 'joined with a second change; Panther compares the whole detail',
    }),
  ],
  nearMisses: [
    accountUpdate(RULE, 'Security  - Require a passcode when scheduling new meetings: from Off to On', {
      note: 'turned on, not off',
    }),
    accountUpdate(RULE, 'Security  - Require a passcode for instant meetings: from On to Off', {
      note: 'instant meetings, not new scheduled meetings',
    }),
  ],
};
