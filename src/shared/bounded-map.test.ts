import { describe, expect, it } from 'vitest';
import { setBounded } from './bounded-map.js';

describe('setBounded', () => {
  it('holds at most its size, dropping the entry inserted first', () => {
    const map = new Map<string, number>();
    for (let i = 0; i < 10; i += 1) setBounded(map, `k${i}`, i, 3);
    expect([...map.entries()]).toEqual([
      ['k7', 7],
      ['k8', 8],
      ['k9', 9],
    ]);
  });

  it('replacing a key it holds drops nothing', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    setBounded(map, 'a', 3, 2);
    expect([...map.entries()]).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });
});
