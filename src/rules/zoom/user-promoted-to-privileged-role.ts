import { defineRule, type RuleTest } from '../../detect/rule.js';
import { looseKey, type RuleEvent } from '../../detect/rule-event.js';

/**
 * Zoom.User.Promoted.to.Privileged.Role
 *
 * Panther: category `User`, "Update" in action (so "Batch Update" and
 * "SCIM API - Update" count), `operation_detail` starts with "Change Role";
 * the first "from X to Y" must go from a role NOT in (Admin, Co-Owner, Owner,
 * Billing Admin) to one in it. So Admin -> Owner and Co-Owner -> Admin do not
 * fire. Title: "Zoom: [<email>]'s role was changed from [X] to [Y] by [<operator>]."
 * with the e-mail and roles as written.
 *
 * Ours: category `user`, action containing `update` in any case (also
 * `UPDATE`), a parsed role change (`Change Role - email: from X to Y`, any
 * spacing, trailing space), roles compared trimmed, whitespace-collapsed and
 * lower-cased. Floor: a "Change Role" text the parser cannot read is checked
 * Panther's way (first "from X to Y"), so every event Panther matches still
 * matches.
 */

const PRIVILEGED_ROLES: ReadonlySet<string> = new Set(['admin', 'co-owner', 'owner', 'billing admin']);
const FROM_TO = /from ([-\s\w]+) to ([-\s\w]+)/i;
const EMAIL = /[\w.+%-]+@[\w.-]+\.[a-zA-Z]{2,}/;

interface RoleChange {
  email: string;
  from: string;
  to: string;
}

/** The role change in the event (parsed, else Panther's way), or null. */
function roleChange(e: RuleEvent): RoleChange | null {
  const raw = e.text('operation_detail');
  const detail = e.detail;
  if (detail.kind === 'role_change') {
    return { email: emailAsWritten(raw, detail.email), from: detail.from, to: detail.to };
  }
  // Floor: Panther's reading of a "Change Role" text our parser could not read.
  if (!raw.trimStart().toLowerCase().startsWith('change role')) return null;
  const fromTo = FROM_TO.exec(raw);
  const email = EMAIL.exec(raw);
  if (!fromTo || !email) return null;
  return { email: email[0], from: (fromTo[1] ?? '').trim(), to: (fromTo[2] ?? '').trim() };
}

/** The parser lower-cases the e-mail; the title shows it as Zoom wrote it. */
function emailAsWritten(raw: string, email: string): string {
  const lower = raw.toLowerCase();
  if (lower.length !== raw.length) return email;
  const at = lower.indexOf(email);
  return at < 0 ? email : raw.slice(at, at + email.length);
}

function isPromotion(change: RoleChange): boolean {
  return PRIVILEGED_ROLES.has(looseKey(change.to)) && !PRIVILEGED_ROLES.has(looseKey(change.from));
}

function isUserUpdate(e: RuleEvent): boolean {
  const category = e.text('category_type');
  if (category !== 'User' && looseKey(category) !== 'user') return false;
  const action = e.text('action');
  return action === 'Update' || action === 'Batch Update' || looseKey(action).includes('update');
}

function operator(e: RuleEvent): string {
  return typeof e.fields.operator === 'string' ? e.fields.operator : '<operator-not-found>';
}

const base = {
  action: 'Batch Update',
  category_type: 'User',
  operator: 'admin@duff.io',
  time: '2022-07-05 20:28:48',
};
const title = (from: string, to: string, email = 'homer.simpson@duff.io') =>
  `Zoom: [${email}]'s role was changed from [${from}] to [${to}] by [admin@duff.io].`;

const tests: RuleTest[] = [
  // Panther's own unit tests
  {
    name: 'Admin Promotion Event (Panther)',
    expectMatch: true,
    expectTitle: title('User', 'Co-Owner'),
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from User to Co-Owner' },
  },
  {
    name: 'Admin to Admin (Panther)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Admin to Co-Owner' },
  },
  {
    name: 'Admin to Billing Admin (Panther)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Admin to Billing Admin' },
  },
  {
    name: 'Member to Billing Admin Event (Panther)',
    expectMatch: true,
    expectTitle: title('Member', 'Billing Admin'),
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Billing Admin' },
  },
  {
    name: 'Admin to User (Panther)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Co-Owner to User' },
  },
  {
    name: 'CoOwner to Admin (Panther)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Co-Owner to Admin' },
  },
  {
    name: 'Other Event (Panther)',
    expectMatch: false,
    event: {
      ...base,
      action: 'SCIM API - Update',
      operator: 'admin@duff.co',
      time: '2022-07-01 22:05:22',
      operation_detail: 'Edit User homer.simpson@duff.co  - Change Type: from Basic to Licensed',
    },
  },
  // Robustness
  {
    name: 'fires on action Update (the documented format)',
    expectMatch: true,
    expectTitle: title('Member', 'Admin', 'someone@example.com'),
    event: { ...base, action: 'Update', operation_detail: 'Change Role  - someone@example.com: from Member to Admin' },
  },
  {
    name: 'fires on action SCIM API - Update',
    expectMatch: true,
    event: { ...base, action: 'SCIM API - Update', operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Owner' },
  },
  {
    name: 'fires on upper-case UPDATE',
    expectMatch: true,
    event: { ...base, action: 'UPDATE', operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Admin' },
  },
  {
    name: 'fires with a single space before the dash',
    expectMatch: true,
    expectTitle: title('Member', 'Admin'),
    event: { ...base, operation_detail: 'Change Role - homer.simpson@duff.io: from Member to Admin' },
  },
  {
    name: "fires with a trailing space (Panther's exact role compare misses it)",
    expectMatch: true,
    expectTitle: title('Member', 'Co-Owner'),
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Co-Owner ' },
  },
  {
    name: 'fires on a lower-case role name, title keeps the roles as written',
    expectMatch: true,
    expectTitle: title('member', 'billing admin'),
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from member to billing admin' },
  },
  {
    name: 'fires with doubled spaces inside a role name',
    expectMatch: true,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Billing  Admin' },
  },
  {
    name: 'title keeps the e-mail as written (mixed case)',
    expectMatch: true,
    expectTitle: title('User', 'Owner', 'Homer.Simpson@Duff.io'),
    event: { ...base, operation_detail: 'Change Role  - Homer.Simpson@Duff.io: from User to Owner' },
  },
  // Near misses
  {
    name: 'does not fire on a demotion (Admin to Member)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Admin to Member' },
  },
  {
    name: 'does not fire from Admin to Owner (the from role is already privileged)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Admin to Owner' },
  },
  {
    name: 'does not fire from lower-case admin to owner',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from admin to owner' },
  },
  {
    name: 'does not fire on a non-privileged custom role',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Auditor' },
  },
  {
    name: 'does not fire on action Add',
    expectMatch: false,
    event: { ...base, action: 'Add', operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Admin' },
  },
  {
    name: 'does not fire on action Delete',
    expectMatch: false,
    event: { ...base, action: 'Delete', operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Admin' },
  },
  {
    name: 'does not fire in category Account',
    expectMatch: false,
    event: { ...base, category_type: 'Account', operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Admin' },
  },
  {
    name: 'does not fire in category Role',
    expectMatch: false,
    event: { ...base, category_type: 'Role', operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Admin' },
  },
];

export const userPromotedToPrivilegedRoleRule = defineRule({
  meta: {
    id: 'Zoom.User.Promoted.to.Privileged.Role',
    displayName: 'Zoom User Promoted to Privileged Role',
    logTypes: ['Zoom.Operation'],
    severity: 'MEDIUM',
    description: 'A Zoom user was promoted to a privileged role.',
    runbook:
      'Confirm with the operator that the promotion was authorized and is still needed; if not, revert the role in Zoom (User Management > Users) and review what the account did since.',
    reference: 'https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0064983',
    dedupPeriodMinutes: 60,
    threshold: 1,
  },
  rule(e) {
    if (!isUserUpdate(e)) return false;
    const change = roleChange(e);
    return change !== null && isPromotion(change);
  },
  title(e) {
    const change = roleChange(e);
    const email = change?.email ?? '<email-not-found>';
    const from = change?.from ?? '<from-role-not-found>';
    const to = change?.to ?? '<to-role-not-found>';
    return `Zoom: [${email}]'s role was changed from [${from}] to [${to}] by [${operator(e)}].`;
  },
  alertContext(e) {
    const change = roleChange(e);
    return {
      operator: e.text('operator'),
      action: e.text('action'),
      email: change?.email ?? null,
      fromRole: change?.from ?? null,
      toRole: change?.to ?? null,
    };
  },
  tests,
});
