import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 100, maxMs: 1_000 };
  it('doubles per attempt within [cap/2, cap]', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
  });
  it('never exceeds the cap', () => {
    expect(backoffDelay(30, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(30, policy, () => 0)).toBe(500);
  });
});
