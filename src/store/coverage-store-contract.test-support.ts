import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { Store } from './store.js';
import { ACTIVITY, BATCH_SIZE, sampleSource, START, type StoreContractOptions, type StoreUnderTest } from './store-contract.test-support.js';

/**
 * The CoverageStore part of the store contract (per-day coverage), as one vitest suite.
 * `openStore` returns a fresh, empty store using the given clock and batch size.
 */
export function describeCoverageStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Coverage store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      clock = new ManualClock(START);
      ({ store, cleanup } = await openStore({ clock, batchSize: BATCH_SIZE }));
    });
    afterEach(async () => cleanup());

    describe('day coverage', () => {
      it('applies day updates field by field, creating the row when absent', async () => {
        const { id } = await store.createSource(sampleSource());
        await store.updateStream(id, ACTIVITY, { lastPollAt: START }, [
          { day: '2026-03-05', state: 'complete', lastFullReadAt: START },
          { day: '2026-03-06', ambiguous: true, lastError: 'page boundary' },
        ]);
        clock.advance(5_000);
        await store.updateStream(id, ACTIVITY, {}, [
          { day: '2026-03-06', state: 'failed' },
          { day: '2026-03-05', lastError: null },
        ]);
        const days = await store.listDayCoverage(id, ACTIVITY, '2026-03-05', '2026-03-06');
        expect(days).toEqual([
          {
            sourceId: id,
            logType: ACTIVITY,
            day: '2026-03-05',
            records: 0,
            lastFullReadAt: START,
            state: 'complete',
            ambiguous: false,
            gainedAfterComplete: 0,
            lastError: null,
            updatedAt: START + 5_000,
          },
          {
            sourceId: id,
            logType: ACTIVITY,
            day: '2026-03-06',
            records: 0,
            lastFullReadAt: null,
            state: 'failed',
            ambiguous: true,
            gainedAfterComplete: 0,
            lastError: 'page boundary',
            updatedAt: START + 5_000,
          },
        ]);
        await store.updateStream(id, ACTIVITY, {}, [{ day: '2026-03-06', ambiguous: false, lastError: null }]);
        expect((await store.listDayCoverage(id, ACTIVITY, '2026-03-06', '2026-03-06'))[0]).toMatchObject({ ambiguous: false, lastError: null, state: 'failed' });
        expect(await store.listDayCoverage(id, ACTIVITY, '2026-03-06', '2026-03-30')).toHaveLength(1);
      });
    });
  });
}
