import { defineRule, type RuleTest } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';

/**
 * Zoomtrail.SourceCredentialsChanged ("Zoomtrail source credentials or Zoom account changed")
 *
 * Ours (Zoomtrail's own audit trail, log type Zoomtrail.Audit): whoever can change a source's
 * credentials or the Zoom account it reads can blind Zoomtrail (point it at another account, or
 * break its access) or take its report-read access elsewhere. Fires on a successful
 * - `sources.update` that sets the client secret or the client id, or changes the Zoom account id
 *   (the change names `zoomAccountId` with a value other than the one before);
 * - `sources.authorize` (a re-authorization was started) and `sources.authorized` (the Zoom
 *   authorization completed: a new refresh token, possibly of another account).
 * Failed attempts (`*.failed`, outcome `failed`) do not fire. Deduplicated per source and actor.
 */

const CREDENTIAL_FIELDS = ['clientSecret', 'clientId'] as const;
const AUTHORIZE_ACTIONS = new Set(['sources.authorize', 'sources.authorized']);

function objectOf(value: unknown): Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** What changed that this rule is about: `credentials`, `Zoom account` and/or `authorization`. */
export function credentialChanges(e: RuleEvent): string[] {
  if (e.key('outcome') !== 'ok') return [];
  const action = e.key('action');
  if (AUTHORIZE_ACTIONS.has(action)) return ['authorization'];
  if (action !== 'sources.update') return [];
  const change = objectOf(e.fields.change);
  const what: string[] = [];
  if (CREDENTIAL_FIELDS.some((field) => field in change)) what.push('credentials');
  const before = objectOf(e.fields.before).zoomAccountId;
  const after = 'zoomAccountId' in change ? change.zoomAccountId : undefined;
  if (after !== undefined && after !== before) what.push('Zoom account');
  return what;
}

function sourceName(e: RuleEvent): string {
  const name = objectOf(e.fields.after).name ?? objectOf(e.fields.before).name;
  return typeof name === 'string' && name !== '' ? name : e.text('object_id') || 'a source';
}

const base = {
  id: 'aud_00000000_00000000_abcdef01',
  time: '2026-03-10T12:00:00Z',
  actor: 'admin',
  actor_kind: 'user',
  address: '198.51.100.23',
  object_type: 'sources',
  object_id: 'src_abc',
  outcome: 'ok',
  status: 200,
  p_log_type: 'Zoomtrail.Audit',
};
const before = { id: 'src_abc', name: 'Zoom', zoomAccountId: 'acct-1', clientId: 'CID' };

const tests: RuleTest[] = [
  {
    name: 'client secret changed',
    expectMatch: true,
    expectTitle: 'Zoomtrail source Zoom: credentials changed by admin',
    event: { ...base, action: 'sources.update', before, after: before, change: { clientSecret: '[MASKED]' } },
  },
  {
    name: 'Zoom account id changed',
    expectMatch: true,
    expectTitle: 'Zoomtrail source Zoom: Zoom account changed by admin',
    event: { ...base, action: 'sources.update', before, after: { ...before, zoomAccountId: 'acct-2' }, change: { zoomAccountId: 'acct-2' } },
  },
  {
    name: 'secret and account changed at once',
    expectMatch: true,
    expectTitle: 'Zoomtrail source Zoom: credentials, Zoom account changed by admin',
    event: { ...base, action: 'sources.update', before, after: { ...before, zoomAccountId: 'acct-2' }, change: { clientSecret: '[MASKED]', zoomAccountId: 'acct-2' } },
  },
  {
    name: 'client id changed by an API token',
    expectMatch: true,
    event: { ...base, actor: 'automation', actor_kind: 'token', action: 'sources.update', before, after: { ...before, clientId: 'CID2' }, change: { clientId: 'CID2' } },
  },
  {
    name: 're-authorization started',
    expectMatch: true,
    expectTitle: 'Zoomtrail source Zoom: authorization changed by admin',
    event: { ...base, action: 'sources.authorize', before, after: null },
  },
  {
    name: 're-authorization completed',
    expectMatch: true,
    event: { ...base, action: 'sources.authorized', actor: 'admin', before, after: before },
  },
  {
    name: 'does not fire on a rename',
    expectMatch: false,
    event: { ...base, action: 'sources.update', before, after: { ...before, name: 'Zoom EU' }, change: { name: 'Zoom EU' } },
  },
  {
    name: 'does not fire when the account id is set to the value it had',
    expectMatch: false,
    event: { ...base, action: 'sources.update', before, after: before, change: { zoomAccountId: 'acct-1' } },
  },
  {
    name: 'does not fire on a refused change',
    expectMatch: false,
    event: { ...base, action: 'sources.update.failed', outcome: 'failed', status: 400, before, change: { clientSecret: '[MASKED]' } },
  },
  {
    name: 'does not fire on a source created or paused',
    expectMatch: false,
    event: { ...base, action: 'sources.create', after: before, change: { clientSecret: '[MASKED]', zoomAccountId: 'acct-1' } },
  },
  {
    name: 'does not fire on a destination secret changed',
    expectMatch: false,
    event: { ...base, object_type: 'destinations', action: 'destinations.update', change: { secret: '[MASKED]' } },
  },
];

export const sourceCredentialsChangedRule = defineRule({
  meta: {
    id: 'Zoomtrail.SourceCredentialsChanged',
    displayName: 'Zoomtrail source credentials or Zoom account changed',
    logTypes: ['Zoomtrail.Audit'],
    severity: 'HIGH',
    description:
      "A Zoom source's credentials (client id or secret), its Zoom account id or its authorization was changed in Zoomtrail. Whoever does this can point Zoomtrail at another account or stop it from reading the audit logs.",
    runbook:
      'Confirm with the actor that the change was planned (a secret rotation, a new Zoom app). If not: disable the actor (users, tokens), rotate the Zoom app secret in the Zoom App Marketplace, and check the source reads the expected account (zoomtrail sources check).',
    reference: 'https://github.com/zoomtrail/zoomtrail/blob/main/README.md#audit-trail',
    tags: ['Zoomtrail', 'Defense Evasion:Impair Defenses', 'Persistence:Account Manipulation'],
    mitre: ['TA0005:T1562', 'TA0003:T1098'],
    summaryAttributes: ['actor', 'address', 'object_id', 'action'],
    dedupPeriodMinutes: 60,
    threshold: 1,
  },
  rule(e) {
    return credentialChanges(e).length > 0;
  },
  title(e) {
    return `Zoomtrail source ${sourceName(e)}: ${credentialChanges(e).join(', ')} changed by ${e.text('actor')}`;
  },
  dedup(e) {
    return `${e.text('object_id')}:${e.text('actor')}`;
  },
  alertContext(e) {
    return {
      actor: e.text('actor'),
      actorKind: e.text('actor_kind'),
      address: e.text('address'),
      action: e.text('action'),
      sourceId: e.text('object_id'),
      changed: credentialChanges(e),
      zoomAccountBefore: objectOf(e.fields.before).zoomAccountId ?? null,
      zoomAccountAfter: objectOf(e.fields.after).zoomAccountId ?? null,
    };
  },
  tests,
});
