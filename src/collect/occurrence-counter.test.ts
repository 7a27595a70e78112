import { describe, expect, it } from 'vitest';
import { OccurrenceCounter } from './occurrence-counter.js';

const id = (s: string) => s;

describe('OccurrenceCounter', () => {
  it('numbers identical records on one page 0, 1, 2: real identical events stay distinct', () => {
    const counter = new OccurrenceCounter();
    const { counted, ambiguous } = counter.addPage(['a', 'b', 'a', 'a'], id);
    expect(counted.map((c) => `${c.record}${c.occurrence}`)).toEqual(['a0', 'b0', 'a1', 'a2']);
    expect(ambiguous.size).toBe(0);
  });

  it('continues counting on later pages that do not touch the previous one', () => {
    const counter = new OccurrenceCounter();
    counter.addPage(['a', 'b'], id);
    counter.addPage(['c'], id);
    const { counted } = counter.addPage(['a'], id);
    expect(counted).toEqual([{ record: 'a', index: 0, hash: 'a', occurrence: 1 }]);
  });

  it('counts a record repeated across a page boundary once and reports it ambiguous (a list that moved between requests)', () => {
    const counter = new OccurrenceCounter();
    counter.addPage(['x', 'y', 'z'], id);
    // A new record was added before the offset: z shows again at the top of page 2.
    const { counted, ambiguous } = counter.addPage(['z', 'w'], id);
    expect(counted.map((c) => `${c.record}${c.occurrence}`)).toEqual(['w0']);
    expect([...ambiguous]).toEqual(['z']);
  });

  it('keeps the copies beyond the overlap: 2 on the previous page, 3 here gives 3 in all', () => {
    const counter = new OccurrenceCounter();
    counter.addPage(['q', 'a', 'a'], id);
    const { counted } = counter.addPage(['a', 'a', 'a', 'r'], id);
    expect(counted.map((c) => `${c.record}${c.occurrence}`)).toEqual(['a2', 'r0']);
  });

  it('identical timeless records (no readable time: possibly days apart) on consecutive pages are all counted, unless in the zone a moved list repeats', () => {
    const timelessOf = (page: readonly string[]) => (i: number) => page[i] === 'T';
    const counter = new OccurrenceCounter();
    const first = ['a', 'T', 'b', 'c'];
    counter.addPage(first, id, timelessOf(first));
    const second = ['d', 'e', 'T', 'f', 'T'];
    const { counted, ambiguous } = counter.addPage(second, id, timelessOf(second));
    expect(counted.map((c) => `${c.record}${c.occurrence}`)).toEqual(['d0', 'e0', 'T1', 'f0', 'T2']);
    expect(ambiguous.size).toBe(0);
    // The list moved by two: `f, T` show again at the top of the next page.
    const third = ['f', 'T', 'g'];
    const moved = counter.addPage(third, id, timelessOf(third));
    expect(moved.counted.map((c) => `${c.record}${c.occurrence}`)).toEqual(['g0']);
    expect([...moved.ambiguous].sort()).toEqual(['T', 'f']);
  });

  it('a fresh counter (a restarted pass) numbers from 0 again, so the same ids come back', () => {
    const first = new OccurrenceCounter().addPage(['a', 'a'], id).counted.map((c) => c.occurrence);
    const again = new OccurrenceCounter().addPage(['a', 'a'], id).counted.map((c) => c.occurrence);
    expect(again).toEqual(first);
  });
});
