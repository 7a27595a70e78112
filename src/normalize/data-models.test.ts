import { describe, expect, it } from 'vitest';
import { OPERATION_EVENT_TYPES, zoomActivityDataModel, zoomOperationDataModel } from './data-models.js';

describe('zoomActivityDataModel', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'sign in with an IP',
      { email: 'Alice@example.com', time: 't', type: 'Sign in', ip_address: '198.51.100.7' },
      { actor_user: 'Alice@example.com', source_ip: '198.51.100.7', event_type: 'successful_login' },
    ],
    ['sign out without an IP', { email: 'bob@example.com', time: 't', type: 'Sign out' }, { actor_user: 'bob@example.com', event_type: 'successful_logout' }],
    ['other type', { email: 'c@example.com', type: 'Sign-in failed' }, { actor_user: 'c@example.com' }],
    ['type in lower case', { email: 'c@example.com', type: 'sign in' }, { actor_user: 'c@example.com' }],
    ['no type', { email: 'c@example.com' }, { actor_user: 'c@example.com' }],
    ['null and empty values', { email: 'c@example.com', ip_address: null, type: '' }, { actor_user: 'c@example.com' }],
    ['nothing', {}, {}],
    ['a type named like an Object method', { type: 'constructor' }, {}],
  ])('%s', (_, event, expected) => {
    expect(zoomActivityDataModel(event)).toEqual(expected);
  });
});

describe('zoomOperationDataModel', () => {
  const op = (categoryType: unknown, action: unknown, detail?: unknown): Record<string, unknown> => ({
    time: '2019-09-15T19:13:41.000Z',
    operator: 'admin@example.com',
    category_type: categoryType,
    action,
    ...(detail === undefined ? {} : { operation_detail: detail }),
  });

  it.each<[unknown, unknown, unknown, string | undefined]>([
    // Every row of the mapping.
    ['User', 'Add', 'Add User someone@example.com  - User Type: Basic ', 'user_account_created'],
    ['User', 'Delete', 'Delete User someone@example.com ', 'user_account_deleted'],
    ['User', 'Update', 'Change Role  - someone@example.com: from Member to Admin ', 'admin_role_assigned'],
    ['User', 'Update', 'Update User someone@example.com  - Job Title: set to Contractor', 'user_account_modified'],
    ['User', 'Update', undefined, 'user_account_modified'],
    ['User Group', 'Add', 'Add Group Engineers', 'user_group_created'],
    ['User Group', 'Update', 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off', 'user_group_modified'],
    ['User Group', 'Delete', 'Delete Group Engineers', 'user_group_deleted'],
    ['Role', 'Add', 'Add Role Auditor', 'user_role_created'],
    ['Role', 'Update', 'Edit Role Auditor', 'user_role_modified'],
    ['Role', 'Delete', 'Delete Role Auditor', 'user_role_deleted'],
    // Exact matches only.
    ['User', 'UPDATE', 'Change Role  - someone@example.com: from Member to Admin', undefined],
    ['User', 'Batch Update', 'Change Role  - someone@example.com: from Member to Admin', undefined],
    ['User', 'Batch Update', 'Update User someone@example.com', undefined],
    ['User', 'SCIM API - Update', 'Update User someone@example.com', undefined],
    ['User', 'update', undefined, undefined],
    ['user', 'Add', undefined, undefined],
    ['User', 'Update', 'Change Role  - someone@example.com: from Member to admin', 'user_account_modified'],
    ['User', 'Update', 'Change Role  - someone@example.com: from Admin to Member', 'user_account_modified'],
    ['User', 'Update', 'Activate User someone@example.com ', 'user_account_modified'],
    ['User', 'Update', 'Deactivate User someone@example.com ', 'user_account_modified'],
    ['User Group', 'Batch Update', undefined, undefined],
    ['Role', 'Activate', undefined, undefined],
    ['Account', 'Update', 'Security  - Sign in with Two-Factor Authentication: from On to Off', undefined],
    ['Account', 'Add', undefined, undefined],
    [undefined, 'Add', undefined, undefined],
    ['User', 42, undefined, undefined],
    ['User', 'Update', 42, 'user_account_modified'],
  ])('%j / %j / %j -> %j', (categoryType, action, detail, eventType) => {
    const udm = zoomOperationDataModel(op(categoryType, action, detail));
    expect(udm.actor_user).toBe('admin@example.com');
    expect(udm.event_type).toBe(eventType);
  });

  it.each<[string, string, string, Record<string, unknown>]>([
    [
      'Account',
      'Update',
      'Security  - Sign in with Two-Factor Authentication: from On to Off ',
      {
        detail_kind: 'settings',
        section: 'Security',
        changes: [{ name: 'Sign in with Two-Factor Authentication', from: 'On', to: 'Off' }],
      },
    ],
    [
      'User',
      'Update',
      'Change Role  - Someone@Example.com: from Member to Admin',
      {
        detail_kind: 'role_change',
        target_user: 'someone@example.com',
        changes: [{ name: 'Role', from: 'Member', to: 'Admin' }],
      },
    ],
    [
      'User',
      'Update',
      'Update User someone@example.com  - Job Title: set to Contractor',
      {
        detail_kind: 'user',
        user_action: 'update',
        target_user: 'someone@example.com',
        changes: [{ name: 'Job Title', to: 'Contractor' }],
      },
    ],
    [
      'User Group',
      'Update',
      'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off',
      {
        detail_kind: 'group',
        group_action: 'edit',
        group: 'Springfield',
        changes: [{ name: 'Personal Meeting ID (PMI) Passcode', from: 'On', to: 'Off' }],
      },
    ],
    ['Billing', 'Update', 'something Zoom never documented', {}],
  ])('stores the parsed %s/%s detail for search: %j', (categoryType, action, detail, parsed) => {
    const udm = zoomOperationDataModel(op(categoryType, action, detail));
    const { actor_user: _actor, event_type: _type, ...rest } = udm;
    expect(rest).toEqual(parsed);
  });

  it('leaves out actor_user when the operator is absent', () => {
    expect(zoomOperationDataModel({ category_type: 'Role', action: 'Add' }).actor_user).toBeUndefined();
  });

  it('is the ten-row table of the conventions', () => {
    expect(OPERATION_EVENT_TYPES.map((r) => `${r.categoryType}/${r.action}${r.detailContains ? `[${r.detailContains}]` : ''}=${r.eventType}`)).toEqual([
      'User/Add=user_account_created',
      'User/Delete=user_account_deleted',
      'User/Update[to Admin]=admin_role_assigned',
      'User/Update=user_account_modified',
      'User Group/Add=user_group_created',
      'User Group/Update=user_group_modified',
      'User Group/Delete=user_group_deleted',
      'Role/Add=user_role_created',
      'Role/Update=user_role_modified',
      'Role/Delete=user_role_deleted',
    ]);
  });
});
