import { describe, expect, it } from 'vitest';
import { describeQuietSchedule, isQuietAt, localTime, parseQuietSchedule, QuietScheduleError } from './quiet-schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('quiet schedule', () => {
  it('reads local weekday and time in the time zone, across DST', () => {
    // 2026-03-07 is a Saturday. 23:30 UTC is already Sunday 00:30 in Paris (UTC+1 in winter).
    expect(localTime(at('2026-03-07T23:30:00Z'), 'Europe/Paris')).toEqual({ weekday: 0, minutes: 30 });
    expect(localTime(at('2026-03-07T23:30:00Z'), 'UTC')).toEqual({ weekday: 6, minutes: 23 * 60 + 30 });
    // Summer (UTC+2): 2026-07-01 22:15 UTC is 00:15 Thursday 2 July in Paris.
    expect(localTime(at('2026-07-01T22:15:00Z'), 'Europe/Paris')).toEqual({ weekday: 4, minutes: 15 });
    // New York at 03:00 UTC on a Monday is still Sunday 22:00 (UTC-5).
    expect(localTime(at('2026-03-02T03:00:00Z'), 'America/New_York')).toEqual({ weekday: 0, minutes: 22 * 60 });
  });

  it('whole days are quiet in the schedule time zone, not in UTC', () => {
    const weekend = { timeZone: 'Europe/Paris', days: [0, 6] };
    expect(isQuietAt(weekend, at('2026-03-07T10:00:00Z'))).toBe(true); // Saturday
    expect(isQuietAt(weekend, at('2026-03-08T22:59:00Z'))).toBe(true); // Sunday 23:59 Paris
    expect(isQuietAt(weekend, at('2026-03-08T23:00:00Z'))).toBe(false); // Monday 00:00 Paris, still Sunday in UTC
    expect(isQuietAt(weekend, at('2026-03-06T23:00:00Z'))).toBe(true); // Friday 23:00 UTC = Saturday 00:00 Paris
    expect(isQuietAt(weekend, at('2026-03-06T22:59:00Z'))).toBe(false);
    expect(isQuietAt(weekend, at('2026-03-10T12:00:00Z'))).toBe(false); // Tuesday
  });

  it('a daily window, plain or wrapping past midnight; from inclusive, to exclusive', () => {
    const office = { timeZone: 'UTC', window: { from: '09:00', to: '17:00' } };
    expect(isQuietAt(office, at('2026-03-10T09:00:00Z'))).toBe(true);
    expect(isQuietAt(office, at('2026-03-10T16:59:00Z'))).toBe(true);
    expect(isQuietAt(office, at('2026-03-10T17:00:00Z'))).toBe(false);
    expect(isQuietAt(office, at('2026-03-10T08:59:00Z'))).toBe(false);
    const night = { timeZone: 'Asia/Tokyo', window: { from: '22:00', to: '06:00' } };
    // Tokyo is UTC+9: 13:00 UTC = 22:00, 20:59 UTC = 05:59, 21:00 UTC = 06:00.
    expect(isQuietAt(night, at('2026-03-10T13:00:00Z'))).toBe(true);
    expect(isQuietAt(night, at('2026-03-10T15:00:00Z'))).toBe(true); // midnight
    expect(isQuietAt(night, at('2026-03-10T20:59:00Z'))).toBe(true);
    expect(isQuietAt(night, at('2026-03-10T21:00:00Z'))).toBe(false);
    expect(isQuietAt(night, at('2026-03-10T12:59:00Z'))).toBe(false);
  });

  it('days and a window together; null is never quiet', () => {
    const both = { timeZone: 'UTC', days: [0], window: { from: '23:00', to: '01:00' } };
    expect(isQuietAt(both, at('2026-03-08T12:00:00Z'))).toBe(true); // Sunday
    expect(isQuietAt(both, at('2026-03-10T00:30:00Z'))).toBe(true); // in the window
    expect(isQuietAt(both, at('2026-03-10T12:00:00Z'))).toBe(false);
    expect(isQuietAt(null, at('2026-03-08T12:00:00Z'))).toBe(false);
    expect(describeQuietSchedule(both)).toBe('Sunday, and daily 23:00-01:00 (UTC)');
  });

  it('parses and rejects with a reason', () => {
    expect(parseQuietSchedule({ timeZone: 'Europe/Paris', days: [6, 0, 6] })).toEqual({ timeZone: 'Europe/Paris', days: [0, 6] });
    const bad: unknown[] = [
      null,
      { timeZone: 'Mars/Olympus', days: [0] },
      { timeZone: 'UTC' },
      { timeZone: 'UTC', days: [7] },
      { timeZone: 'UTC', window: { from: '24:00', to: '01:00' } },
      { timeZone: 'UTC', window: { from: '01:00', to: '01:00' } },
      { timeZone: 'UTC', days: [1], extra: true },
    ];
    for (const value of bad) expect(() => parseQuietSchedule(value), JSON.stringify(value)).toThrow(QuietScheduleError);
  });
});
