import { describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { LocalRequestBudget } from './request-budget.js';
import { DailyBudgetExhaustedError } from './zoom-errors.js';

describe('LocalRequestBudget', () => {
  it('spaces requests to the configured rate', async () => {
    const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
    const budget = new LocalRequestBudget(clock, { requestsPerSecond: 4, requestsPerDay: 1000 });
    const start = clock.now();
    for (let i = 0; i < 9; i++) await budget.acquire();
    // 9 requests at 4/s: the 9th may go 2 s after the first.
    expect(clock.now() - start).toBe(2_000);
  });

  it('spends a daily share and says when it resets (00:00 UTC)', async () => {
    const clock = new ManualClock(Date.parse('2026-03-10T23:00:00Z'));
    const budget = new LocalRequestBudget(clock, { requestsPerSecond: 100, requestsPerDay: 3 });
    for (let i = 0; i < 3; i++) await budget.acquire();
    const error = await budget.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DailyBudgetExhaustedError);
    expect((error as DailyBudgetExhaustedError).resetAt).toBe(Date.parse('2026-03-11T00:00:00Z'));
    expect((error as DailyBudgetExhaustedError).by).toBe('local');
    clock.set(Date.parse('2026-03-11T00:00:01Z'));
    await expect(budget.acquire()).resolves.toBeUndefined();
    expect(budget.spentToday()).toBe(1);
  });

  it('holds every caller while Zoom asks to wait', async () => {
    const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
    const budget = new LocalRequestBudget(clock, { requestsPerSecond: 100, requestsPerDay: 1000 });
    budget.holdUntil(clock.now() + 5_000);
    const start = clock.now();
    await budget.acquire();
    expect(clock.now() - start).toBe(5_000);
  });

  it('does not wait out a long hold (the daily cap): the request fails at once, saying until when', async () => {
    const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
    const budget = new LocalRequestBudget(clock, { requestsPerSecond: 100, requestsPerDay: 1000 });
    const midnight = Date.parse('2026-03-11T00:00:00Z');
    budget.holdUntil(midnight);
    await expect(budget.acquire()).rejects.toMatchObject({ name: 'DailyBudgetExhaustedError' });
    expect(clock.now()).toBe(Date.parse('2026-03-10T12:00:00Z'));
    clock.set(midnight - 60_000);
    await expect(budget.acquire()).resolves.toBeUndefined();
    expect(clock.now()).toBe(midnight);
  });

  it('refuses nonsensical limits with a message naming them', () => {
    const clock = new ManualClock(0);
    expect(() => new LocalRequestBudget(clock, { requestsPerSecond: 0 })).toThrow(/requestsPerSecond/);
    expect(() => new LocalRequestBudget(clock, { requestsPerDay: 0 })).toThrow(/requestsPerDay/);
  });
});
