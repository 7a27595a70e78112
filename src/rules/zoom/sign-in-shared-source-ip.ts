import { BlockList, isIP } from 'node:net';
import type { HistoryRule } from '../../detect/history-rule.js';
import { defineRule } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { DEFAULT_HISTORY_SETTINGS } from '../../domain/history-settings.js';
import { ipLocationOf } from '../../domain/sign-in-facts.js';
import { PLACES, settingsOf, signInOf, signInTest } from './sign-in-rule-helpers.js';

/**
 * Zoom.SignIn.SharedSourceIp
 *
 * At least `sharedSourceIp.users` (10) distinct users signing in from one
 * public IP within `sharedSourceIp.windowMinutes` (60), counted over the
 * stored sign-ins in [t - window, t]. Private and unlocated addresses, and
 * addresses in `sharedSourceIp.allowCidrs` (corporate egress ranges, setting
 * ZOOMTRAIL_HISTORY_EGRESS_ALLOW_CIDRS), never match.
 */
const allowLists = new WeakMap<readonly string[], BlockList>();

/** The allow list as a BlockList (built once per settings list). */
function allowListOf(cidrs: readonly string[]): BlockList {
  let list = allowLists.get(cidrs);
  if (!list) {
    list = new BlockList();
    for (const cidr of cidrs) {
      const [address = '', bits] = cidr.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      list.addSubnet(address, bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits), family);
    }
    allowLists.set(cidrs, list);
  }
  return list;
}

export function isAllowListed(ip: string, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return false;
  const family = isIP(ip);
  return family !== 0 && allowListOf(cidrs).check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

function sharedIp(e: RuleEvent): { ip: string; users: number } | null {
  const record = signInOf(e);
  const ip = record?.fact.ip;
  if (!record || !ip || ipLocationOf(e.fields, 'ip_address')?.kind !== 'public') return null;
  const s = settingsOf(e).sharedSourceIp;
  if (record.context.ipUsers < s.users || isAllowListed(ip, s.allowCidrs)) return null;
  return { ip, users: record.context.ipUsers };
}

export const signInSharedSourceIpRule: HistoryRule = {
  ...defineRule({
    meta: {
      id: 'Zoom.SignIn.SharedSourceIp',
      displayName: 'Zoom Sign-ins of Many Users From One IP',
      logTypes: ['Zoom.Activity'],
      severity: 'MEDIUM',
      description: 'At least 10 distinct users signed in from one public IP address within an hour, and the address is not an allow-listed corporate egress range.',
      runbook:
        'If the address is your office, VPN or proxy egress, add its range to ZOOMTRAIL_HISTORY_EGRESS_ALLOW_CIDRS. Otherwise one machine is signing in as many users: ' +
        "credential stuffing or a compromised shared host. Block the address, reset the users' passwords and check their sign-ins.",
      reference: 'https://attack.mitre.org/techniques/T1110/004/',
      tags: ['Credential Access:Brute Force', 'Sign-in'],
      mitre: ['TA0006:T1110.004'],
      summaryAttributes: ['ip_address', 'email'],
    },
    rule: (e) => sharedIp(e) !== null,
    title: (e) => `${sharedIp(e)!.users} users signed in from ${sharedIp(e)!.ip} within ${settingsOf(e).sharedSourceIp.windowMinutes} min`,
    dedup: (e) => sharedIp(e)!.ip,
    alertContext: (e) => {
      const { windowMinutes, users, allowCidrs } = settingsOf(e).sharedSourceIp;
      return { ...sharedIp(e)!, country: signInOf(e)!.fact.country, asn: signInOf(e)!.fact.asn, windowMinutes, baseline: { users, allowCidrs: [...allowCidrs] } };
    },
    tests: [
      signInTest({
        name: 'ten users from one public IP',
        expectMatch: true,
        location: PLACES.paris,
        ip: '198.51.100.77',
        context: { ipUsers: 10 },
        expectTitle: '10 users signed in from 198.51.100.77 within 60 min',
      }),
      signInTest({ name: 'nine users', expectMatch: false, location: PLACES.paris, context: { ipUsers: 9 } }),
      signInTest({ name: 'a private address', expectMatch: false, location: PLACES.private, ip: '10.0.0.8', context: { ipUsers: 50 } }),
      signInTest({
        name: 'an allow-listed egress range',
        expectMatch: false,
        location: PLACES.paris,
        ip: '198.51.100.77',
        context: { ipUsers: 50 },
        settings: { ...DEFAULT_HISTORY_SETTINGS, sharedSourceIp: { windowMinutes: 60, users: 10, allowCidrs: ['198.51.100.0/24'] } },
      }),
      signInTest({
        name: 'an address outside the allow list',
        expectMatch: true,
        location: PLACES.paris,
        ip: '203.0.113.5',
        context: { ipUsers: 12 },
        settings: { ...DEFAULT_HISTORY_SETTINGS, sharedSourceIp: { windowMinutes: 60, users: 10, allowCidrs: ['198.51.100.0/24', '2001:db8::/32'] } },
      }),
    ],
  }),
  history: {
    settings: (s) => ({ windowMinutes: s.sharedSourceIp.windowMinutes, users: s.sharedSourceIp.users, allowCidrs: s.sharedSourceIp.allowCidrs.join(',') || 'none' }),
    needs: 'sign-in',
    learning: false,
    lookbackDays: (s) => Math.ceil(s.sharedSourceIp.windowMinutes / 1440),
  },
};
