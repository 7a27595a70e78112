import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { DEFAULT_HISTORY_SETTINGS } from '../../domain/history-settings.js';
import { signInDormantAccountRule } from './sign-in-dormant-account.js';
import { signInNewAsnRule } from './sign-in-new-asn.js';
import { signInNewCountryRule } from './sign-in-new-country.js';
import { PLACES, previousFact, signInTest } from './sign-in-rule-helpers.js';
import { signInSharedSourceIpRule } from './sign-in-shared-source-ip.js';

/** The alert context of each baseline rule names the previous sign-in and the baseline the event broke (the console's evidence panel). */
describe('sign-in rules: evidence in the alert context', () => {
  const contextOf = (rule: typeof signInNewCountryRule, t: ReturnType<typeof signInTest>) => rule.alertContext!(new RuleEvent(t.event, t.history));

  it('new country and new ASN: the look-back that held neither, and the previous sign-in', () => {
    const t = signInTest({ name: 'x', expectMatch: true, location: PLACES.newYork, context: { previous: previousFact(48, PLACES.berlin), countrySeen: false, asnSeen: false } });
    expect(contextOf(signInNewCountryRule, t)).toMatchObject({
      country: 'US',
      baseline: 'no sign-in from US in the 90 days before (proven history)',
      previousSignIn: { country: 'DE', time: '2026-05-02T10:00:00.000Z' },
    });
    expect(contextOf(signInNewAsnRule, t)).toMatchObject({
      asn: 7922,
      org: 'Comcast',
      baseline: 'no sign-in from AS7922 in the 90 days before (proven history)',
      previousSignIn: { asn: 3320 },
    });
  });

  it('dormant account: the silence, the previous sign-in and the silence it needed', () => {
    const t = signInTest({ name: 'x', expectMatch: true, location: PLACES.berlin, context: { previous: previousFact(70 * 24, PLACES.paris) } });
    expect(contextOf(signInDormantAccountRule, t)).toMatchObject({ silenceDays: 70, previousSignIn: { country: 'FR' }, baseline: { silenceDays: 60, lookbackDays: 180 } });
  });

  it('shared source IP: the users counted and the threshold and allow list', () => {
    const settings = { ...DEFAULT_HISTORY_SETTINGS, sharedSourceIp: { windowMinutes: 60, users: 10, allowCidrs: ['198.51.100.0/24'] } };
    const t = signInTest({ name: 'x', expectMatch: true, location: PLACES.paris, ip: '203.0.113.9', context: { ipUsers: 12 }, settings });
    expect(contextOf(signInSharedSourceIpRule, t)).toEqual({
      ip: '203.0.113.9',
      users: 12,
      country: 'FR',
      asn: 3215,
      windowMinutes: 60,
      baseline: { users: 10, allowCidrs: ['198.51.100.0/24'] },
    });
  });
});
