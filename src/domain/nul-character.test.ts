import { describe, expect, it } from 'vitest';
import { findNulPath, showNul } from './nul-character.js';

describe('NUL characters', () => {
  it('finds the first string or key holding U+0000, by path', () => {
    expect(findNulPath({ a: 'x', b: 'y\u0000' })).toBe('b');
    expect(findNulPath({ a: { list: ['ok', 'n\u0000o'] } })).toBe('a.list[1]');
    expect(findNulPath({ ['k\u0000ey']: 1 })).toBe('k\\u0000ey');
    expect(findNulPath('\u0000')).toBe('');
    expect(findNulPath({ a: 'x', n: 1, t: true, z: null, arr: [{ b: 'c' }] })).toBeUndefined();
  });

  it('shows NUL written out', () => {
    expect(showNul('a\u0000b\u0000')).toBe('a\\u0000b\\u0000');
  });
});
