import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { coverageDigest } from './coverage-digest.js';
import { coverageDigestOfSorted } from './coverage-digest-of-sorted.js';

/** Row ids shaped like rowIdFor's: 8 hex digits of the second, then 24 of a hash. */
const rowIds = (n: number) =>
  Array.from({ length: n }, (_, i) => (1_773_100_000 + Math.floor(i / 3)).toString(16) + createHash('sha256').update(String(i)).digest('hex').slice(0, 24)).sort();

describe('coverageDigestOfSorted', () => {
  it('gives coverageDigest of sorted row ids, over many pieces of text, and their number', () => {
    const ids = rowIds(5000); // 5000 * 33 characters: three pieces
    expect(coverageDigestOfSorted(ids)).toEqual({ digest: coverageDigest(ids), count: 5000 });
    expect(coverageDigestOfSorted(ids.slice(0, 1))).toEqual({ digest: coverageDigest(ids.slice(0, 1)), count: 1 });
    expect(coverageDigestOfSorted([])).toEqual({ digest: coverageDigest([]), count: 0 });
  });

  it('returns null when a row id arrives before the one before it, and stops reading there', () => {
    const read: string[] = [];
    function* ids() {
      for (const id of ['a1', 'b2', 'a3', 'c4']) {
        read.push(id);
        yield id;
      }
    }
    expect(coverageDigestOfSorted(ids())).toBeNull();
    expect(read).toEqual(['a1', 'b2', 'a3']);
  });
});
