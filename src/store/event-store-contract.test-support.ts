import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadNormalizers } from '../normalize/log-type-registry.js';
import { ManualClock } from '../shared/clock.js';
import { parseEventQuery, type QueryNode } from '../domain/event-query.js';
import type { EventQuery, Store } from './store.js';
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
      it('reads back a normalized event exactly as it was committed, key order included (stored compactly)', async () => {
        const { id } = await store.createSource(sampleSource());
        const activity = normalizedEvent(id, ACTIVITY, 'n1', {
          email: 'Ann@Example.com',
          time: '2026-03-09T10:00:00Z',
          type: 'Sign in',
          ip_address: '198.51.100.4',
          client_type: 'Browser',
        });
        const operation = normalizedEvent(id, OPERATION, 'n2', {
          time: '2026-03-09T10:00:01Z',
          operator: 'admin@example.com',
          category_type: 'User',
          action: 'Update',
          operation_detail: 'Update User ann@example.com - Meeting: Allow removed participants to rejoin: from Off to On',
        });
        clock.advance(1234);
        await store.commitPage(page(id, [activity]));
        await store.commitPage({ ...page(id, [operation]), logType: OPERATION });
        const read = await collect(store.queryEvents({ sourceId: id }));
        expect(read.map((e) => JSON.stringify(e.event))).toEqual([JSON.stringify(activity.event), JSON.stringify(operation.event)]);
        expect(read.map((e) => [e.emails, e.ipAddresses])).toEqual([
          [activity.emails, activity.ipAddresses],
          [operation.emails, operation.ipAddresses],
        ]);
        expect(JSON.stringify((await store.getEvent('n2'))?.event)).toBe(JSON.stringify(operation.event));
        expect(ids(await collect(store.queryEvents({ email: 'ann@example.com' })))).toEqual(['n1']);
        expect(ids(await collect(store.queryEvents({ detailText: 'removed participants' })))).toEqual(['n2']);
      });

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

      it('a Zoom record holding NUL (U+0000) becomes a classification failure naming the field, stored and listed as sent; the page still commits', async () => {
        const { id } = await store.createSource(sampleSource());
        const record = { time: '2026-03-08T10:00:00Z', operator: 'ad\u0000min@example.com', category_type: 'Account', action: 'Update', operation_detail: 'x\u0000y' };
        const result = loadNormalizers().get(OPERATION)!.normalize(record, { sourceId: id, sourceLabel: 'Sample', rowId: 'nul1', parseTimeMs: START });
        if (result.ok) throw new Error('a record holding NUL must not normalize');
        expect(result.problem).toMatchObject({ field: 'operator', reason: expect.stringContaining('NUL character (U+0000)') });
        const failure = { rowId: 'nul1', day: '2026-03-08', raw: JSON.stringify(record), reason: result.problem.reason, field: result.problem.field, failedAt: START };
        const committed = await store.commitPage(
          page(id, [sampleOperationEvent('op1', Date.parse('2026-03-08T11:00:00Z'), { category_type: 'Account', action: 'Update', operation_detail: 'ok' })], {
            logType: OPERATION,
            failures: [failure],
          }),
        );
        expect(committed).toMatchObject({ insertedEventIds: ['op1'], insertedFailures: 1 });
        const [listed] = await collect(store.listFailures({ sourceId: id }));
        expect(JSON.parse(listed!.raw)).toEqual(record);
        expect(listed!.field).toBe('operator');
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

      it('exports the matching events oldest first as NDJSON (each event as queryEvents reads it) or CSV, whole lines per chunk', async () => {
        const text = async (chunks: AsyncIterable<Uint8Array>) => {
          const parts = await collect(chunks);
          for (const part of parts) expect(new TextDecoder().decode(part)).toMatch(/\n$/);
          return Buffer.concat(parts).toString('utf8');
        };
        const expected = (await collect(store.queryEvents({ sourceId: a }))).map((e) => `${JSON.stringify(e.event)}\n`).join('');
        expect(await text(store.exportEvents({ sourceId: a }, 'ndjson'))).toBe(expected);
        expect(await text(store.exportEvents({ sourceId: a, limit: 2 }, 'ndjson'))).toBe(expected.split('\n').slice(0, 2).join('\n') + '\n');
        expect(await text(store.exportEvents({ sourceId: 'no-such-source' }, 'ndjson'))).toBe('');
        const csv = (await text(store.exportEvents({ sourceId: a, logType: ACTIVITY }, 'csv'))).split('\r\n');
        expect(csv[0]).toMatch(/^p_row_id,p_event_time,p_log_type,/);
        expect(csv.slice(1, -1).map((line) => line.split(',')[0])).toEqual(['a1', 'a2', 'a3']);
        // A reader that stops after the first chunk.
        for await (const chunk of store.exportEvents({}, 'ndjson')) {
          expect(chunk.byteLength).toBeGreaterThan(0);
          break;
        }
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

      it('finds events by the country and ASN of their IP enrichment (indexed; each key once per event)', async () => {
        const de = { kind: 'public', country: 'DE', asn: 3320 } as const;
        await store.commitPage(
          page(b, [
            // Two fields in one country and network: one indicator each, no duplicate key.
            sampleEnrichedEvent('g1', t0 + 3_000, 'dora@example.com', '84.150.1.1', { ip_address: de, 'client.ip': de }),
            sampleEnrichedEvent('g2', t0 + 4_000, 'dora@example.com', '2003::1', { ip_address: { kind: 'public', country: 'DE', asn: 3209 } }),
            sampleEnrichedEvent('g3', t0 + 5_000, 'erin@example.com', '8.8.8.8', { ip_address: { kind: 'public', country: 'US', asn: 15169 } }),
            sampleEnrichedEvent('g4', t0 + 6_000, 'erin@example.com', '10.0.0.1', { ip_address: { kind: 'private' } }),
          ]),
        );
        expect(ids(await collect(store.queryEvents({ country: 'DE' })))).toEqual(['g1', 'g2']);
        expect(ids(await collect(store.queryEvents({ country: ' de ' })))).toEqual(['g1', 'g2']);
        expect(ids(await collect(store.queryEvents({ asn: 3320 })))).toEqual(['g1']);
        expect(ids(await collect(store.queryEvents({ country: 'DE', asn: 3209 })))).toEqual(['g2']);
        expect(ids(await collect(store.queryEvents({ country: 'US', email: 'erin@example.com', order: 'desc' })))).toEqual(['g3']);
        expect(await store.countEvents({ country: 'DE' })).toBe(2);
        expect(await store.countEvents({ asn: 15169, sinceMs: t0 + 5_001 })).toBe(0);
        expect(await store.countEvents({ country: 'FR' })).toBe(0);
        expect(await store.eventHistogram({ country: 'DE' }, t0, t0 + 7_000, 3_500)).toEqual([1, 1]);
      });

      it('reads enriched events back exactly (each location stored short, long or as it was) in queries and in export text', async () => {
        const germany = {
          kind: 'public',
          country: 'DE',
          country_name: 'Germany',
          region: 'Hesse',
          city: 'Frankfurt',
          lat: 50.11,
          lng: 8.68,
          asn: 3320,
          org: 'Deutsche Telekom AG',
        };
        const located: Array<[string, Record<string, unknown>]> = [
          ['located', { ip_address: germany }],
          ['private', { ip_address: { kind: 'private' } }],
          ['partial', { ip_address: { kind: 'public', country: 'NL', country_name: 'Netherlands', asn: 1136 } }],
          ['another name', { ip_address: { ...germany, country_name: 'Deutschland' } }],
          ['a number as kind', { ip_address: { kind: 0, country: 'DE' } }],
          ['an extra key', { ip_address: { ...germany, zone: 'eu' } }],
          ['a non-number lat', { ip_address: { ...germany, lat: '50.11' } }],
          ['two paths', { ip_address: germany, 'operator.ip': { kind: 'loopback' } }],
        ];
        const rows = located.map(([, locations], i) =>
          normalizedEnrichedEvent(
            b,
            `loc-${i}`,
            { email: `loc${i}@example.com`, time: new Date(t0 + 3_000 + i).toISOString(), type: 'Sign in', ip_address: '84.150.1.1' },
            locations,
          ),
        );
        await store.commitPage(page(b, rows));
        const read = await collect(store.queryEvents({ sourceId: b, sinceMs: t0 + 3_000 }));
        expect(read.map((e) => JSON.stringify(e.event))).toEqual(rows.map((row) => JSON.stringify(row.event)));
        const exported = Buffer.concat(await collect(store.exportEvents({ sourceId: b, sinceMs: t0 + 3_000 }, 'ndjson'))).toString('utf8');
        expect(exported).toBe(rows.map((row) => `${JSON.stringify(row.event)}\n`).join(''));
        expect(ids(await collect(store.queryEvents({ country: 'NL' })))).toEqual(['loc-2']);
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

      it('finds change names of normalized operations (p_udm derived on read, not stored) as of those stored with theirs', async () => {
        const op = (rowId: string, at: number, categoryType: string, detail: string) =>
          normalizedEvent(a, OPERATION, rowId, {
            time: new Date(at).toISOString(),
            operator: 'admin@example.com',
            category_type: categoryType,
            action: 'Update',
            operation_detail: detail,
          });
        const rows = [
          op('n1', t0 + 3_000, 'User Settings', 'Meeting  - Breakout room: from On to Off - Waiting room: from Off to On'),
          op('n2', t0 + 4_000, 'Account', 'Recording  - Automatic recording: from Off to On'),
          op('n3', t0 + 5_000, 'Account', 'text the parser cannot read: passcode'),
        ];
        await store.commitPage({ ...page(a, rows), logType: OPERATION });
        expect((await store.getEvent('n1'))?.event).toEqual(rows[0]!.event);
        // Export text too (the stored record's text, then the p_ fields, the derived p_udm among them, as read).
        const exported = Buffer.concat(await collect(store.exportEvents({ sourceId: a, sinceMs: t0 + 3_000 }, 'ndjson'))).toString('utf8');
        expect(exported).toBe(rows.map((row) => `${JSON.stringify(row.event)}\n`).join(''));
        expect(ids(await collect(store.queryEvents({ changeName: 'breakout' })))).toEqual(['n1']);
        expect(ids(await collect(store.queryEvents({ changeName: 'waiting room' })))).toEqual(['o3', 'n1']);
        expect(ids(await collect(store.queryEvents({ changeName: 'AUTOMATIC' })))).toEqual(['n2']);
        expect(ids(await collect(store.queryEvents({ changeName: 'passcode' })))).toEqual(['o3']);
        expect(await store.countEvents({ changeName: 'room' })).toBe(2);
        const run = async (text: string) => {
          const parsed = parseEventQuery(text);
          if (!parsed.ok || !parsed.query) throw new Error(`${text}: not a query`);
          return ids(await collect(store.queryEvents({ where: parsed.query })));
        };
        expect(await run('change:"breakout*"')).toEqual(['n1']);
        expect(await run('change:"*recording"')).toEqual(['n2']);
        expect(await run('action:update NOT change:"*room*"')).toEqual(['o1', 'n2', 'n3']);
      });

      it("runs query-language conditions (AND, OR, NOT, parentheses, wildcards, time) through the filters' indexes", async () => {
        const where = (text: string): QueryNode => {
          const parsed = parseEventQuery(text);
          if (!parsed.ok || !parsed.query) throw new Error(`${text}: not a query`);
          return parsed.query;
        };
        const run = async (text: string, extra: Omit<EventQuery, 'where'> = {}) => ids(await collect(store.queryEvents({ ...extra, where: where(text) })));
        const iso = (ms: number) => new Date(ms).toISOString();
        expect(await run('action:update')).toEqual(['o1', 'o3']);
        expect(await run('action:update category:user')).toEqual([]);
        expect(await run('action:update AND category:ACCOUNT')).toEqual(['o1', 'o3']);
        expect(await run('action:add OR change:"waiting*"')).toEqual(['o2', 'o3']);
        expect(await run('action:update NOT change:passcode')).toEqual(['o1']);
        expect(await run('(action:add OR action:update) NOT text:passcode')).toEqual(['o1', 'o2']);
        expect(await run('NOT (action:add OR action:update)')).toEqual(['s1']);
        expect(await run('NOT action:update')).toEqual(['s1', 'o2']);
        expect(await run('NOT NOT action:add')).toEqual(['o2']);
        expect(await run('email:alice@example.com OR action:add')).toEqual(['s1', 'o2']);
        expect(await run('ip:203.0.113.9 NOT (action:add OR change:passcode)')).toEqual(['o1']);
        expect(await run('text:passcode OR text:"100%"')).toEqual(['o2', 'o3']);
        expect(await run('text:"of_the" OR text:"o_"')).toEqual(['o2']);
        expect(await run('change:"sign in*"')).toEqual(['o1']);
        expect(await run('p_udm.changes.name:"Two-Factor*"')).toEqual([]);
        expect(await run('p_udm.changes.name:"*Two-Factor*"')).toEqual(['o1']);
        expect(await run('text:"meeting*off"')).toEqual(['o3']);
        expect(await run('text:"meeting*on"')).toEqual([]);
        expect(await run(`p_event_time>=${iso(t0 + 500)} p_event_time<${iso(t0 + 2_000)}`)).toEqual(['s1', 'o2']);
        expect(await run(`p_event_time:[${iso(t0 + 500)} TO ${iso(t0 + 1_000)}] OR action:update`)).toEqual(['o1', 's1', 'o2', 'o3']);
        expect(await run('logType:Zoom.Activity OR (logType:Zoom.Operation action:add)')).toEqual(['s1', 'o2']);
        expect(await run('action:update OR action:add', { categoryType: 'account' })).toEqual(['o1', 'o3']);
        expect(await run('action:update OR action:add', { order: 'desc', limit: 2 })).toEqual(['o3', 'o2']);
        expect(await run('action:update OR action:add', { order: 'desc', after: { eventTimeMs: t0 + 1_000, rowId: 'o2' } })).toEqual(['o1']);
        expect(await store.countEvents({ where: where('action:update OR text:"100%"') })).toBe(3);
        expect(await store.countEvents({ where: where('NOT action:update') })).toBe(2);
        expect(await store.eventHistogram({ where: where('action:update OR action:add') }, t0, t0 + 3_000, 1_000)).toEqual([1, 1, 1]);
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

    describe('text search edge cases (trigram-indexed from three characters, read row by row below)', () => {
      let a: string;
      const t0 = Date.parse('2026-03-08T00:00:00Z');

      beforeEach(async () => {
        a = (await store.createSource(sampleSource({ name: 'ops' }))).id;
        const op = (rowId: string, time: number, operation_detail: string, changes: string[], action = 'Update') =>
          sampleOperationEvent(rowId, time, { category_type: 'Account', action, operation_detail, changes });
        await store.commitPage({
          ...page(a, [
            op('e1', t0, 'Set 100% of_the users to C:\\Temp\\Logs', ['Path C:\\Temp', 'Share 50%']),
            op('e2', t0 + 1_000, 'Zoom Räume: Bildschirm freigeben from Off to On', ['Räume', 'Bildschirm freigeben'], 'Add'),
            op('e3', t0 + 2_000, '会議室 🎥 設定: 録画 from On to Off', ['会議室 🎥 設定', '録画']),
            op('e4', t0 + 3_000, 'Meeting - Waiting Room: from Off to On', ['Alpha', 'Beta Gamma']),
            op('e5', t0 + 4_000, 'a_b %c \\d', []),
          ]),
          logType: OPERATION,
        });
        await store.commitPage(page(a, [sampleEvent('s1', t0 + 500)]));
      });

      const found = async (query: Omit<EventQuery, 'limit'>) => {
        const got = ids(await collect(store.queryEvents(query)));
        // Counting, newest-first paging and the histogram agree with the list.
        expect(await store.countEvents(query)).toBe(got.length);
        expect(ids(await collect(store.queryEvents({ ...query, order: 'desc' })))).toEqual([...got].reverse());
        expect((await store.eventHistogram(query, t0, t0 + 5_000, 1_000)).reduce((x, y) => x + y, 0)).toBe(got.length);
        return got;
      };

      it('takes %, _ and \\ literally, long or short', async () => {
        expect(await found({ detailText: '100%' })).toEqual(['e1']);
        expect(await found({ detailText: '0% o' })).toEqual(['e1']);
        expect(await found({ detailText: '100_' })).toEqual([]);
        expect(await found({ detailText: 'of_the' })).toEqual(['e1']);
        expect(await found({ detailText: 'of-the' })).toEqual([]);
        expect(await found({ detailText: 'c:\\temp\\' })).toEqual(['e1']);
        expect(await found({ detailText: '%' })).toEqual(['e1', 'e5']);
        expect(await found({ detailText: '_' })).toEqual(['e1', 'e5']);
        expect(await found({ detailText: '\\' })).toEqual(['e1', 'e5']);
        expect(await found({ detailText: '%c \\' })).toEqual(['e5']);
        expect(await found({ changeName: 'share 50%' })).toEqual(['e1']);
        expect(await found({ changeName: '50%' })).toEqual(['e1']);
        expect(await found({ changeName: '0%' })).toEqual(['e1']);
        expect(await found({ changeName: '5_%' })).toEqual([]);
        expect(await found({ changeName: 'c:\\temp' })).toEqual(['e1']);
        expect(await found({ changeName: '\\' })).toEqual(['e1']);
      });

      it('matches short texts, non-ASCII and other scripts case-insensitively', async () => {
        expect(await found({ detailText: 'RÄUME' })).toEqual(['e2']);
        expect(await found({ detailText: 'ä' })).toEqual(['e2']);
        expect(await found({ detailText: 'n' })).toEqual(['e2', 'e3', 'e4']);
        expect(await found({ detailText: '🎥 設' })).toEqual(['e3']);
        expect(await found({ detailText: '会議' })).toEqual(['e3']);
        expect(await found({ detailText: '録画 FROM' })).toEqual(['e3']);
        expect(await found({ detailText: 'ROOM: from' })).toEqual(['e4']);
        expect(await found({ detailText: 'from off to on' })).toEqual(['e2', 'e4']);
        expect(await found({ changeName: 'räume' })).toEqual(['e2']);
        expect(await found({ changeName: '会議室 🎥' })).toEqual(['e3']);
        expect(await found({ changeName: 'BILDSCHIRM' })).toEqual(['e2']);
        expect(await found({ detailText: 'zzqx' })).toEqual([]);
        expect(await found({ changeName: 'zz' })).toEqual([]);
      });

      it('finds a name in any change, never across two names, and only in names', async () => {
        expect(await found({ changeName: 'gamma' })).toEqual(['e4']);
        expect(await found({ changeName: 'beta g' })).toEqual(['e4']);
        expect(await found({ changeName: 'alphabeta' })).toEqual([]);
        expect(await found({ changeName: 'alpha\nbeta' })).toEqual([]);
        expect(await found({ changeName: 'waiting' })).toEqual([]);
        expect(await found({ detailText: 'alpha' })).toEqual([]);
        expect(await found({ detailText: 'waiting', changeName: 'gamma' })).toEqual(['e4']);
        expect(await found({ detailText: 'from', changeName: 'räu', action: 'add' })).toEqual(['e2']);
        expect(await found({ detailText: 'from', changeName: 'räu', action: 'update' })).toEqual([]);
        expect(await found({ detailText: 'from', logType: ACTIVITY })).toEqual([]);
        expect(await found({ detailText: 'from', sinceMs: t0 + 2_000, untilMs: t0 + 3_000 })).toEqual(['e3']);
        expect(await found({ detailText: 'from', email: 'admin@example.com' })).toEqual(['e2', 'e3', 'e4']);
      });

      it('matches wildcard patterns within one name, anchored at its start and end, never across names', async () => {
        expect(await found({ where: parsedQuery('change:"alpha*"') })).toEqual(['e4']);
        expect(await found({ where: parsedQuery('change:"beta*"') })).toEqual(['e4']);
        expect(await found({ where: parsedQuery('change:"*alpha"') })).toEqual(['e4']);
        expect(await found({ where: parsedQuery('change:"*gamma"') })).toEqual(['e4']);
        expect(await found({ where: parsedQuery('change:"alpha*gamma"') })).toEqual([]);
        expect(await found({ where: parsedQuery('change:"gamma*"') })).toEqual([]);
        expect(await found({ where: parsedQuery('change:"path*temp"') })).toEqual(['e1']);
        expect(await found({ where: parsedQuery('change:"*50%"') })).toEqual(['e1']);
        expect(await found({ where: parsedQuery('change:"path*50%"') })).toEqual([]);
        expect(await found({ where: parsedQuery('change:"share*5_%"') })).toEqual([]);
        expect(await found({ where: parsedQuery('change:"räu*"') })).toEqual(['e2']);
      });

      it('searches a name holding a newline line by line, as the stored names keep it', async () => {
        const lines = sampleOperationEvent('e6', t0 + 4_500, { category_type: 'Account', action: 'Update', operation_detail: 'two lines', changes: ['Line one\nline two'] });
        await store.commitPage({ ...page(a, [lines]), logType: OPERATION });
        expect(await found({ changeName: 'line one' })).toEqual(['e6']);
        expect(await found({ changeName: 'LINE TWO' })).toEqual(['e6']);
        expect(await found({ changeName: 'one\nline' })).toEqual([]);
        expect(await found({ where: parsedQuery('change:"line*two"') })).toEqual(['e6']);
        expect(await found({ where: parsedQuery('change:"*one"') })).toEqual(['e6']);
      });

      it('pages text matches in (time, row id) order across batches, equal times and cursors, either way', async () => {
        // 40 matches, 26 of them in one second (two different ms), stored in a shuffled order over three commits.
        const t1 = t0 + 60_000;
        const times = Array.from({ length: 40 }, (_, i) => (i < 16 ? t1 : i < 26 ? t1 + 500 : t1 + (i - 25) * 1_000));
        const rows = times.map((time, i) =>
          sampleOperationEvent(`n${String((i * 17) % 40).padStart(2, '0')}`, time, {
            category_type: 'User',
            action: 'Update',
            operation_detail: `needle ${i}`,
            changes: ['Needle'],
          }),
        );
        const shuffled = [...rows].sort((x, y) => ((x.rowId.charCodeAt(2) * 7) % 10) - ((y.rowId.charCodeAt(2) * 7) % 10) || (x.rowId < y.rowId ? 1 : -1));
        for (let i = 0; i < shuffled.length; i += 14) await store.commitPage({ ...page(a, shuffled.slice(i, i + 14)), logType: OPERATION });
        await store.commitPage(page(a, [sampleEvent('m1', t1), sampleEvent('m2', t1 + 500)]));
        const expected = [...rows].sort((x, y) => x.eventTimeMs - y.eventTimeMs || (x.rowId < y.rowId ? -1 : 1)).map((e) => e.rowId);
        for (const filter of [{ detailText: 'NEEDLE' }, { changeName: 'needle' }, { detailText: 'ne' }] as const) {
          expect(ids(await collect(store.queryEvents(filter)))).toEqual(expected);
          expect(ids(await collect(store.queryEvents({ ...filter, order: 'desc' })))).toEqual([...expected].reverse());
          expect(ids(await collect(store.queryEvents({ ...filter, sinceMs: t1 + 500 })))).toEqual(expected.slice(16));
          expect(ids(await collect(store.queryEvents({ ...filter, untilMs: t1 + 500, order: 'desc' })))).toEqual(expected.slice(0, 16).reverse());
          for (const order of ['asc', 'desc'] as const) {
            const all = order === 'asc' ? expected : [...expected].reverse();
            const seen: string[] = [];
            let after: { eventTimeMs: number; rowId: string } | undefined;
            for (;;) {
              const got = await collect(store.queryEvents({ ...filter, order, limit: 9, ...(after ? { after } : {}) }));
              seen.push(...ids(got));
              const last = got.at(-1);
              if (!last || got.length < 9) break;
              after = { eventTimeMs: last.eventTimeMs, rowId: last.rowId };
            }
            expect(seen).toEqual(all);
          }
          expect(await store.countEvents(filter)).toBe(40);
          expect(await store.eventHistogram(filter, t1, t1 + 20_000, 5_000)).toEqual([30, 5, 5, 0]);
        }
      });
    });

    describe('counts by source, log type and time (per-hour counts)', () => {
      const h0 = Date.parse('2026-03-08T10:00:00Z');
      const H = 3_600_000;
      let a: string;
      let b: string;
      let events: { sourceId: string; logType: typeof ACTIVITY; time: number }[];

      beforeEach(async () => {
        a = (await store.createSource(sampleSource({ name: 'a' }))).id;
        b = (await store.createSource(sampleSource({ name: 'b' }))).id;
        const times = [h0 - 1, h0, h0 + 1, h0 + 59 * 60_000, h0 + H, h0 + H + 1, h0 + 2 * H + 1_800_000, h0 + 5 * H - 1, h0 + 5 * H, -1, -H, -H - 1, 0];
        events = [];
        let n = 0;
        for (const [sourceId, logType, picked] of [
          [a, ACTIVITY, times],
          [a, OPERATION, times.filter((_, i) => i % 2 === 0)],
          [b, ACTIVITY, times.filter((_, i) => i % 3 === 0)],
        ] as const) {
          const rows = picked.map((time) => sampleEvent(`c${String(n++).padStart(3, '0')}`, time));
          await store.commitPage({ ...page(sourceId, rows), logType });
          for (const time of picked) events.push({ sourceId, logType, time });
        }
      });

      const expectedCount = (q: { sourceId?: string; logType?: string; sinceMs?: number; untilMs?: number }) =>
        events.filter(
          (e) =>
            (q.sourceId === undefined || e.sourceId === q.sourceId) &&
            (q.logType === undefined || e.logType === q.logType) &&
            (q.sinceMs === undefined || e.time >= q.sinceMs) &&
            (q.untilMs === undefined || e.time < q.untilMs),
        ).length;

      const check = async () => {
        const filters = [{}, { sourceId: a }, { sourceId: b }, { logType: OPERATION }, { sourceId: a, logType: ACTIVITY }];
        const bounds = [{}, { sinceMs: h0 }, { untilMs: h0 + H }, { sinceMs: h0 + 1, untilMs: h0 + 5 * H }, { sinceMs: -H, untilMs: 1 }, { sinceMs: h0 - 1, untilMs: h0 + H + 2 }];
        for (const filter of filters) {
          for (const bound of bounds) expect(await store.countEvents({ ...filter, ...bound }), JSON.stringify({ filter, bound })).toBe(expectedCount({ ...filter, ...bound }));
          for (const [from, to, bucket] of [
            [h0 - 2 * H, h0 + 6 * H, H],
            [h0 - 2 * H + 1_234, h0 + 6 * H + 1_234, 2 * H],
            [-2 * H, h0 + 6 * H, 7 * H + 17],
            [h0 + 1, h0 + 5 * H, H + 1],
          ] as const) {
            const histogram = await store.eventHistogram({ ...filter, sinceMs: h0 - 1 }, from, to, bucket);
            const expected = histogram.map((_, i) => expectedCount({ ...filter, sinceMs: Math.max(h0 - 1, from + i * bucket), untilMs: Math.min(to, from + (i + 1) * bucket) }));
            expect(histogram, JSON.stringify({ filter, from, to, bucket })).toEqual(expected);
            const open = await store.eventHistogram(filter, from, to, bucket);
            expect(open).toEqual(open.map((_, i) => expectedCount({ ...filter, sinceMs: from + i * bucket, untilMs: Math.min(to, from + (i + 1) * bucket) })));
          }
        }
      };

      it('are exact at hour boundaries, for negative times and for buckets of any size', async () => {
        await check();
      });

      it('stay exact when events are stored again and when a source is removed', async () => {
        await store.commitPage({ ...page(a, [sampleEvent('c000', h0 - 1), sampleEvent('c001', h0)]), logType: ACTIVITY });
        await check();
        await store.removeSource(b);
        events = events.filter((e) => e.sourceId !== b);
        await check();
        expect(await store.countEvents({ sourceId: b })).toBe(0);
      });
    });
  });
}

/** The query-language text `text` parsed (it must be a query). */
function parsedQuery(text: string): QueryNode {
  const parsed = parseEventQuery(text);
  if (!parsed.ok || !parsed.query) throw new Error(`${text}: not a query`);
  return parsed.query;
}
