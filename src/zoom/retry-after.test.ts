import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads a number of seconds', () => {
    expect(parseRetryAfter('1', NOW)).toBe(NOW + 1000);
    expect(parseRetryAfter(' 30 ', NOW)).toBe(NOW + 30_000);
  });
  it("reads Zoom's ISO date-time form (the daily limit's reset)", () => {
    expect(parseRetryAfter('2026-03-11T00:00:00Z', NOW)).toBe(Date.parse('2026-03-11T00:00:00Z'));
  });
  it('reads an HTTP-date', () => {
    expect(parseRetryAfter('Wed, 11 Mar 2026 00:00:00 GMT', NOW)).toBe(Date.parse('2026-03-11T00:00:00Z'));
  });
  it('answers undefined for absent or unreadable values instead of crashing', () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});
