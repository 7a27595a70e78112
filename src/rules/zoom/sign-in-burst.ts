import type { HistoryRule } from '../../detect/history-rule.js';
import { defineRule } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { DEFAULT_HISTORY_SETTINGS } from '../../domain/history-settings.js';
import { PLACES, settingsOf, signInOf, signInTest } from './sign-in-rule-helpers.js';

/**
 * Zoom.SignIn.Burst
 *
 * One user signing in from at least `signInBurst.countries` (5) distinct
 * countries or `signInBurst.ips` (10) distinct IPs within
 * `signInBurst.windowMinutes` (60): counted over the stored sign-ins in
 * [t - window, t], the event included. Every sign-in of the burst from the
 * one that crosses the line matches; they group into one alert per user.
 */
function burst(e: RuleEvent): { countries: number; ips: number } | null {
  const record = signInOf(e);
  if (!record) return null;
  const s = settingsOf(e).signInBurst;
  const { recentCountries: countries, recentIps: ips } = record.context;
  return countries >= s.countries || ips >= s.ips ? { countries, ips } : null;
}

export const signInBurstRule: HistoryRule = {
  ...defineRule({
    meta: {
      id: 'Zoom.SignIn.Burst',
      displayName: 'Zoom Sign-in Burst',
      logTypes: ['Zoom.Activity'],
      severity: 'HIGH',
      description: 'One user signed in from at least 5 countries or 10 IP addresses within an hour: shared or stolen credentials, or automated use.',
      runbook:
        "List the user's sign-ins of the hour (zoomtrail events --email). Several people sharing one account, or a credential-stuffing tool, both show this way. " +
        'Reset the password, sign out all sessions and require two-factor authentication. Settings: ZOOMTRAIL_HISTORY_BURST_COUNTRIES, ZOOMTRAIL_HISTORY_BURST_IPS.',
      reference: 'https://attack.mitre.org/techniques/T1110/004/',
      tags: ['Credential Access:Brute Force', 'Sign-in'],
      mitre: ['TA0006:T1110.004', 'TA0001:T1078.004'],
      summaryAttributes: ['email', 'ip_address'],
    },
    rule: (e) => burst(e) !== null,
    title: (e) => {
      const b = burst(e)!;
      return `Sign-in burst: ${signInOf(e)!.fact.user} signed in from ${b.countries} countries and ${b.ips} IPs within ${settingsOf(e).signInBurst.windowMinutes} min`;
    },
    dedup: (e) => signInOf(e)!.fact.user,
    // What the hour held (countries, ips) next to the thresholds it crossed (baseline).
    alertContext: (e) => {
      const { windowMinutes, countries, ips } = settingsOf(e).signInBurst;
      return { user: signInOf(e)!.fact.user, ...burst(e)!, windowMinutes, baseline: { countries, ips } };
    },
    tests: [
      signInTest({ name: 'five countries in an hour', expectMatch: true, location: PLACES.paris, context: { recentCountries: 5, recentIps: 5 } }),
      signInTest({ name: 'ten IPs in an hour', expectMatch: true, location: PLACES.paris, context: { recentCountries: 1, recentIps: 10 } }),
      signInTest({ name: 'four countries and nine IPs', expectMatch: false, location: PLACES.paris, context: { recentCountries: 4, recentIps: 9 } }),
      signInTest({
        name: 'thresholds are settings',
        expectMatch: false,
        location: PLACES.paris,
        context: { recentCountries: 5, recentIps: 10 },
        settings: { ...DEFAULT_HISTORY_SETTINGS, signInBurst: { windowMinutes: 60, countries: 6, ips: 11 } },
      }),
    ],
  }),
  history: {
    settings: (s) => ({ windowMinutes: s.signInBurst.windowMinutes, countries: s.signInBurst.countries, ips: s.signInBurst.ips }),
    needs: 'sign-in',
    learning: false,
    lookbackDays: (s) => Math.ceil(s.signInBurst.windowMinutes / 1440),
  },
};
