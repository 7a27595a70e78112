import { describe, expect, it } from 'vitest';
import { addDays } from '../domain/utc-days.js';
import type { DayState } from '../store/store.js';
import { firstUnprovenDay, hasLearned, historyStartDay, learningUntil, reliedFrom } from './history-proof.js';

const states = (from: string, to: string, state: DayState = 'complete') => {
  const map = new Map<string, DayState>();
  for (let d = from; d <= to; d = addDays(d, 1)) map.set(d, state);
  return map;
};

describe('history proof', () => {
  it('starts history at the backfill start, after the newest purged day', () => {
    expect(historyStartDay('2026-03-10', 7)).toBe('2026-03-04');
    expect(historyStartDay('2026-03-10', 500)).toBe(addDays('2026-03-10', -179));
    expect(historyStartDay('2026-03-10', 7, ['2026-03-01', '2026-03-05'])).toBe('2026-03-06');
  });

  it('relies on the look-back, cut at the history start', () => {
    expect(reliedFrom('2026-03-20', 90, '2026-03-04')).toBe('2026-03-04');
    expect(reliedFrom('2026-03-20', 1, '2026-03-04')).toBe('2026-03-19');
    expect(reliedFrom('2026-03-01', 90, '2026-03-04')).toBe('2026-03-01'); // before the start: only its own day
  });

  it('names the first day that is not complete (open, failed, unread), its own day included', () => {
    const s = states('2026-03-04', '2026-03-20');
    expect(firstUnprovenDay('2026-03-20', 90, '2026-03-04', s)).toBeNull();
    s.set('2026-03-10', 'failed');
    expect(firstUnprovenDay('2026-03-20', 90, '2026-03-04', s)).toBe('2026-03-10');
    expect(firstUnprovenDay('2026-03-20', 1, '2026-03-04', s)).toBeNull();
    s.delete('2026-03-19');
    expect(firstUnprovenDay('2026-03-20', 1, '2026-03-04', s)).toBe('2026-03-19');
    expect(firstUnprovenDay('2026-03-21', 0, '2026-03-04', s)).toBe('2026-03-21'); // its own day is unread
    s.set('2026-03-21', 'open');
    expect(firstUnprovenDay('2026-03-21', 0, '2026-03-04', s)).toBe('2026-03-21');
  });

  it('learns for learningDays complete days before the event', () => {
    expect(hasLearned('2026-03-17', 90, '2026-03-04', 14)).toBe(false);
    expect(hasLearned('2026-03-18', 90, '2026-03-04', 14)).toBe(true);
    expect(learningUntil('2026-03-04', 14)).toBe('2026-03-18');
    expect(hasLearned('2026-03-18', 7, '2026-03-04', 14)).toBe(true); // a look-back shorter than the learning period: the look-back
  });
});
