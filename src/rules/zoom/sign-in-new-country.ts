import type { HistoryRule } from '../../detect/history-rule.js';
import { defineRule } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { iso, PLACES, previousFact, settingsOf, signInOf, signInTest } from './sign-in-rule-helpers.js';

/**
 * Zoom.SignIn.NewCountry
 *
 * A sign-in from a country the user has not signed in from in the previous
 * `newCountry.lookbackDays` (default 90) days of stored, proven history. Only
 * public, located addresses have a country. A user with no sign-in at all in
 * the look-back has no baseline (a new user) and is not alerted. Learning:
 * the rule alerts only for events with at least `learningDays` complete days
 * of history before their day (see history-proof.ts).
 */
function isNewCountry(e: RuleEvent): boolean {
  const record = signInOf(e);
  return record !== undefined && record.fact.country !== null && record.context.countrySeen === false && record.context.previous !== null;
}

export const signInNewCountryRule: HistoryRule = {
  ...defineRule({
    meta: {
      id: 'Zoom.SignIn.NewCountry',
      displayName: 'Zoom Sign-in From a New Country',
      logTypes: ['Zoom.Activity'],
      severity: 'MEDIUM',
      description: 'A user signed in from a country they have not signed in from in the previous 90 days (proven history).',
      runbook:
        "Ask the user whether they travel or use a VPN exit in that country. If not, sign the user out of all sessions, reset the password and review the account's recent operations. " +
        'Settings: ZOOMTRAIL_HISTORY_NEW_COUNTRY_LOOKBACK_DAYS (look-back), ZOOMTRAIL_HISTORY_LEARNING_DAYS (complete days needed before it alerts).',
      reference: 'https://attack.mitre.org/techniques/T1078/004/',
      tags: ['Initial Access:Valid Accounts', 'Sign-in'],
      mitre: ['TA0001:T1078.004'],
      summaryAttributes: ['email', 'ip_address'],
    },
    rule: isNewCountry,
    title: (e) => `${signInOf(e)!.fact.user} signed in from a new country: ${signInOf(e)!.fact.country!}`,
    dedup: (e) => `${signInOf(e)!.fact.user} ${signInOf(e)!.fact.country!}`,
    alertContext(e) {
      const { fact, context } = signInOf(e)!;
      return {
        user: fact.user,
        country: fact.country,
        ip: fact.ip,
        lookbackDays: settingsOf(e).newCountry.lookbackDays,
        baseline: `no sign-in from ${fact.country!} in the ${settingsOf(e).newCountry.lookbackDays} days before (proven history)`,
        previousSignIn: context.previous ? { time: iso(context.previous.timeMs), country: context.previous.country, ip: context.previous.ip } : null,
      };
    },
    tests: [
      signInTest({
        name: 'first sign-in from the US after German ones',
        expectMatch: true,
        location: PLACES.newYork,
        context: { previous: previousFact(48, PLACES.berlin), countrySeen: false },
        expectTitle: 'homer@duff.io signed in from a new country: US',
      }),
      signInTest({
        name: 'a country seen in the look-back',
        expectMatch: false,
        location: PLACES.berlin,
        context: { previous: previousFact(48, PLACES.berlin), countrySeen: true },
      }),
      signInTest({
        name: 'a private address has no country',
        expectMatch: false,
        location: PLACES.private,
        context: { previous: previousFact(48, PLACES.berlin), countrySeen: null },
      }),
      signInTest({ name: 'a user with no history (new user)', expectMatch: false, location: PLACES.newYork, context: { previous: null, countrySeen: false } }),
    ],
  }),
  history: {
    settings: (s) => ({ lookbackDays: s.newCountry.lookbackDays, learningDays: s.learningDays }),
    needs: 'sign-in',
    learning: true,
    lookbackDays: (s) => s.newCountry.lookbackDays,
  },
};
