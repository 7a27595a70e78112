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

/**
 * Records as `content@second` (seconds, newest first): the counter gets the
 * time, so it drops the counts a newest-first read has passed.
 */
function timedPage(counter: OccurrenceCounter, page: readonly string[]) {
  const timeOf = (i: number) => Number(page[i]!.split('@')[1]) * 1000;
  return counter.addPage(page, id, () => false, timeOf);
}
const occurrences = (result: { counted: { record: string; occurrence: number }[] }) => result.counted.map((c) => `${c.record}#${c.occurrence}`);

describe('OccurrenceCounter: dropping the counts a newest-first read has passed', () => {
  it('holds about two pages of counts however long the read, and numbers exactly as a counter that keeps them all', () => {
    const dropping = new OccurrenceCounter();
    const keeping = new OccurrenceCounter({ keepCounts: true });
    let second = 1_000_000;
    let most = 0;
    for (let p = 0; p < 200; p += 1) {
      // 300 records, every 50th second twice (an identical pair), some pairs split by the page boundary.
      const page: string[] = [];
      while (page.length < 300) {
        page.push(`r${second}@${second}`);
        if (second % 50 === 0 && page.length < 300) page.push(`r${second}@${second}`);
        second -= 1;
      }
      const a = timedPage(dropping, page);
      const b = timedPage(keeping, page);
      expect(a.outOfOrder).toBe(false);
      expect(occurrences(a)).toEqual(occurrences(b));
      most = Math.max(most, dropping.size);
    }
    expect(keeping.size).toBeGreaterThan(50_000);
    expect(most).toBeLessThanOrEqual(600);
  });

  it('an identical pair split by a page boundary at the last second of a day: the count survives into the next page, which moves to the day before', () => {
    // Page 1 ends with x at 00:00:00 of a day; page 2 shows it again (the list may have moved) and then two more
    // copies, then the day before. Two on page 2 beyond the one overlap: occurrences 1 and 2, never 0 again.
    const dayStart = 1_773_100_800; // 2026-03-10T00:00:00Z
    const counter = new OccurrenceCounter();
    expect(occurrences(timedPage(counter, [`a@${dayStart + 5}`, `x@${dayStart}`]))).toEqual(['a@1773100805#0', 'x@1773100800#0']);
    const second = timedPage(counter, [`x@${dayStart}`, `x@${dayStart}`, `x@${dayStart}`, `b@${dayStart - 1}`]);
    expect(occurrences(second)).toEqual(['x@1773100800#1', 'x@1773100800#2', 'b@1773100799#0']);
    expect([...second.ambiguous]).toEqual([`x@${dayStart}`]);
    // Page 3 repeats page 2's tail (the list moved by two): still the overlap, nothing new.
    const third = timedPage(counter, [`x@${dayStart}`, `b@${dayStart - 1}`, `c@${dayStart - 2}`]);
    expect(occurrences(third)).toEqual(['c@1773100798#0']);
  });

  it('keeps the counts of the page just read, even of seconds newer than its oldest: the next page may show more copies', () => {
    const counter = new OccurrenceCounter();
    timedPage(counter, ['n@11', 'x@10', 'a@9']);
    expect(occurrences(timedPage(counter, ['x@10', 'x@10', 'a@9', 'b@8']))).toEqual(['x@10#1', 'b@8#0']);
  });

  it('keeps the count of a second the read has not passed: a run of one second over three pages (ties reordered) numbers its copies on', () => {
    const counter = new OccurrenceCounter();
    timedPage(counter, ['n@20', 'x@10']);
    timedPage(counter, ['y@10', 'z@10']);
    // x again, two pages later, at the second the read is still in: a second copy, occurrence 1.
    expect(occurrences(timedPage(counter, ['x@10', 'o@5']))).toEqual(['x@10#1', 'o@5#0']);
  });

  it('refuses a page out of newest-first order once counts were dropped, counting nothing; a keepCounts counter numbers it on', () => {
    const pages = [
      ['a@9', 'b@8'],
      ['c@7', 'd@6'],
      ['e@5', 'a@9'],
    ];
    const dropping = new OccurrenceCounter();
    timedPage(dropping, pages[0]!);
    timedPage(dropping, pages[1]!);
    const refused = timedPage(dropping, pages[2]!);
    expect(refused.outOfOrder).toBe(true);
    expect(refused.counted).toEqual([]);

    const keeping = new OccurrenceCounter({ keepCounts: true });
    timedPage(keeping, pages[0]!);
    timedPage(keeping, pages[1]!);
    const counted = timedPage(keeping, pages[2]!);
    expect(counted.outOfOrder).toBe(false);
    expect(occurrences(counted)).toEqual(['e@5#0', 'a@9#1']);
  });

  it('a repeat of the previous page (a moved list) is in order, though newer than the watermark', () => {
    const counter = new OccurrenceCounter();
    timedPage(counter, ['a@9', 'b@8']);
    const moved = timedPage(counter, ['b@8', 'c@7']);
    expect(moved.outOfOrder).toBe(false);
    expect(occurrences(moved)).toEqual(['c@7#0']);
  });

  it('raiseTo hands out the occurrences a consistent page shows beyond those counted, and none below', () => {
    const counter = new OccurrenceCounter();
    timedPage(counter, ['x@5', 'y@4']);
    expect(counter.raiseTo('x@5', 3, 5000)).toEqual([1, 2]);
    expect(counter.raiseTo('x@5', 2, 5000)).toEqual([]);
    expect(counter.raiseTo('w@5', 1, 5000)).toEqual([0]);
  });
});
