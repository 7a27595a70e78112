import type { HistoryRule } from '../../detect/history-rule.js';
import { defineRule } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { DAY_MS, iso, PLACES, previousFact, settingsOf, signInOf, signInTest } from './sign-in-rule-helpers.js';

/**
 * Zoom.SignIn.DormantAccount
 *
 * A sign-in after at least `dormantAccount.silenceDays` (60) days without any
 * sign-in of the user, where the history proves the silence: the previous
 * sign-in is found in the stored history (within `dormantAccount.lookbackDays`,
 * 180, Zoom's retention) and every day between it and the event is complete
 * (the detector waits for that). A user with no previous sign-in at all in the
 * proven history is not called dormant (it may be new).
 */
function silenceDays(e: RuleEvent): number | null {
  const record = signInOf(e);
  const previous = record?.context.previous;
  if (!record || !previous) return null;
  const days = (record.fact.timeMs - previous.timeMs) / DAY_MS;
  return days >= settingsOf(e).dormantAccount.silenceDays ? days : null;
}

export const signInDormantAccountRule: HistoryRule = {
  ...defineRule({
    meta: {
      id: 'Zoom.SignIn.DormantAccount',
      displayName: 'Zoom Dormant Account Sign-in',
      logTypes: ['Zoom.Activity'],
      severity: 'MEDIUM',
      description: 'A user signed in after at least 60 days without any sign-in, proven by complete history.',
      runbook:
        'Dormant accounts are a favourite of attackers (nobody notices their use). Confirm with the owner or their manager that the sign-in is theirs; ' +
        'otherwise disable the account. Consider deactivating accounts unused for months. Settings: ZOOMTRAIL_HISTORY_DORMANT_DAYS, ZOOMTRAIL_HISTORY_LEARNING_DAYS.',
      reference: 'https://attack.mitre.org/techniques/T1078/',
      tags: ['Persistence:Valid Accounts', 'Sign-in'],
      mitre: ['TA0003:T1078', 'TA0001:T1078.004'],
      summaryAttributes: ['email', 'ip_address'],
    },
    rule: (e) => silenceDays(e) !== null,
    title: (e) => `Dormant account: ${signInOf(e)!.fact.user} signed in after ${Math.floor(silenceDays(e)!)} days without a sign-in`,
    dedup: (e) => signInOf(e)!.fact.user,
    alertContext(e) {
      const { fact, context } = signInOf(e)!;
      return {
        user: fact.user,
        silenceDays: Math.floor(silenceDays(e)!),
        previousSignIn: { time: iso(context.previous!.timeMs), ip: context.previous!.ip, country: context.previous!.country },
        ip: fact.ip,
        country: fact.country,
        baseline: { silenceDays: settingsOf(e).dormantAccount.silenceDays, lookbackDays: settingsOf(e).dormantAccount.lookbackDays },
      };
    },
    tests: [
      signInTest({
        name: 'first sign-in for 70 days',
        expectMatch: true,
        location: PLACES.berlin,
        context: { previous: previousFact(70 * 24, PLACES.berlin) },
        expectTitle: 'Dormant account: homer@duff.io signed in after 70 days without a sign-in',
      }),
      signInTest({ name: 'exactly 60 days', expectMatch: true, location: null, context: { previous: previousFact(60 * 24, PLACES.berlin) } }),
      signInTest({ name: '59 days', expectMatch: false, location: PLACES.berlin, context: { previous: previousFact(59 * 24, PLACES.berlin) } }),
      signInTest({ name: 'no previous sign-in in the proven history', expectMatch: false, location: PLACES.berlin, context: { previous: null } }),
    ],
  }),
  history: {
    settings: (s) => ({ silenceDays: s.dormantAccount.silenceDays, lookbackDays: s.dormantAccount.lookbackDays, learningDays: s.learningDays }),
    needs: 'sign-in',
    learning: true,
    lookbackDays: (s) => s.dormantAccount.lookbackDays,
  },
};
