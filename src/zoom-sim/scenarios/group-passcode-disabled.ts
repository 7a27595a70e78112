import type { DetectionScenario, PantherZoomRuleId } from './detection-scenario.js';

const RULE: PantherZoomRuleId = 'Zoom.PasscodeDisabled';

/** A user group stops requiring a Personal Meeting ID (PMI) passcode. */
export const groupPasscodeDisabled: DetectionScenario = {
  triggers: [
    {
      ruleId: RULE,
      category_type: 'User Group',
      action: 'Update',
      operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off',
    },
    {
      ruleId: RULE,
      category_type: 'User Group',
      action: 'Update',
      operation_detail: 'Edit Group Engineers  - Personal Meeting ID (PMI) Passcode: from On to Off ',
      note: 'trailing space; Panther strips the change, so it still fires',
    },
    {
      ruleId: RULE,
      category_type: 'User Group',
      action: 'Update',
      operation_detail: 'Edit Group Sales-EMEA  - Personal Meeting ID (PMI) Passcode: from On to Off',
      variant: true,
      note: 'hyphen in the group name; Panther splits the detail on every "-"',
    },
    {
      ruleId: RULE,
      category_type: 'User Group',
      action: 'Update',
      operation_detail: 'Edit Group Contractors  - Join before host: from Off to On - Personal Meeting ID (PMI) Passcode: from On to Off ',
      variant: true,
      note: 'passcode is the second change; Panther only reads the first',
    },
  ],
  nearMisses: [
    {
      ruleId: RULE,
      category_type: 'User Group',
      action: 'Update',
      operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from Off to On',
      note: 'turned on, not off',
    },
    {
      ruleId: RULE,
      category_type: 'User Group',
      action: 'Add',
      operation_detail: 'Add Group Engineers',
      note: 'a new group, no setting change',
    },
    {
      ruleId: RULE,
      category_type: 'User Group',
      action: 'Update',
      operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from Off to On - Join before host: from On to Off ',
      note: 'passcode turned on; the setting turned off is another one',
    },
  ],
};
