import { describe, expect, it } from 'vitest';
import { RuleEvent } from '../../detect/rule-event.js';
import { haversineKm } from '../../domain/geo-distance.js';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { signInImpossibleTravelRule as rule } from './sign-in-impossible-travel.js';
import { PLACES, previousFact, signInTest } from './sign-in-rule-helpers.js';

describeRuleTests(rule);

describe('signInImpossibleTravelRule: extra checks', () => {
  it('computes the haversine distance', () => {
    expect(Math.round(haversineKm(PLACES.berlin.lat, PLACES.berlin.lng, PLACES.newYork.lat, PLACES.newYork.lng))).toBe(6385);
    expect(haversineKm(0, 0, 0, 180)).toBeCloseTo(Math.PI * 6371.0088, 3);
  });

  it('alerts just over the limit and not at it (distance minus both accuracy radii)', () => {
    // Berlin -> Munich is 504 km; minus 2 x 20 km = 464 km effective.
    const over = signInTest({ name: 'x', expectMatch: true, location: PLACES.munich, context: { previousLocated: previousFact(0.46, PLACES.berlin) } });
    const under = signInTest({ name: 'y', expectMatch: false, location: PLACES.munich, context: { previousLocated: previousFact(0.47, PLACES.berlin) } });
    expect(rule.rule(new RuleEvent(over.event, over.history))).toBe(true);
    expect(rule.rule(new RuleEvent(under.event, under.history))).toBe(false);
  });

  it('shows the evidence: previous place and time, distance and speed', () => {
    const t = signInTest({ name: 'x', expectMatch: true, location: PLACES.newYork, context: { previousLocated: previousFact(1, PLACES.berlin) } });
    expect(rule.alertContext!(new RuleEvent(t.event, t.history))).toMatchObject({
      user: 'homer@duff.io',
      previous: { country: 'DE', time: '2026-05-04T09:00:00.000Z', accuracyKm: 20 },
      current: { country: 'US', accuracyKm: 50 },
      distanceKm: 6385,
      distanceAfterAccuracyKm: 6315,
      elapsedMinutes: 60,
      speedKmh: 6315,
      maxSpeedKmh: 1000,
    });
  });

  it('looks back only as far as the speed limit makes a pair possible', () => {
    expect(rule.history.lookbackDays({ ...signInTest({ name: 'x', expectMatch: false, location: null }).history!.settings })).toBe(1);
  });
});
