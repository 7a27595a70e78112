import { describe, expect, it } from 'vitest';
import { echoedDay } from './echoed-day.js';

describe('echoedDay', () => {
  it.each([
    ['2026-03-10', '2026-03-10'],
    ['2019-09-14T00:00:00Z', '2019-09-14'],
    ['2026-03-10T23:59:59Z', '2026-03-10'],
    ['2026-03-10T00:00:00.000Z', '2026-03-10'],
    ['2026-03-10T00:00:00-07:00', '2026-03-10'],
    ['2026-03-10 00:00:00', '2026-03-10'],
  ])('%j names the day %j', (echoed, day) => {
    expect(echoedDay(echoed)).toBe(day);
  });

  it.each([undefined, null, 20260310, '', 'today', '2026-02-30', '2026-13-01T00:00:00Z', '2026-03-1', '2026-03-10x'])('%j names no day', (echoed) => {
    expect(echoedDay(echoed)).toBeUndefined();
  });
});
