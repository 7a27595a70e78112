import { describe, expect, it } from 'vitest';
import { AlertGrouper, addMatch, groupAccepts, startGroup } from './alert-grouping.js';

const MIN = 60_000;
const P = 60 * MIN;
const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);

function match(minutes: number, dedup = 'd', threshold = 1) {
  return { ruleId: 'R', dedup, eventTimeMs: T0 + minutes * MIN, dedupPeriodMs: P, threshold };
}

describe('groupAccepts', () => {
  const group = { firstEventMs: T0, lastEventMs: T0 + 10 * MIN };
  it.each([
    [0, true],
    [59, true],
    [59.999, true],
    [60, false], // exactly one period after the first match starts a new group
    [-49, true], // earlier than the first, span with the last still < period
    [-50, false],
  ])('a match %d min after the first: %s', (minutes, accepted) => {
    expect(groupAccepts(group, T0 + minutes * MIN, P)).toBe(accepted);
  });
});

describe('threshold', () => {
  it('raises on the match that reaches the threshold, once', () => {
    let { group, raisedNow } = startGroup(T0, 3, 1);
    expect(raisedNow).toBe(false);
    ({ group, raisedNow } = addMatch(group, T0 + MIN, 2));
    expect(raisedNow).toBe(false);
    ({ group, raisedNow } = addMatch(group, T0 + 2 * MIN, 3));
    expect([raisedNow, group.raisedAt, group.eventCount]).toEqual([true, 3, 3]);
    ({ group, raisedNow } = addMatch(group, T0 + 3 * MIN, 4));
    expect([raisedNow, group.raisedAt, group.eventCount]).toEqual([false, 3, 4]);
  });

  it('a threshold of 1 raises on the first match', () => {
    expect(startGroup(T0, 1, 7)).toEqual({ group: { firstEventMs: T0, lastEventMs: T0, eventCount: 1, threshold: 1, raisedAt: 7 }, raisedNow: true });
  });
});

describe('AlertGrouper', () => {
  it('groups one dedup string within the period, splits at the period, keeps dedup strings apart', () => {
    const grouper = new AlertGrouper();
    const raised = [match(0), match(30), match(59), match(60), match(5, 'other')].map((m) => grouper.add(m, 0).raisedNow);
    expect(raised).toEqual([true, false, false, true, true]);
    const groups = [...grouper.groups()].map((g) => [g.dedup, g.state.eventCount]);
    expect(groups).toEqual([
      ['d', 3],
      ['d', 1],
      ['other', 1],
    ]);
  });

  it('below the threshold within a period, no alert; the matches of the next period count afresh', () => {
    const grouper = new AlertGrouper();
    const raised = [match(0, 'd', 3), match(10, 'd', 3), match(70, 'd', 3), match(80, 'd', 3), match(90, 'd', 3)].map((m) => grouper.add(m, 0).raisedNow);
    expect(raised).toEqual([false, false, false, false, true]);
  });

  it('groups the same history the same way whatever the order of arrival (newest first here)', () => {
    const times = [0, 20, 40, 55];
    const forward = new AlertGrouper();
    const backward = new AlertGrouper();
    for (const t of times) forward.add(match(t), 0);
    for (const t of [...times].reverse()) backward.add(match(t), 0);
    const counts = (g: AlertGrouper<ReturnType<typeof match>>) => [...g.groups()].map((x) => x.state.eventCount);
    expect(counts(forward)).toEqual([4]);
    expect(counts(backward)).toEqual([4]);
  });
});
