import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COVERAGE_LOG_TYPE, coverageDigest } from '../domain/coverage-digest.js';
import { ManualClock } from '../shared/clock.js';
import { sampleSink } from './sink-store-contract.test-support.js';
import type { SinkBatch } from './sink-store.js';
import type { Store } from './store.js';
import { BATCH_SIZE, OPERATION, page, sampleEvent, sampleSource, START, type StoreContractOptions, type StoreUnderTest } from './store-contract.test-support.js';

const DAY = '2026-03-09';
const T = Date.parse(`${DAY}T08:00:00Z`);

/**
 * The SinkCoverageStore part of the store contract (issue 18 part 4 and the
 * sink leases): coverage records written by the page writers when a day
 * becomes complete or a complete day gains records, read in the forward log
 * after the day's events, once per version; and sink leases.
 */
export function describeSinkCoverageStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Sink coverage store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;
    let source: string;

    beforeEach(async () => {
      clock = new ManualClock(START);
      ({ store, cleanup } = await openStore({ clock, batchSize: BATCH_SIZE }));
      source = (await store.createSource(sampleSource())).id;
    });
    afterEach(async () => cleanup());

    // PostgreSQL reads the forward log below the snapshot's xmin: a transaction open elsewhere on the
    // shared test database (another test file) holds rows back for a moment, so wait until the batch is `ready`.
    const readBatch = async (sinkId: string, logTypes?: string[], ready = (b: SinkBatch) => (b.coverage?.length ?? 0) > 0) => {
      const until = Date.now() + 15_000;
      for (;;) {
        const batch = await store.readSinkBatch(sinkId, { maxEvents: 100, ...(logTypes ? { logTypes } : {}) });
        if (ready(batch) || Date.now() > until) return batch;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    it('a day becoming complete gets a coverage record after its events; late records a new version; complete again nothing', async () => {
      const sink = await store.createSink(sampleSink());
      await store.commitPage(page(source, [sampleEvent('b1', T), sampleEvent('a2', T + 1000)]));
      await store.commitPage(page(source, [sampleEvent('c3', T + 2000)], { days: [{ day: DAY, state: 'complete' }] }));
      // Complete again: no new version. Another day open: nothing.
      await store.updateStream(source, 'Zoom.Activity', {}, [
        { day: DAY, state: 'complete' },
        { day: '2026-03-08', state: 'open' },
      ]);

      const first = await readBatch(sink.id);
      expect(first.events.map((e) => e.rowId)).toEqual(['b1', 'a2', 'c3']);
      expect(first.coverage).toEqual([
        expect.objectContaining({
          sourceId: source,
          logType: 'Zoom.Activity',
          day: DAY,
          version: 1,
          state: 'complete',
          eventCount: 3,
          records: 3,
          lateRecords: 0,
          digest: coverageDigest(['a2', 'b1', 'c3']),
          createdAt: START,
        }),
      ]);
      expect(await store.advanceSink(sink.id, { from: first.from, to: first.to, delivered: 4, deadLetters: [], storedAt: first.lastStoredAt, now: START })).toBe(true);

      // A late record on the complete day: version 2, after that record.
      clock.advance(5000);
      await store.commitPage(page(source, [sampleEvent('d4', T + 3000)]));
      const second = await readBatch(sink.id);
      expect(second.events.map((e) => e.rowId)).toEqual(['d4']);
      expect(second.coverage).toEqual([expect.objectContaining({ day: DAY, version: 2, eventCount: 4, lateRecords: 1, digest: coverageDigest(['a2', 'b1', 'c3', 'd4']) })]);
      expect(second.coverage?.[0]?.id).not.toBe(first.coverage?.[0]?.id);
      expect(await store.sinkBacklog(sink.id)).toMatchObject({ events: 2 });

      expect((await store.listCoverageRecords({ fromDay: DAY, toDay: DAY })).map((c) => c.version)).toEqual([1, 2]);
      expect(await store.dayEventRowIds('Zoom.Activity', DAY)).toEqual(['a2', 'b1', 'c3', 'd4']);
      expect(await store.dayEventRowIds('Zoom.Operation', DAY)).toEqual([]);
    });

    it('a sink filtered to other log types gets no coverage record of this stream', async () => {
      const sink = await store.createSink(sampleSink({ logTypes: [OPERATION] }));
      await store.commitPage(page(source, [sampleEvent('e1', T)], { days: [{ day: DAY, state: 'complete' }] }));
      const batch = await readBatch(sink.id, [OPERATION], (b) => b.to.seq - b.from.seq >= 2);
      expect(batch.events).toEqual([]);
      expect(batch.coverage).toEqual([]);
      expect(batch.to.seq).toBeGreaterThan(batch.from.seq);
      const all = await store.createSink(sampleSink({ name: 'all' }));
      const allBatch = await readBatch(all.id);
      expect(allBatch.coverage?.map((c) => c.logType)).toEqual(['Zoom.Activity']);
      expect(COVERAGE_LOG_TYPE).toBe('Zoomtrail.Coverage');
    });

    it('a sink lease is held by one owner at a time; a takeover after expiry gets token + 1 and the old holder cannot renew', async () => {
      const sink = await store.createSink(sampleSink());
      const a = await store.acquireSinkLease(sink.id, 'instance-a', 30_000);
      expect(a).toMatchObject({ sinkId: sink.id, owner: 'instance-a', token: 1 });
      expect(await store.acquireSinkLease(sink.id, 'instance-b', 30_000)).toBeNull();
      expect(await store.acquireSinkLease(sink.id, 'instance-a', 30_000)).toMatchObject({ token: 1 });
      expect(await store.renewSinkLease(a!, 30_000)).toBe(true);
      clock.advance(30_001);
      const b = await store.acquireSinkLease(sink.id, 'instance-b', 30_000);
      expect(b).toMatchObject({ owner: 'instance-b', token: 2 });
      expect(await store.renewSinkLease(a!, 30_000)).toBe(false);
      await store.releaseSinkLease(b!);
      expect(await store.acquireSinkLease(sink.id, 'instance-a', 30_000)).toMatchObject({ token: 3 });
      expect((await store.listSinkLeases()).map((l) => l.owner)).toEqual(['instance-a']);
      await store.removeSink(sink.id);
      expect(await store.listSinkLeases()).toEqual([]);
    });
  });
}
