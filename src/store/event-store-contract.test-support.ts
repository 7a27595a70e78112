import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { Store } from './store.js';
import {
  ACTIVITY,
  BATCH_SIZE,
  collect,
  ids,
  OPERATION,
  page,
  sampleEvent,
  sampleFailure,
  sampleOperationEvent,
  sampleSource,
  START,
  type StoreContractOptions,
  type StoreUnderTest,
} from './store-contract.test-support.js';

/**
 * The EventStore part of the store contract (the page commit, events and failures read back), as one vitest suite.
 * `openStore` returns a fresh, empty store using the given clock and batch size.
 */
export function describeEventStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Event store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      clock = new ManualClock(START);
      ({ store, cleanup } = await openStore({ clock, batchSize: BATCH_SIZE }));
    });
    afterEach(async () => cleanup());

    describe('commitPage', () => {
      it('inserts new events, counts them per day and creates open coverage rows', async () => {
        const { id } = await store.createSource(sampleSource());
        const day1 = Date.parse('2026-03-08T10:00:00Z');
        const day2 = Date.parse('2026-03-09T10:00:00Z');
        const events = [sampleEvent('r1', day1), sampleEvent('r2', day1 + 1), sampleEvent('r3', day2)];
        const result = await store.commitPage(page(id, events, { stream: { readingWindow: '2026-03-08..2026-03-09', readingPages: 1 } }));

        expect(result.insertedEventIds).toEqual(['r1', 'r2', 'r3']);
        expect(result.insertedFailures).toBe(0);
        expect(result.insertedPerDay).toEqual(
          new Map([
            ['2026-03-08', 2],
            ['2026-03-09', 1],
          ]),
        );
        expect(result.gainedAfterComplete).toEqual(new Map());

        const coverage = await store.listDayCoverage(id, ACTIVITY, '2026-03-01', '2026-03-31');
        expect(coverage).toEqual([
          {
            sourceId: id,
            logType: ACTIVITY,
            day: '2026-03-08',
            records: 2,
            lastFullReadAt: null,
            state: 'open',
            ambiguous: false,
            gainedAfterComplete: 0,
            lastError: null,
            updatedAt: START,
          },
          {
            sourceId: id,
            logType: ACTIVITY,
            day: '2026-03-09',
            records: 1,
            lastFullReadAt: null,
            state: 'open',
            ambiguous: false,
            gainedAfterComplete: 0,
            lastError: null,
            updatedAt: START,
          },
        ]);
        expect(await store.listDayCoverage(id, OPERATION, '2026-03-01', '2026-03-31')).toEqual([]);
        expect(await store.getStreamState(id, ACTIVITY)).toMatchObject({ readingWindow: '2026-03-08..2026-03-09', readingPages: 1 });

        const stored = await collect(store.queryEvents({ sourceId: id }));
        expect(stored[0]).toEqual({ ...events[0], sourceId: id, logType: ACTIVITY, storedAt: START });
      });

      it('leaves an existing row id untouched: a second commit inserts nothing and keeps records', async () => {
        const { id } = await store.createSource(sampleSource());
        const t = Date.parse('2026-03-08T10:00:00Z');
        await store.commitPage(page(id, [sampleEvent('r1', t), sampleEvent('r2', t + 1)]));
        clock.advance(60_000);
        const changed = { ...sampleEvent('r1', t), event: { changed: true } };
        const again = await store.commitPage(page(id, [changed, sampleEvent('r2', t + 1), sampleEvent('r3', t + 2)]));
        expect(again.insertedEventIds).toEqual(['r3']);
        expect(again.insertedPerDay).toEqual(new Map([['2026-03-08', 1]]));

        const none = await store.commitPage(page(id, [sampleEvent('r1', t), sampleEvent('r3', t + 2)]));
        expect(none.insertedEventIds).toEqual([]);
        expect(none.insertedPerDay.size).toBe(0);

        const [day] = await store.listDayCoverage(id, ACTIVITY, '2026-03-08', '2026-03-08');
        expect(day?.records).toBe(3);
        const stored = await collect(store.queryEvents({ sourceId: id }));
        expect(stored.map((e) => [e.rowId, e.storedAt])).toEqual([
          ['r1', START],
          ['r2', START],
          ['r3', START + 60_000],
        ]);
        expect(stored[0]?.event).toEqual(sampleEvent('r1', t).event);
        // The duplicate did not add its indicators twice.
        expect(await store.countEvents({ email: 'alice@example.com' })).toBe(3);
      });

      it('reports records gained by a day that was already complete', async () => {
        const { id } = await store.createSource(sampleSource());
        const t = Date.parse('2026-03-07T23:59:59Z');
        await store.commitPage(page(id, [sampleEvent('r1', t)], { days: [{ day: '2026-03-07', state: 'complete', lastFullReadAt: START }] }));
        let [day] = await store.listDayCoverage(id, ACTIVITY, '2026-03-07', '2026-03-07');
        expect(day).toMatchObject({ records: 1, state: 'complete', lastFullReadAt: START, gainedAfterComplete: 0 });

        const late = await store.commitPage(
          page(id, [sampleEvent('r1', t), sampleEvent('late1', t - 5), sampleEvent('late2', t - 4), sampleEvent('r9', Date.parse('2026-03-08T00:00:01Z'))]),
        );
        expect(late.gainedAfterComplete).toEqual(new Map([['2026-03-07', 2]]));
        expect(late.insertedPerDay).toEqual(
          new Map([
            ['2026-03-07', 2],
            ['2026-03-08', 1],
          ]),
        );
        [day] = await store.listDayCoverage(id, ACTIVITY, '2026-03-07', '2026-03-07');
        expect(day).toMatchObject({ records: 3, state: 'complete', gainedAfterComplete: 2 });

        const more = await store.commitPage(page(id, [sampleEvent('late3', t - 3)]));
        expect(more.gainedAfterComplete).toEqual(new Map([['2026-03-07', 1]]));
        [day] = await store.listDayCoverage(id, ACTIVITY, '2026-03-07', '2026-03-07');
        expect(day?.gainedAfterComplete).toBe(3);
      });

      it('stores classification failures once, counts them in the day and lists them', async () => {
        const { id } = await store.createSource(sampleSource());
        const t = Date.parse('2026-03-08T10:00:00Z');
        const failures = [sampleFailure('f2', '2026-03-08', START + 5), sampleFailure('f1', '2026-03-08', START + 5), sampleFailure('f3', '2026-03-09', START)];
        const result = await store.commitPage(page(id, [sampleEvent('r1', t)], { failures }));
        expect(result.insertedFailures).toBe(3);
        expect(result.insertedPerDay).toEqual(
          new Map([
            ['2026-03-08', 3],
            ['2026-03-09', 1],
          ]),
        );
        const again = await store.commitPage(page(id, [], { failures }));
        expect(again.insertedFailures).toBe(0);
        expect((await store.listDayCoverage(id, ACTIVITY, '2026-03-08', '2026-03-09')).map((d) => d.records)).toEqual([3, 1]);

        const listed = await collect(store.listFailures({ sourceId: id }));
        expect(listed.map((f) => f.rowId)).toEqual(['f3', 'f1', 'f2']);
        expect(listed[0]).toEqual({ ...failures[2], sourceId: id, logType: ACTIVITY });
        expect(await collect(store.listFailures({ sourceId: id, logType: OPERATION }))).toEqual([]);
        expect((await collect(store.listFailures({ limit: 2 }))).length).toBe(2);
        expect(await store.countFailures({ sourceId: id })).toBe(3);
        expect(await store.countFailures({ logType: OPERATION })).toBe(0);
      });

      it('lists failures across several batches', async () => {
        const { id } = await store.createSource(sampleSource());
        const failures = Array.from({ length: 20 }, (_, i) => sampleFailure(`f${String(i).padStart(2, '0')}`, '2026-03-08', START + Math.floor(i / 3)));
        await store.commitPage(page(id, [], { failures }));
        const listed = await collect(store.listFailures({}));
        expect(listed.map((f) => f.rowId)).toEqual(failures.map((f) => f.rowId));
        expect((await collect(store.listFailures({ limit: 9 }))).map((f) => f.rowId)).toEqual(failures.slice(0, 9).map((f) => f.rowId));
      });

      it('is atomic: when the stream update fails, no event, failure or coverage change remains', async () => {
        const { id } = await store.createSource(sampleSource());
        const t = Date.parse('2026-03-08T10:00:00Z');
        await store.commitPage(page(id, [sampleEvent('r1', t)], { stream: { readingPages: 1 } }));
        const bad = page(id, [sampleEvent('r2', t + 1), sampleEvent('r3', t + 2)], {
          failures: [sampleFailure('f1', '2026-03-08', START)],
          days: [{ day: '2026-03-08', state: 'complete' }],
          // consecutiveFailures is NOT NULL: the stream update, last in the transaction, fails.
          stream: { readingPages: 2, consecutiveFailures: null as unknown as number },
        });
        await expect(store.commitPage(bad)).rejects.toThrow();

        expect(ids(await collect(store.queryEvents({})))).toEqual(['r1']);
        expect(await store.countEvents({ email: 'alice@example.com' })).toBe(1);
        expect(await store.countFailures({})).toBe(0);
        const [day] = await store.listDayCoverage(id, ACTIVITY, '2026-03-08', '2026-03-08');
        expect(day).toMatchObject({ records: 1, state: 'open' });
        expect((await store.getStreamState(id, ACTIVITY)).readingPages).toBe(1);

        // The same page, corrected, then goes through whole.
        const fixed = await store.commitPage({ ...bad, stream: { readingPages: 2 } });
        expect(fixed.insertedEventIds).toEqual(['r2', 'r3']);
      });
    });

    describe('queryEvents', () => {
      let a: string;
      let b: string;
      const t0 = Date.parse('2026-03-08T00:00:00Z');

      beforeEach(async () => {
        a = (await store.createSource(sampleSource({ name: 'a' }))).id;
        b = (await store.createSource(sampleSource({ name: 'b' }))).id;
        await store.commitPage(
          page(a, [
            sampleEvent('a1', t0, 'Alice@Example.com', '203.0.113.7'),
            sampleEvent('a2', t0 + 1_000, 'bob@example.com', '2001:db8::1'),
            sampleEvent('a3', t0 + 2_000, 'alice@example.com', '198.51.100.2'),
          ]),
        );
        await store.commitPage({ ...page(a, [sampleEvent('a4', t0 + 1_000, 'carol@example.com', '203.0.113.7')]), logType: OPERATION });
        await store.commitPage(page(b, [sampleEvent('b1', t0 + 500, 'ALICE@example.com', '192.0.2.1')]));
      });

      it('orders by event time then row id and filters by source and log type', async () => {
        expect(ids(await collect(store.queryEvents({})))).toEqual(['a1', 'b1', 'a2', 'a4', 'a3']);
        expect(ids(await collect(store.queryEvents({ sourceId: a })))).toEqual(['a1', 'a2', 'a4', 'a3']);
        expect(ids(await collect(store.queryEvents({ sourceId: a, logType: OPERATION })))).toEqual(['a4']);
        expect(ids(await collect(store.queryEvents({ logType: ACTIVITY })))).toEqual(['a1', 'b1', 'a2', 'a3']);
        expect(ids(await collect(store.queryEvents({ limit: 2 })))).toEqual(['a1', 'b1']);
        expect(await store.countEvents({})).toBe(5);
        expect(await store.countEvents({ sourceId: b })).toBe(1);
      });

      it('bounds time inclusively below and exclusively above', async () => {
        expect(ids(await collect(store.queryEvents({ sinceMs: t0 + 1_000 })))).toEqual(['a2', 'a4', 'a3']);
        expect(ids(await collect(store.queryEvents({ untilMs: t0 + 1_000 })))).toEqual(['a1', 'b1']);
        expect(ids(await collect(store.queryEvents({ sinceMs: t0 + 500, untilMs: t0 + 2_000 })))).toEqual(['b1', 'a2', 'a4']);
        expect(await store.countEvents({ sinceMs: t0 + 1_000, untilMs: t0 + 1_001 })).toBe(2);
      });

      it('finds events by email, case-insensitively, and by IP address', async () => {
        expect(ids(await collect(store.queryEvents({ email: 'ALICE@EXAMPLE.COM' })))).toEqual(['a1', 'b1', 'a3']);
        expect(ids(await collect(store.queryEvents({ email: 'alice@example.com', sourceId: a })))).toEqual(['a1', 'a3']);
        expect(ids(await collect(store.queryEvents({ email: 'nobody@example.com' })))).toEqual([]);
        expect(ids(await collect(store.queryEvents({ ipAddress: '203.0.113.7' })))).toEqual(['a1', 'a4']);
        expect(ids(await collect(store.queryEvents({ ipAddress: '2001:DB8::1' })))).toEqual(['a2']);
        expect(await store.countEvents({ email: 'alice@example.com', ipAddress: '192.0.2.1' })).toBe(1);
        const [event] = await collect(store.queryEvents({ ipAddress: '2001:db8::1' }));
        expect(event).toMatchObject({ emails: ['bob@example.com'], ipAddresses: ['2001:db8::1'], sourceId: a, logType: ACTIVITY });
      });

      it('pages through more than one batch without losing or repeating rows', async () => {
        // 3 events per timestamp, so batch boundaries fall inside equal times.
        const many = Array.from({ length: 40 }, (_, i) => sampleEvent(`m${String(39 - i).padStart(2, '0')}`, t0 + 10_000 + Math.floor(i / 3)));
        await store.commitPage(page(b, many));
        const expected = [...many].sort((x, y) => x.eventTimeMs - y.eventTimeMs || (x.rowId < y.rowId ? -1 : 1)).map((e) => e.rowId);
        const got = ids(await collect(store.queryEvents({ sinceMs: t0 + 10_000 })));
        expect(got).toEqual(expected);
        expect(ids(await collect(store.queryEvents({ sinceMs: t0 + 10_000, limit: 15 })))).toEqual(expected.slice(0, 15));
        expect(ids(await collect(store.queryEvents({ sinceMs: t0 + 10_000, limit: BATCH_SIZE * 2 })))).toEqual(expected.slice(0, BATCH_SIZE * 2));
        expect((await collect(store.queryEvents({ email: 'alice@example.com' }))).length).toBe(43);
      });
    });

    describe('event search, order, cursor and histogram', () => {
      let a: string;
      const t0 = Date.parse('2026-03-08T00:00:00Z');

      beforeEach(async () => {
        a = (await store.createSource(sampleSource({ name: 'ops' }))).id;
        await store.commitPage({
          ...page(a, [
            sampleOperationEvent('o1', t0, {
              category_type: 'Account',
              action: 'Update',
              operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off',
              changes: ['Sign in with Two-Factor Authentication'],
            }),
            sampleOperationEvent('o2', t0 + 1_000, { category_type: 'User', action: 'Add', operation_detail: 'Add User bob@example.com 100% of_the time' }),
            sampleOperationEvent('o3', t0 + 2_000, {
              category_type: 'account',
              action: 'UPDATE',
              operation_detail: 'Meeting - Require passcode: from On to Off',
              changes: ['Require a passcode', 'Waiting Room'],
            }),
          ]),
          logType: OPERATION,
        });
        await store.commitPage(page(a, [sampleEvent('s1', t0 + 500)]));
      });

      it('filters by category and action (exact, case-insensitive)', async () => {
        expect(ids(await collect(store.queryEvents({ categoryType: 'ACCOUNT' })))).toEqual(['o1', 'o3']);
        expect(ids(await collect(store.queryEvents({ categoryType: 'Acc' })))).toEqual([]);
        expect(ids(await collect(store.queryEvents({ action: 'update' })))).toEqual(['o1', 'o3']);
        expect(ids(await collect(store.queryEvents({ categoryType: 'user', action: 'add' })))).toEqual(['o2']);
        expect(await store.countEvents({ categoryType: 'account', logType: OPERATION })).toBe(2);
      });

      it('finds operation_detail text and change names by case-insensitive substring, with % and _ taken literally', async () => {
        expect(ids(await collect(store.queryEvents({ detailText: 'two-FACTOR' })))).toEqual(['o1']);
        expect(ids(await collect(store.queryEvents({ detailText: 'from on to off' })))).toEqual(['o1', 'o3']);
        expect(ids(await collect(store.queryEvents({ detailText: '100%' })))).toEqual(['o2']);
        expect(ids(await collect(store.queryEvents({ detailText: '%' })))).toEqual(['o2']);
        expect(ids(await collect(store.queryEvents({ detailText: 'of_the' })))).toEqual(['o2']);
        expect(ids(await collect(store.queryEvents({ detailText: 'o_' })))).toEqual([]);
        expect(ids(await collect(store.queryEvents({ changeName: 'passcode' })))).toEqual(['o3']);
        expect(ids(await collect(store.queryEvents({ changeName: 'waiting room' })))).toEqual(['o3']);
        expect(ids(await collect(store.queryEvents({ changeName: 'two-factor' })))).toEqual(['o1']);
        expect(ids(await collect(store.queryEvents({ changeName: 'Require' })))).toEqual(['o3']);
        expect(ids(await collect(store.queryEvents({ changeName: '_' })))).toEqual([]);
        expect(await store.countEvents({ changeName: 'a' })).toBe(2);
      });

      it('reads one event by row id', async () => {
        expect((await store.getEvent('o2'))?.event.operation_detail).toBe('Add User bob@example.com 100% of_the time');
        expect(await store.getEvent('nope')).toBeUndefined();
      });

      it('orders newest first and pages with a keyset cursor in either order, without gaps or repeats', async () => {
        expect(ids(await collect(store.queryEvents({ order: 'desc' })))).toEqual(['o3', 'o2', 's1', 'o1']);
        const many = Array.from({ length: 40 }, (_, i) => sampleEvent(`m${String(i).padStart(2, '0')}`, t0 + 10_000 + Math.floor(i / 3)));
        await store.commitPage(page(a, many));
        for (const order of ['asc', 'desc'] as const) {
          const all = ids(await collect(store.queryEvents({ sinceMs: t0 + 10_000, order })));
          expect(all).toHaveLength(40);
          const seen: string[] = [];
          let after: { eventTimeMs: number; rowId: string } | undefined;
          for (;;) {
            const got = await collect(store.queryEvents({ sinceMs: t0 + 10_000, order, limit: 9, ...(after ? { after } : {}) }));
            seen.push(...ids(got));
            const last = got.at(-1);
            if (!last || got.length < 9) break;
            after = { eventTimeMs: last.eventTimeMs, rowId: last.rowId };
          }
          expect(seen).toEqual(all);
        }
        const asc = ids(await collect(store.queryEvents({ sinceMs: t0 + 10_000 })));
        expect(ids(await collect(store.queryEvents({ sinceMs: t0 + 10_000, order: 'desc' })))).toEqual([...asc].reverse());
      });

      it('counts events per time bucket over [from, to), with the filters', async () => {
        expect(await store.eventHistogram({}, t0, t0 + 3_000, 1_000)).toEqual([2, 1, 1]);
        expect(await store.eventHistogram({ logType: OPERATION }, t0, t0 + 3_000, 1_000)).toEqual([1, 1, 1]);
        expect(await store.eventHistogram({ action: 'update' }, t0 - 1_000, t0 + 4_000, 2_000)).toEqual([1, 1, 0]);
        expect(await store.eventHistogram({}, t0 + 500, t0 + 2_000, 700)).toEqual([2, 0, 0]);
        const buckets = await store.eventHistogram({}, t0 - 86_400_000, t0 + 86_400_000, 3_600_000);
        expect(buckets).toHaveLength(48);
        expect(buckets.reduce((x, y) => x + y, 0)).toBe(await store.countEvents({}));
      });
    });
  });
}
