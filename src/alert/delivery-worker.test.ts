import { describe, expect, it } from 'vitest';
import { DELIVERY_RETRY, nextAttemptAt } from './delivery-worker.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const failure = { ok: false as const, retryable: true, status: 503, message: 'HTTP 503' };

describe('nextAttemptAt', () => {
  it('backs off 30 s doubling to one hour', () => {
    const delays = [0, 1, 2, 3, 7, 8, 20].map((attempts) => nextAttemptAt({ attempts, createdAt: NOW }, failure, NOW)! - NOW);
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('waits at least as long as Retry-After says', () => {
    expect(nextAttemptAt({ attempts: 0, createdAt: NOW }, { ...failure, retryAfterMs: 600_000 }, NOW)).toBe(NOW + 600_000);
  });

  it('gives up on a failure retrying cannot fix, and after three days', () => {
    expect(nextAttemptAt({ attempts: 0, createdAt: NOW }, { ...failure, retryable: false }, NOW)).toBeNull();
    const old = NOW - DELIVERY_RETRY.giveUpAfterMs + 10_000;
    expect(nextAttemptAt({ attempts: 5, createdAt: old }, failure, NOW)).toBeNull();
  });
});
