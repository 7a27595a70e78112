import { describe, expect, it } from 'vitest';
import { utcDay } from './clock.js';

/** What utcDay answers, computed afresh every time. */
function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

describe('utcDay', () => {
  it('answers the UTC day of each time, across day boundaries, back and forth, and before 1970', () => {
    const midnight = Date.UTC(2026, 11, 4);
    const times = [
      midnight,
      midnight - 1,
      midnight,
      midnight + 86_399_999,
      midnight + 86_400_000,
      midnight + 0.5,
      midnight - 0.5,
      midnight - 86_400_000 * 400,
      midnight,
      -1,
      0,
      -86_400_000,
      -86_400_001,
      -0.5,
    ];
    for (const ms of times) expect(utcDay(ms), String(ms)).toBe(dayOf(ms));
  });

  it('throws for a time that is no date, also after a valid one, and still answers afterwards', () => {
    expect(utcDay(Date.UTC(2026, 0, 1))).toBe('2026-01-01');
    expect(() => utcDay(Number.NaN)).toThrow(RangeError);
    expect(() => utcDay(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => utcDay(8.64e15 + 86_400_000)).toThrow(RangeError);
    expect(utcDay(Date.UTC(2026, 0, 1, 12))).toBe('2026-01-01');
  });
});
