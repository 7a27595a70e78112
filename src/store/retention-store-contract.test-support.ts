import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { LogType } from '../zoom/report-records.js';
import type { PurgeBatch } from './retention-store.js';
import type { Store } from './store.js';
import {
  ACTIVITY,
  BATCH_SIZE,
  collect,
  ids,
  normalizedEnrichedEvent,
  normalizedEvent,
  OPERATION,
  page,
  sampleEnrichedEvent,
  sampleEvent,
  sampleFailure,
  sampleOperationEvent,
  sampleSource,
  START,
  type StoreContractOptions,
  type StoreUnderTest,
} from './store-contract.test-support.js';

const at = (iso: string) => Date.parse(iso);

/** Calls purgeBefore until done; returns every batch. */
async function purgeAll(store: Store, logType: LogType, beforeDay: string, limit: number): Promise<PurgeBatch[]> {
  const batches: PurgeBatch[] = [];
  for (let i = 0; i < 1000; i++) {
    const batch = await store.purgeBefore(logType, beforeDay, limit);
    batches.push(batch);
    if (batch.done) return batches;
  }
  throw new Error('purgeBefore never said done');
}

/**
 * The RetentionStore part of the store contract (purging old events of one
 * log type in batches, coverage kept as `purged`), as one vitest suite.
 * `openStore` returns a fresh, empty store using the given clock and batch size.
 */
export function describeRetentionStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Retention store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;
    let a: string;
    let b: string;

    beforeEach(async () => {
      clock = new ManualClock(START);
      ({ store, cleanup } = await openStore({ clock, batchSize: BATCH_SIZE }));
      a = (await store.createSource(sampleSource({ name: 'a' }))).id;
      b = (await store.createSource(sampleSource({ name: 'b' }))).id;
      // Zoom.Activity of source a: 5 events on 03-05 (one at its last millisecond), 2 on 03-06, 2 on 03-07; failures on 03-05 and 03-07.
      await store.commitPage(
        page(
          a,
          [
            ...Array.from({ length: 4 }, (_, i) => sampleEvent(`a5-${i}`, at('2026-03-05T08:00:00Z') + i * 1000, `user${i}@example.com`, `198.51.100.${i}`)),
            sampleEvent('a5-last', at('2026-03-05T23:59:59.999Z'), 'Late@Example.com', '2001:DB8::5'),
            sampleEvent('a6-0', at('2026-03-06T10:00:00Z')),
            sampleEvent('a6-1', at('2026-03-06T11:00:00Z')),
            sampleEvent('a7-first', at('2026-03-07T00:00:00Z')),
            sampleEvent('a7-1', at('2026-03-07T09:00:00Z')),
          ],
          {
            failures: [sampleFailure('fa5', '2026-03-05', START), sampleFailure('fa7', '2026-03-07', START)],
            days: [
              { day: '2026-03-04', state: 'complete', lastFullReadAt: START - 1 },
              { day: '2026-03-05', state: 'complete', lastFullReadAt: START - 1, ambiguous: true },
              { day: '2026-03-06', state: 'failed', lastError: 'Zoom said no' },
            ],
          },
        ),
      );
      // Source b, same log type: one event on 03-06. Zoom.Operation of source a: one on 03-05.
      await store.commitPage(page(b, [sampleEvent('b6', at('2026-03-06T12:00:00Z'))]));
      await store.commitPage({
        ...page(a, [sampleOperationEvent('o5', at('2026-03-05T09:00:00Z'), { category_type: 'User', action: 'Add', operation_detail: 'Add User x@example.com' })]),
        logType: OPERATION,
        failures: [sampleFailure('fo5', '2026-03-05', START)],
      });
    });
    afterEach(async () => cleanup());

    it('deletes the events and failures of one log type before the cutoff day, in batches of at most `limit` rows', async () => {
      clock.advance(60_000);
      const batches = await purgeAll(store, ACTIVITY, '2026-03-07', 3);
      for (const batch of batches) expect(batch.events + batch.failures).toBeLessThanOrEqual(3);
      expect(batches.length).toBeGreaterThanOrEqual(3);
      const sum = (key: 'events' | 'failures' | 'days') => batches.reduce((n, batch) => n + batch[key], 0);
      // 5 + 2 of source a, 1 of source b; the failure of 03-05.
      expect([sum('events'), sum('failures')]).toEqual([8, 1]);

      expect(ids(await collect(store.queryEvents({ logType: ACTIVITY })))).toEqual(['a7-first', 'a7-1']);
      expect(ids(await collect(store.queryEvents({ logType: OPERATION })))).toEqual(['o5']);
      expect((await collect(store.listFailures({}))).map((f) => f.rowId).sort()).toEqual(['fa7', 'fo5']);
      expect(await store.getEvent('a5-last')).toBeUndefined();
      expect(await store.countEvents({ email: 'late@example.com' })).toBe(0);
      expect(await store.countEvents({ ipAddress: '198.51.100.1' })).toBe(0);

      // Nothing left: a further call deletes nothing and is done.
      expect(await store.purgeBefore(ACTIVITY, '2026-03-07', 3)).toEqual({ events: 0, failures: 0, days: 0, done: true });
    });

    it('keeps the coverage of purged days as `purged`, with their records and the rest of the row', async () => {
      const before = await store.listDayCoverage(a, ACTIVITY, '2026-03-01', '2026-03-31');
      clock.advance(60_000);
      const batches = await purgeAll(store, ACTIVITY, '2026-03-07', 1000);
      // 03-04, 03-05, 03-06 of source a and 03-06 of source b.
      expect(batches.reduce((n, batch) => n + batch.days, 0)).toBe(4);

      const after = await store.listDayCoverage(a, ACTIVITY, '2026-03-01', '2026-03-31');
      expect(after.map((d) => [d.day, d.state, d.records])).toEqual([
        ['2026-03-04', 'purged', 0],
        ['2026-03-05', 'purged', 6],
        ['2026-03-06', 'purged', 2],
        ['2026-03-07', 'open', 3],
      ]);
      for (const day of after.slice(0, 3)) {
        const was = before.find((d) => d.day === day.day)!;
        expect(day).toEqual({ ...was, state: 'purged', updatedAt: START + 60_000 });
      }
      expect(after[3]).toEqual(before[3]);
      expect((await store.listDayCoverage(b, ACTIVITY, '2026-03-06', '2026-03-06'))[0]).toMatchObject({ state: 'purged', records: 1 });
      expect((await store.listDayCoverage(a, OPERATION, '2026-03-05', '2026-03-05'))[0]).toMatchObject({ state: 'open', records: 2 });
    });

    it('takes purged events off the detection queue', async () => {
      expect(await store.countPendingDetection()).toBe(11);
      await purgeAll(store, ACTIVITY, '2026-03-07', 4);
      expect(await store.countPendingDetection()).toBe(3);
      expect((await store.listPendingDetection(10)).map((e) => e.rowId).sort()).toEqual(['a7-1', 'a7-first', 'o5']);
    });

    it('leaves no indicator behind: a later event with a purged row id is found by its own email and IP only', async () => {
      await purgeAll(store, ACTIVITY, '2026-03-07', 1000);
      await store.commitPage(page(b, [sampleEvent('a5-last', at('2026-03-09T10:00:00Z'), 'bob@example.com', '192.0.2.9')]));
      expect(await store.countEvents({ email: 'late@example.com' })).toBe(0);
      expect(await store.countEvents({ ipAddress: '2001:db8::5' })).toBe(0);
      expect(ids(await collect(store.queryEvents({ email: 'bob@example.com' })))).toEqual(['a5-last']);
    });

    it('leaves no indicator of a normalized (compactly stored) event behind', async () => {
      const record = { email: 'compact@example.com', time: '2026-03-05T08:00:00Z', type: 'Sign in', ip_address: '198.51.100.77', client_type: 'Browser' };
      await store.commitPage(page(a, [normalizedEvent(a, ACTIVITY, 'n-old', record)]));
      expect(await store.countEvents({ email: 'compact@example.com' })).toBe(1);
      await purgeAll(store, ACTIVITY, '2026-03-07', 1000);
      // The same row id again, on a day kept, with other indicators: the purged ones must not find it.
      await store.commitPage(
        page(a, [normalizedEvent(a, ACTIVITY, 'n-old', { ...record, email: 'other@example.com', ip_address: '198.51.100.78', time: '2026-03-09T08:00:00Z' })]),
      );
      expect(await store.countEvents({ email: 'compact@example.com' })).toBe(0);
      expect(await store.countEvents({ ipAddress: '198.51.100.77' })).toBe(0);
      expect(await store.countEvents({ email: 'other@example.com' })).toBe(1);
    });

    it('leaves no country or ASN indicator behind either', async () => {
      await store.commitPage(
        page(b, [
          sampleEnrichedEvent('g5', at('2026-03-05T12:00:00Z'), 'kei@example.com', '2001:db8::7', { ip_address: { kind: 'public', country: 'JP', asn: 2516 } }),
          // Stored compact: its location without field names, the country name left out.
          normalizedEnrichedEvent(
            b,
            'g6',
            { email: 'lou@example.com', time: '2026-03-05T13:00:00Z', type: 'Sign in', ip_address: '84.150.1.1' },
            {
              ip_address: { kind: 'public', country: 'FR', country_name: 'France', asn: 3215 },
            },
          ),
        ]),
      );
      expect(await store.countEvents({ country: 'JP' })).toBe(1);
      expect(await store.countEvents({ country: 'FR' })).toBe(1);
      await purgeAll(store, ACTIVITY, '2026-03-07', 1000);
      // The same row ids again, later and without enrichment: found by neither.
      await store.commitPage(
        page(b, [sampleEvent('g5', at('2026-03-09T10:00:00Z'), 'kei@example.com', '2001:db8::7'), sampleEvent('g6', at('2026-03-09T11:00:00Z'), 'lou@example.com', '84.150.1.1')]),
      );
      expect(await store.countEvents({ country: 'JP' })).toBe(0);
      expect(await store.countEvents({ asn: 2516 })).toBe(0);
      expect(await store.countEvents({ country: 'FR' })).toBe(0);
      expect(await store.countEvents({ asn: 3215 })).toBe(0);
    });

    it('does not store records of a purged day again, and a day update leaves it purged', async () => {
      await purgeAll(store, ACTIVITY, '2026-03-07', 1000);
      // A window whose padding reaches back into 03-06: Zoom sends its records again.
      const result = await store.commitPage(
        page(a, [sampleEvent('a6-0', at('2026-03-06T10:00:00Z')), sampleEvent('a6-new', at('2026-03-06T23:00:00Z')), sampleEvent('a7-2', at('2026-03-07T10:00:00Z'))], {
          failures: [sampleFailure('fa6', '2026-03-06', START)],
          days: [
            { day: '2026-03-06', state: 'complete', lastFullReadAt: START },
            { day: '2026-03-07', state: 'complete', lastFullReadAt: START },
          ],
        }),
      );
      expect(result.insertedEventIds).toEqual(['a7-2']);
      expect(result.insertedFailures).toBe(0);
      expect(result.insertedPerDay).toEqual(new Map([['2026-03-07', 1]]));
      await store.updateStream(a, ACTIVITY, {}, [{ day: '2026-03-05', state: 'failed', lastError: 'later failure' }]);

      const days = await store.listDayCoverage(a, ACTIVITY, '2026-03-05', '2026-03-07');
      expect(days.map((d) => [d.day, d.state, d.records])).toEqual([
        ['2026-03-05', 'purged', 6],
        ['2026-03-06', 'purged', 2],
        ['2026-03-07', 'complete', 4],
      ]);
      expect(ids(await collect(store.queryEvents({ sourceId: a, logType: ACTIVITY })))).toEqual(['a7-first', 'a7-1', 'a7-2']);
      expect(await store.countFailures({ sourceId: a, logType: ACTIVITY })).toBe(1);
      // Other streams and sources keep those days as before.
      const other = await store.commitPage({
        ...page(a, [sampleOperationEvent('o6', at('2026-03-06T09:00:00Z'), { category_type: 'User', action: 'Add', operation_detail: 'x' })]),
        logType: OPERATION,
      });
      expect(other.insertedEventIds).toEqual(['o6']);
    });

    it('keeps alerts and their row ids when their events are purged', async () => {
      const { raised } = await store.commitDetection({
        rowIds: ['a5-0', 'a5-1'],
        matches: ['a5-0', 'a5-1'].map((rowId, i) => ({
          ruleId: 'Zoom.Test.Rule',
          rowId,
          sourceId: a,
          logType: ACTIVITY,
          eventTimeMs: at('2026-03-05T08:00:00Z') + i * 1000,
          title: 'two sign-ins',
          dedup: 'same',
          severity: 'MEDIUM' as const,
          context: {},
          dedupPeriodMs: 3_600_000,
          threshold: 1,
        })),
        errors: [],
      });
      const alert = raised[0]!;
      await purgeAll(store, ACTIVITY, '2026-03-07', 1000);
      expect(await store.getAlert(alert.id)).toMatchObject({ id: alert.id, eventCount: 2, status: 'open' });
      expect((await store.alertRowIds(alert.id)).sort()).toEqual(['a5-0', 'a5-1']);
      expect(await store.getEvent('a5-0')).toBeUndefined();
    });

    it('purges nothing when no day is before the cutoff, and refuses a limit below 1', async () => {
      expect(await store.purgeBefore(ACTIVITY, '2026-03-04', 10)).toEqual({ events: 0, failures: 0, days: 0, done: true });
      expect(await store.countEvents({})).toBe(11);
      await expect(store.purgeBefore(ACTIVITY, '2026-03-07', 0)).rejects.toThrow(RangeError);
    });

    it('reports free space as whole numbers of pages', async () => {
      await purgeAll(store, ACTIVITY, '2026-03-07', 1000);
      const free = await store.releaseFreeSpace(100);
      expect(Number.isInteger(free.released) && free.released >= 0).toBe(true);
      expect(Number.isInteger(free.remaining) && free.remaining >= 0).toBe(true);
    });
  });
}
