import type { HistoryRule } from '../../detect/history-rule.js';
import { defineRule } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { iso, PLACES, previousFact, settingsOf, signInOf, signInTest } from './sign-in-rule-helpers.js';

/**
 * Zoom.SignIn.NewAsn
 *
 * A sign-in from a network (ASN) the user has not used in the previous
 * `newAsn.lookbackDays` (default 90) days of proven history; LOW: networks
 * change more often than countries (a new mobile carrier, a hotel). As for new
 * countries: public located addresses only, no alert for a user without
 * history, and a learning period.
 */
function isNewAsn(e: RuleEvent): boolean {
  const record = signInOf(e);
  return record !== undefined && record.fact.asn !== null && record.context.asnSeen === false && record.context.previous !== null;
}

function orgOf(e: RuleEvent): string | null {
  const enrichment = e.fields.p_enrichment as { ip_location?: { ip_address?: { org?: unknown } } } | undefined;
  const org = enrichment?.ip_location?.ip_address?.org;
  return typeof org === 'string' ? org : null;
}

export const signInNewAsnRule: HistoryRule = {
  ...defineRule({
    meta: {
      id: 'Zoom.SignIn.NewAsn',
      displayName: 'Zoom Sign-in From a New Network (ASN)',
      logTypes: ['Zoom.Activity'],
      severity: 'LOW',
      description: 'A user signed in from a network (autonomous system) they have not used in the previous 90 days (proven history).',
      runbook:
        "Look at the network's organisation: a hosting provider or anonymising VPN is more suspicious than a home ISP or a mobile carrier. Correlate with new-country and impossible-travel alerts for the user. " +
        'Settings: ZOOMTRAIL_HISTORY_NEW_ASN_LOOKBACK_DAYS, ZOOMTRAIL_HISTORY_LEARNING_DAYS.',
      reference: 'https://attack.mitre.org/techniques/T1078/004/',
      tags: ['Initial Access:Valid Accounts', 'Sign-in'],
      mitre: ['TA0001:T1078.004'],
      summaryAttributes: ['email', 'ip_address'],
    },
    rule: isNewAsn,
    title: (e) => `${signInOf(e)!.fact.user} signed in from a new network: AS${signInOf(e)!.fact.asn!}${orgOf(e) ? ` (${orgOf(e)!})` : ''}`,
    dedup: (e) => `${signInOf(e)!.fact.user} AS${signInOf(e)!.fact.asn!}`,
    alertContext(e) {
      const { fact, context } = signInOf(e)!;
      return {
        user: fact.user,
        asn: fact.asn,
        org: orgOf(e),
        ip: fact.ip,
        lookbackDays: settingsOf(e).newAsn.lookbackDays,
        baseline: `no sign-in from AS${fact.asn!} in the ${settingsOf(e).newAsn.lookbackDays} days before (proven history)`,
        previousSignIn: context.previous ? { time: iso(context.previous.timeMs), asn: context.previous.asn, ip: context.previous.ip } : null,
      };
    },
    tests: [
      signInTest({
        name: 'first sign-in from Comcast after Telekom ones',
        expectMatch: true,
        expectSeverity: 'LOW',
        location: PLACES.newYork,
        context: { previous: previousFact(48, PLACES.berlin), asnSeen: false },
        expectTitle: 'homer@duff.io signed in from a new network: AS7922 (Comcast)',
      }),
      signInTest({ name: 'a network seen in the look-back', expectMatch: false, location: PLACES.munich, context: { previous: previousFact(48, PLACES.berlin), asnSeen: true } }),
      signInTest({ name: 'no ASN (private address)', expectMatch: false, location: PLACES.private, context: { previous: previousFact(48, PLACES.berlin), asnSeen: null } }),
      signInTest({ name: 'a user with no history', expectMatch: false, location: PLACES.newYork, context: { previous: null, asnSeen: false } }),
    ],
  }),
  history: {
    settings: (s) => ({ lookbackDays: s.newAsn.lookbackDays, learningDays: s.learningDays }),
    needs: 'sign-in',
    learning: true,
    lookbackDays: (s) => s.newAsn.lookbackDays,
  },
};
