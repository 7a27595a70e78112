import { describe, expect, it } from 'vitest';
import { cutHourPieces, cutHoursOf, hourOf } from './cut-hour-pieces.js';

const H = 3_600_000;
const M = 60_000;
const h0 = Date.parse('2026-03-08T10:00:00Z');

describe('cutHourPieces', () => {
  it('splits an hour at a bucket boundary and derives the longer part from the hour count', () => {
    const buckets = { fromMs: h0 - 89 * M, bucketMs: 90 * M }; // a boundary at h0 + 1 min
    expect(cutHourPieces(h0, -Infinity, Infinity, buckets)).toEqual({
      counted: [{ from: h0, to: h0 + M, bucket: 0 }],
      derived: { from: h0 + M, to: h0 + H, bucket: 1 },
    });
    const late = { fromMs: h0 - 30 * M, bucketMs: 90 * M }; // a boundary at h0 + 60 min - 0: none inside; at h0 + 60 min is the next hour
    expect(cutHourPieces(h0, -Infinity, Infinity, late).counted).toEqual([]);
  });

  it('counts only the part inside the range when the part outside is the longer one', () => {
    expect(cutHourPieces(h0, h0 + 50 * M, Infinity, undefined)).toEqual({ counted: [{ from: h0 + 50 * M, to: h0 + H, bucket: 0 }], derived: undefined });
    expect(cutHourPieces(h0, h0 + 10 * M, Infinity, undefined)).toEqual({
      counted: [{ from: h0, to: h0 + 10 * M, bucket: undefined }],
      derived: { from: h0 + 10 * M, to: h0 + H, bucket: 0 },
    });
  });

  it('handles a range inside one hour, and several boundaries in an hour', () => {
    const { counted, derived } = cutHourPieces(h0, h0 + 5 * M, h0 + 20 * M, { fromMs: h0, bucketMs: 10 * M });
    expect(derived).toBeUndefined(); // the longest piece, [20 min, 60 min), is outside
    expect(counted).toEqual([
      { from: h0 + 5 * M, to: h0 + 10 * M, bucket: 0 },
      { from: h0 + 10 * M, to: h0 + 20 * M, bucket: 1 },
    ]);
  });

  it('reads at most half of a cut hour, never the longest piece', () => {
    for (let minute = 1; minute < 60; minute++) {
      const { counted, derived } = cutHourPieces(h0, -Infinity, Infinity, { fromMs: h0 + minute * M - 2 * H, bucketMs: 2 * H });
      const read = counted.reduce((ms, piece) => ms + piece.to - piece.from, 0);
      expect(read).toBeLessThanOrEqual(H / 2);
      expect(derived).toBeDefined();
      expect(read + (derived!.to - derived!.from)).toBe(H);
    }
  });
});

describe('cutHoursOf', () => {
  it('lists the hours of unaligned range ends and of boundaries inside an hour, sorted', () => {
    expect(cutHoursOf(h0, h0 + 3 * H, { fromMs: h0, bucketMs: H }, 100)).toEqual([]);
    expect(cutHoursOf(h0 + 1, h0 + 3 * H - 1, undefined, 100)).toEqual([h0, h0 + 2 * H]);
    expect(cutHoursOf(h0, h0 + 6 * H, { fromMs: h0, bucketMs: 90 * M }, 100)).toEqual([h0 + H, h0 + 4 * H]);
    expect(cutHoursOf(-Infinity, Infinity, undefined, 100)).toEqual([]);
    expect(hourOf(-1)).toBe(-H);
  });

  it('gives up (undefined) past `max` cut hours', () => {
    expect(cutHoursOf(h0, h0 + 100 * H, { fromMs: h0, bucketMs: H + 1 }, 10)).toBeUndefined();
    expect(cutHoursOf(h0, h0 + 10 * H, { fromMs: h0, bucketMs: H + 1 }, 10)).toHaveLength(9);
  });
});
