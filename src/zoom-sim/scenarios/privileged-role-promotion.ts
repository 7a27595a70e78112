import type { DetectionScenario, PantherZoomRuleId } from './detection-scenario.js';

const RULE: PantherZoomRuleId = 'Zoom.User.Promoted.to.Privileged.Role';

/** A user is promoted to a privileged role (Admin, Billing Admin, Co-Owner, Owner). */
export const privilegedRolePromotion: DetectionScenario = {
  triggers: [
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Change Role  - jordan.lee@example.com: from Member to Admin',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Batch Update',
      operation_detail: 'Change Role  - priya.patel@example.com: from Member to Co-Owner',
      note: 'Panther tests for "Update" in the action, so Batch Update fires',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'SCIM API - Update',
      operation_detail: 'Change Role  - noah.kim@example.com: from Member to Billing Admin',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Change Role  - sara.costa@example.com: from Auditors to Owner',
      note: 'a custom role is not privileged',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Change Role - lucas.silva@example.com: from Member to Admin',
      note: 'one space before the dash; Panther only checks the "Change Role" prefix, so it still fires',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Change Role  - jordan.lee@example.com: from Member to Admin ',
      variant: true,
      note: 'trailing space; Panther reads the new role as "Admin "',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Batch Update',
      operation_detail: 'Change Role  - mei.tanaka@example.com: from Member to Co-Owner ',
      variant: true,
      note: 'Batch Update with a trailing space; Panther reads the new role as "Co-Owner "',
    },
  ],
  nearMisses: [
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Change Role  - omar.hansen@example.com: from Admin to Owner',
      note: 'Admin is already privileged',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Batch Update',
      operation_detail: 'Change Role  - omar.hansen@example.com: from Admin to Billing Admin',
      note: 'Admin is already privileged',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Batch Update',
      operation_detail: 'Change Role  - grace.wong@example.com: from Co-Owner to Admin',
      note: 'Co-Owner is already privileged',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Change Role  - grace.wong@example.com: from Admin to Member',
      note: 'a demotion',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Change Role  - theo.weber@example.com: from Member to Auditors',
      note: 'a custom role is not privileged',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'SCIM API - Update',
      operation_detail: 'Edit User theo.weber@example.com  - Change Type: from Basic to Licensed',
      note: 'a license change, not a role change',
    },
    {
      ruleId: RULE,
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Update User zara.nguyen@example.com  - Department: set to Admin',
      note: '"to Admin" names a department here',
    },
  ],
};
