import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { Store } from './store.js';
import { ACTIVITY, collect, ids, page, sampleEvent, sampleFailure, sampleSource, START, type StoreUnderTest, type StoreContractOptions } from './store-contract.test-support.js';

/**
 * Reads see what was committed before they started, whichever connection runs
 * them (the SQLite file store reads events and failures on a read-only
 * connection in a worker thread; PostgreSQL on any pooled connection).
 */
export function describeReadAfterCommitContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Read-after-commit contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await openStore({ clock: new ManualClock(START), batchSize: 3 }));
    });
    afterEach(async () => cleanup());

    it('every stream, count and histogram sees each page committed before it, page after page', async () => {
      const { id } = await store.createSource(sampleSource());
      const day = Date.parse('2026-03-08T00:00:00Z');
      const expected: string[] = [];
      for (let p = 0; p < 4; p++) {
        const events = Array.from({ length: 4 }, (_, i) => sampleEvent(`r${p}-${i}`, day + p * 60_000 + i));
        await store.commitPage(page(id, events, { failures: [sampleFailure(`f${p}`, '2026-03-08', START + p)] }));
        expected.push(...events.map((e) => e.rowId));

        expect(await store.countEvents({ sourceId: id })).toBe(expected.length);
        expect(ids(await collect(store.queryEvents({ sourceId: id })))).toEqual(expected);
        expect(ids(await collect(store.queryEvents({ sourceId: id, order: 'desc', limit: 2 })))).toEqual(expected.slice(-2).reverse());
        const histogram = await store.eventHistogram({ logType: ACTIVITY }, day, day + 3_600_000, 60_000);
        expect(histogram.slice(0, p + 1)).toEqual(Array.from({ length: p + 1 }, () => 4));
        expect(histogram.reduce((a, b) => a + b, 0)).toBe(expected.length);
        expect(await store.countFailures({ sourceId: id })).toBe(p + 1);
        expect((await collect(store.listFailures({ sourceId: id }))).map((f) => f.rowId)).toEqual(Array.from({ length: p + 1 }, (_, i) => `f${i}`));
      }
    });

    it('a count asked right after a commit resolves sees it, while further commits go on', async () => {
      const { id } = await store.createSource(sampleSource());
      const day = Date.parse('2026-03-08T00:00:00Z');
      expect(await store.countEvents({ sourceId: id })).toBe(0); // the reading side is up before the first commit
      const counts: Array<Promise<number>> = [];
      for (let i = 0; i < 10; i++) {
        await store.commitPage(page(id, [sampleEvent(`r${i}`, day + i)]));
        counts.push(store.countEvents({ sourceId: id }));
      }
      const seen = await Promise.all(counts);
      // Each count saw at least the commits before it was asked; never fewer.
      seen.forEach((n, i) => expect(n).toBeGreaterThanOrEqual(i + 1));
      expect(seen.at(-1)).toBe(10);
    });
  });
}
