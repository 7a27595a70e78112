import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { signInBurstRule } from './sign-in-burst.js';
import { PLACES, signInTest } from './sign-in-rule-helpers.js';

describeRuleTests(signInBurstRule);

describe('signInBurstRule: evidence', () => {
  it('shows what the hour held next to the thresholds it crossed (the settings do not hide the counts)', () => {
    const t = signInTest({ name: 'x', expectMatch: true, location: PLACES.paris, context: { recentCountries: 6, recentIps: 7 } });
    expect(signInBurstRule.alertContext!(new RuleEvent(t.event, t.history))).toEqual({
      user: 'homer@duff.io',
      countries: 6,
      ips: 7,
      windowMinutes: 60,
      baseline: { countries: 5, ips: 10 },
    });
  });
});
