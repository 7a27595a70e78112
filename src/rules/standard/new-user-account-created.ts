import { defineRule, type RuleTest } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';

/**
 * Standard.NewUserAccountCreated ("New User Account Created"), Panther's
 * generic data-model rule, applied to Zoom.Operation: it fires when the
 * event's data-model `event_type` is `user_account_created` (Zoom: category
 * `User`, action `Add`).
 *
 * Only the stateless part is implemented. Panther's rule also writes a
 * "new user" marker to its cache (`put_string_set`, kept 3 days) for other
 * rules to read; that side effect is not reproduced here.
 *
 * Title: Panther's format "A new user account was created - [<user>]" with
 * `event.udm('user')`. Panther's Zoom.Operation data model maps no `user`, so
 * Panther itself prints `<UNKNOWN_USER>` for Zoom; we fill in the created
 * user's e-mail from the parsed `operation_detail` (`Add User <email> ...`)
 * and keep `<UNKNOWN_USER>` only when it cannot be read.
 */

const USER_ACCOUNT_CREATED = 'user_account_created';

/** The created user's e-mail as written in `Add User <email> ...`, or undefined. */
function createdUser(e: RuleEvent): string | undefined {
  const detail = e.detail;
  if (detail.kind !== 'user') return undefined;
  const raw = e.text('operation_detail');
  const lower = raw.toLowerCase();
  if (lower.length !== raw.length) return detail.email;
  const at = lower.indexOf(detail.email);
  return at < 0 ? detail.email : raw.slice(at, at + detail.email.length);
}

const zoomAdd = {
  action: 'Add',
  category_type: 'User',
  operation_detail: 'Add User homer@simpson.io  - User Type: Basic - Department: Foo',
  operator: 'abe@simpson.io',
  p_log_type: 'Zoom.Operation',
  p_event_time: '2021-06-27 00:08:28.792Z',
};

const tests: RuleTest[] = [
  {
    name: 'User Creation Event - Zoom (Panther)',
    expectMatch: true,
    expectTitle: 'A new user account was created - [homer@simpson.io]',
    expectSeverity: 'INFO',
    event: zoomAdd,
  },
  {
    name: 'fires on a stored event through its p_udm',
    expectMatch: true,
    event: { ...zoomAdd, p_udm: { actor_user: 'abe@simpson.io', event_type: 'user_account_created' } },
  },
  {
    name: 'title keeps the e-mail as written and works with a trailing space',
    expectMatch: true,
    expectTitle: 'A new user account was created - [Marge@Simpson.io]',
    event: { ...zoomAdd, operation_detail: 'Add User Marge@Simpson.io ' },
  },
  {
    name: 'title falls back to <UNKNOWN_USER> when the detail cannot be read',
    expectMatch: true,
    expectTitle: 'A new user account was created - [<UNKNOWN_USER>]',
    event: { ...zoomAdd, operation_detail: 'something else' },
  },
  {
    name: 'does not fire on a user deletion',
    expectMatch: false,
    event: { ...zoomAdd, action: 'Delete', operation_detail: 'Delete User homer@simpson.io' },
  },
  {
    name: 'does not fire on a user update',
    expectMatch: false,
    event: { ...zoomAdd, action: 'Update', operation_detail: 'Update User homer@simpson.io  - Job Title: set to Contractor' },
  },
  {
    name: 'does not fire on a new group',
    expectMatch: false,
    event: { ...zoomAdd, category_type: 'User Group', operation_detail: 'Add Group Engineers' },
  },
  {
    name: 'does not fire on a new role',
    expectMatch: false,
    event: { ...zoomAdd, category_type: 'Role', operation_detail: 'Add Role Auditors' },
  },
  {
    name: 'does not fire on a sign-in (Zoom.Activity)',
    expectMatch: false,
    event: { email: 'homer@simpson.io', time: '2021-06-27T00:08:28Z', type: 'Sign in', ip_address: '192.0.2.1', p_log_type: 'Zoom.Activity' },
  },
  {
    name: 'does not fire when the stored p_udm says otherwise',
    expectMatch: false,
    event: { ...zoomAdd, p_udm: { actor_user: 'abe@simpson.io', event_type: 'user_account_modified' } },
  },
];

export const newUserAccountCreatedRule = defineRule({
  meta: {
    id: 'Standard.NewUserAccountCreated',
    displayName: 'New User Account Created',
    logTypes: ['Zoom.Operation'],
    severity: 'INFO',
    description: 'A new account was created',
    runbook: 'A new user account was created, ensure it was created through standard practice and is for a valid purpose.',
    reference: 'https://attack.mitre.org/techniques/T1136/001/',
    tags: ['DataModel', 'Indicator Collection', 'OneLogin', 'Persistence:Create Account'],
    mitre: ['TA0003:T1136'],
    summaryAttributes: ['p_any_usernames'],
    dedupPeriodMinutes: 60,
    threshold: 1,
  },
  rule(e) {
    return e.udm('event_type') === USER_ACCOUNT_CREATED;
  },
  title(e) {
    return `A new user account was created - [${createdUser(e) ?? '<UNKNOWN_USER>'}]`;
  },
  alertContext(e) {
    return {
      operator: e.text('operator'),
      actor_user: e.udm('actor_user') ?? null,
      created_user: createdUser(e) ?? null,
    };
  },
  tests,
});
