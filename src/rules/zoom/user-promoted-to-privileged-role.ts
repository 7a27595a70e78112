import { defineRule, type RuleTest } from '../../detect/rule.js';
import { looseKey, type RuleEvent } from '../../detect/rule-event.js';
import { isCategory, isUpdateAction } from './zoom-rule-helpers.js';

/**
 * Zoom.User.Promoted.to.Privileged.Role
 *
 * Panther: category `User`, "Update" in action (so "Batch Update" and
 * "SCIM API - Update" count), `operation_detail` starts with "Change Role";
 * the first `from (X) to (Y)` of its pattern (`[-\s\w]`, Python's Unicode
 * `\w`) must go from a role NOT in (Admin, Co-Owner, Owner, Billing Admin) to
 * one in it, compared exactly. So Admin -> Owner and Co-Owner -> Admin do not
 * fire. Title: "Zoom: [<email>]'s role was changed from [X] to [Y] by
 * [<operator>]." with the e-mail and roles as written.
 *
 * Ours: category `user`, action containing `update` in any case (also
 * `UPDATE`), a parsed role change (`Change Role - email: from X to Y`, any
 * separator the parser reads, trailing space), roles compared trimmed,
 * whitespace-collapsed and lower-cased.
 *
 * Role names containing " to " (decision: Panther's reading). `from Member to
 * Role to Admin` cannot be split for certain; Panther's greedy pattern splits
 * at the LAST " to " (from `Member to Role`, to `Admin`), and so does the
 * parser, so this alerts, with Panther's title. No privileged role contains
 * " to ", so reading at the last " to " never loses a promotion that the first
 * would find.
 *
 * Floor: Panther's own reading (its patterns, Unicode-aware as in Python, so
 * `josé@ejemplo.es` is an address) is applied to every "Change Role" event as
 * well, so every event Panther alerts on still alerts: e.g. `to Admin.`, where
 * Panther's pattern stops at the dot. Where Panther would raise (no e-mail in
 * the text), the e-mail shows as `<email-not-found>` and the rule still alerts.
 */

const PRIVILEGED_ROLES: ReadonlySet<string> = new Set(['admin', 'co-owner', 'owner', 'billing admin']);
const PANTHER_PRIVILEGED_ROLES: ReadonlySet<string> = new Set(['Admin', 'Co-Owner', 'Owner', 'Billing Admin']);
/** Python's Unicode `\w`: letters, digits, underscore. */
const WORD = '\\p{L}\\p{N}_';
const PANTHER_FROM_TO = new RegExp(`from ([-\\s${WORD}]+) to ([-\\s${WORD}]+)`, 'u');
const PANTHER_EMAIL = new RegExp(`[${WORD}.+%-]+@[${WORD}.-]+\\.[a-zA-Z]{2,}`, 'u');
/**
 * Panther's patterns backtrack; they read at most this much of the text, far
 * more than a "Change Role" text holds (one address, two role names), so a
 * hostile, very long text cannot stall detection.
 */
const PANTHER_READ_LIMIT = 4096;

interface RoleChange {
  email: string;
  from: string;
  to: string;
}

/** The parsed role change, or null. */
function parsedRoleChange(e: RuleEvent): RoleChange | null {
  const detail = e.detail;
  if (detail.kind !== 'role_change') return null;
  return { email: emailAsWritten(e.text('operation_detail'), detail.email), from: detail.from, to: detail.to };
}

/** Panther's reading of a "Change Role" text, or null when its pattern finds no roles. */
function pantherRoleChange(e: RuleEvent): RoleChange | null {
  const raw = e.text('operation_detail');
  if (!raw.trimStart().toLowerCase().startsWith('change role')) return null;
  const text = raw.slice(0, PANTHER_READ_LIMIT);
  const fromTo = PANTHER_FROM_TO.exec(text);
  if (!fromTo) return null;
  const email = PANTHER_EMAIL.exec(text);
  return { email: email?.[0] ?? '<email-not-found>', from: fromTo[1] ?? '', to: fromTo[2] ?? '' };
}

/** The parser lower-cases the e-mail; the title shows it as Zoom wrote it. */
function emailAsWritten(raw: string, email: string): string {
  const lower = raw.toLowerCase();
  if (lower.length !== raw.length) return email;
  const at = lower.indexOf(email);
  return at < 0 ? email : raw.slice(at, at + email.length);
}

function isPromotion(change: RoleChange | null): change is RoleChange {
  return change !== null && PRIVILEGED_ROLES.has(looseKey(change.to)) && !PRIVILEGED_ROLES.has(looseKey(change.from));
}

function isPantherPromotion(change: RoleChange | null): change is RoleChange {
  return change !== null && PANTHER_PRIVILEGED_ROLES.has(change.to) && !PANTHER_PRIVILEGED_ROLES.has(change.from);
}

/** The change the alert is about: ours when it is a promotion, else Panther's when that is one, else what was read. */
function roleChange(e: RuleEvent): RoleChange | null {
  const parsed = parsedRoleChange(e);
  if (isPromotion(parsed)) return parsed;
  const panther = pantherRoleChange(e);
  if (isPantherPromotion(panther)) return panther;
  return parsed ?? panther;
}

function isUserUpdate(e: RuleEvent): boolean {
  return isCategory(e, 'User') && isUpdateAction(e);
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
const title = (from: string, to: string, email = 'homer.simpson@duff.io') => `Zoom: [${email}]'s role was changed from [${from}] to [${to}] by [admin@duff.io].`;

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
  {
    name: 'fires on a role name containing " to ", read as Panther reads it (from [Member to Role] to [Admin])',
    expectMatch: true,
    expectTitle: title('Member to Role', 'Admin'),
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Role to Admin' },
  },
  {
    name: "fires where Panther's pattern stops at punctuation (to Admin.)",
    expectMatch: true,
    expectTitle: title('Member', 'Admin'),
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Admin.' },
  },
  {
    name: 'fires on a non-ASCII e-mail the parser cannot read, title keeps the address whole',
    expectMatch: true,
    expectTitle: title('Member', 'Admin', 'jos\u00e9@ejemplo.es'),
    event: { ...base, operation_detail: 'Change Role  - jos\u00e9@ejemplo.es from Member to Admin' },
  },
  {
    name: 'fires on a non-ASCII role name read the Panther way (from D\u00e9veloppeur)',
    expectMatch: true,
    expectTitle: title('D\u00e9veloppeur', 'Admin', 'jos\u00e9@ejemplo.es'),
    event: { ...base, operation_detail: 'Change Role  - jos\u00e9@ejemplo.es: from D\u00e9veloppeur to Admin.' },
  },
  {
    name: 'title keeps a parsed non-ASCII e-mail as written',
    expectMatch: true,
    expectTitle: title('Member', 'Owner', 'Jos\u00e9@Ejemplo.es'),
    event: { ...base, operation_detail: 'Change Role  - Jos\u00e9@Ejemplo.es: from Member to Owner' },
  },
  {
    name: 'fires without an e-mail in the text (Panther raises there); the title says so',
    expectMatch: true,
    expectTitle: title('Member', 'Admin', '<email-not-found>'),
    event: { ...base, operation_detail: 'Change Role  - : from Member to Admin' },
  },
  // Near misses
  {
    name: 'does not fire on a privileged role with a remark (neither reading sees a privileged role)',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Admin (pending approval)' },
  },
  {
    name: 'does not fire on a role name containing " to " that ends in a non-privileged role',
    expectMatch: false,
    event: { ...base, operation_detail: 'Change Role  - homer.simpson@duff.io: from Member to Admin to Member' },
  },
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
    return isPromotion(parsedRoleChange(e)) || isPantherPromotion(pantherRoleChange(e));
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
