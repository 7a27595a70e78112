import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, utcDay, type Clock } from '../shared/clock.js';
import type { LogType } from '../zoom/report-records.js';
import type { EventRow, FailureRow, NewSource, PageCommit, Store, StoredEvent, StreamError } from './store.js';
import { UnknownSourceError } from './store-errors.js';

/** What a store implementation's test passes in to open a fresh, empty store. */
export interface StoreContractOptions {
  clock: Clock;
  /** Rows per query when streaming; small, so paging is exercised. */
  batchSize: number;
}

export interface StoreUnderTest {
  store: Store;
  cleanup: () => Promise<void>;
}

const START = Date.parse('2026-03-10T12:00:00Z');
const BATCH_SIZE = 7;
const ACTIVITY: LogType = 'Zoom.Activity';
const OPERATION: LogType = 'Zoom.Operation';
export const TEST_CLIENT_SECRET = 'cs-Qx7vN2pLm9TzR4wKs8Yd';
export const TEST_REFRESH_TOKEN = 'rt-Hb3nJ6cXe1Vu5GqA0Wf';

/** A new source's settings and credentials, with overrides. */
export function sampleSource(overrides: Partial<NewSource> = {}): NewSource {
  return {
    name: 'Acme production',
    authKind: 's2s',
    zoomAccountId: 'acct-123',
    clientId: 'client-abc',
    apiUrl: 'https://api.zoom.us/v2',
    oauthUrl: 'https://zoom.us',
    backfillDays: 30,
    pollIntervalMs: 60_000,
    settleDays: 2,
    reconcileIntervalMs: 3_600_000,
    requestsPerSecond: 0.5,
    requestsPerDay: 20_000,
    paused: false,
    dropOffAlarmMinutes: null,
    credentials: { clientSecret: TEST_CLIENT_SECRET },
    ...overrides,
  };
}

/** A normalized sign-in event at `timeMs`, with indicator fields as the normalizer fills them. */
export function sampleEvent(rowId: string, timeMs: number, email = 'Alice@Example.com', ip = '203.0.113.7'): EventRow {
  const emails = [email.toLowerCase()];
  const ipAddresses = [ip];
  return {
    rowId,
    day: utcDay(timeMs),
    eventTimeMs: timeMs,
    emails,
    ipAddresses,
    event: {
      email,
      time: new Date(timeMs).toISOString().replace('.000Z', 'Z'),
      type: 'Sign in',
      ip_address: ip,
      client_type: 'Browser',
      version: '5.17.0',
      p_log_type: 'Zoom.Activity',
      p_event_time: new Date(timeMs).toISOString(),
      p_row_id: rowId,
      p_any_emails: emails,
      p_any_ip_addresses: ipAddresses,
    },
  };
}

/** A normalized Zoom.Operation event at `timeMs` with the given operation fields and parsed changes' names. */
export function sampleOperationEvent(rowId: string, timeMs: number, fields: { category_type: string; action: string; operation_detail: string; changes?: string[] }): EventRow {
  const base = sampleEvent(rowId, timeMs, 'admin@example.com', '203.0.113.9');
  const { changes, ...zoom } = fields;
  return {
    ...base,
    event: {
      time: base.event.time,
      operator: 'admin@example.com',
      ...zoom,
      p_log_type: 'Zoom.Operation',
      p_event_time: base.event.p_event_time,
      p_row_id: rowId,
      p_any_emails: base.emails,
      p_udm: changes ? { detail_kind: 'settings', changes: changes.map((name) => ({ name, from: 'On', to: 'Off' })) } : {},
    },
  };
}

export function sampleFailure(rowId: string, day: string, failedAt: number): FailureRow {
  return { rowId, day, raw: '{"time":"not a time"}', reason: 'field "time" is not a timestamp', field: 'time', failedAt };
}

function page(sourceId: string, events: EventRow[], extra: Partial<PageCommit> = {}): PageCommit {
  return { sourceId, logType: ACTIVITY, events, failures: [], days: [], stream: {}, ...extra };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const ids = (events: StoredEvent[]) => events.map((e) => e.rowId);

/**
 * The behaviour every Store implementation must have, as one vitest suite.
 * `openStore` returns a fresh, empty store using the given clock and batch size.
 */
export function describeStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      clock = new ManualClock(START);
      ({ store, cleanup } = await openStore({ clock, batchSize: BATCH_SIZE }));
    });
    afterEach(async () => cleanup());

    describe('sources', () => {
      it('creates, reads, lists and updates sources; ids look like src_ + 10 base32 chars', async () => {
        const created = await store.createSource(sampleSource());
        expect(created.id).toMatch(/^src_[a-z2-7]{10}$/);
        expect(created).toMatchObject({ name: 'Acme production', authKind: 's2s', paused: false, requestsPerSecond: 0.5 });
        expect(created).toMatchObject({ createdAt: START, updatedAt: START, hasClientSecret: true, hasRefreshToken: false });
        expect(await store.getSource(created.id)).toEqual(created);

        clock.advance(1_000);
        const other = await store.createSource(sampleSource({ name: 'Acme staging', authKind: 'authorization_code', zoomAccountId: null }));
        expect(other.id).not.toBe(created.id);
        expect((await store.listSources()).map((s) => s.id)).toEqual([created.id, other.id]);

        clock.advance(1_000);
        const updated = await store.updateSource(created.id, { paused: true, requestsPerSecond: 0.25, zoomAccountId: null });
        expect(updated).toEqual({ ...created, paused: true, requestsPerSecond: 0.25, zoomAccountId: null, updatedAt: START + 2_000 });
        expect(await store.getSource(created.id)).toEqual(updated);
        expect(await store.getSource('src_aaaaaaaaaa')).toBeUndefined();
      });

      it("keeps whether a source's setup was finished: true unless created as a draft, until updated", async () => {
        const finished = await store.createSource(sampleSource());
        expect(finished.setupFinished).toBe(true);
        const draft = await store.createSource(sampleSource({ name: 'Draft', paused: true, setupFinished: false }));
        expect(draft).toMatchObject({ paused: true, setupFinished: false });
        expect((await store.getSource(draft.id))?.setupFinished).toBe(false);
        expect(await store.updateSource(draft.id, { paused: false, setupFinished: true })).toMatchObject({ paused: false, setupFinished: true });
        expect((await store.getSource(draft.id))?.setupFinished).toBe(true);
      });

      it('throws UnknownSourceError for an unknown id', async () => {
        await expect(store.updateSource('src_nothere000', { paused: true })).rejects.toBeInstanceOf(UnknownSourceError);
        await expect(store.getSourceCredentials('src_nothere000')).rejects.toMatchObject({ code: 'unknown_source' });
        await expect(store.setSourceCredentials('src_nothere000', { clientSecret: 'x' })).rejects.toBeInstanceOf(UnknownSourceError);
        await expect(store.commitPage(page('src_nothere000', []))).rejects.toBeInstanceOf(UnknownSourceError);
        await expect(store.updateStream('src_nothere000', ACTIVITY, {})).rejects.toBeInstanceOf(UnknownSourceError);
      });

      it('never exposes a secret in a SourceRecord', async () => {
        const created = await store.createSource(sampleSource({ credentials: { clientSecret: TEST_CLIENT_SECRET, refreshToken: TEST_REFRESH_TOKEN } }));
        expect(created.hasRefreshToken).toBe(true);
        const shown = JSON.stringify([created, await store.getSource(created.id), await store.listSources()]);
        expect(shown).not.toContain(TEST_CLIENT_SECRET);
        expect(shown).not.toContain(TEST_REFRESH_TOKEN);
        expect(Object.keys(created)).not.toContain('credentials');
      });

      it('round-trips credentials; a partial update keeps the others', async () => {
        const { id } = await store.createSource(sampleSource());
        expect(await store.getSourceCredentials(id)).toEqual({ clientSecret: TEST_CLIENT_SECRET });
        await store.setSourceCredentials(id, { refreshToken: TEST_REFRESH_TOKEN });
        expect(await store.getSourceCredentials(id)).toEqual({ clientSecret: TEST_CLIENT_SECRET, refreshToken: TEST_REFRESH_TOKEN });
        await store.setSourceCredentials(id, { clientSecret: 'new-secret' });
        expect(await store.getSourceCredentials(id)).toEqual({ clientSecret: 'new-secret', refreshToken: TEST_REFRESH_TOKEN });
        await store.setSourceCredentials(id, { refreshToken: 'rotated' });
        expect(await store.getSourceCredentials(id)).toEqual({ clientSecret: 'new-secret', refreshToken: 'rotated' });
        expect((await store.getSource(id))?.hasRefreshToken).toBe(true);
      });
    });

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

    describe('streams and coverage', () => {
      it('returns a default state for a stream never touched', async () => {
        const { id } = await store.createSource(sampleSource());
        expect(await store.getStreamState(id, OPERATION)).toEqual({
          sourceId: id,
          logType: OPERATION,
          newestEventTimeMs: null,
          lastPollAt: null,
          lastSuccessAt: null,
          readingWindow: null,
          readingPages: 0,
          lastError: null,
          consecutiveFailures: 0,
          nextAttemptAt: null,
        });
      });

      it('round-trips updateStream, changing only the fields given', async () => {
        const { id } = await store.createSource(sampleSource());
        const lastError: StreamError = { code: 'rate_limited', message: 'Zoom asked to wait', fix: 'wait', at: START };
        await store.updateStream(id, ACTIVITY, {
          newestEventTimeMs: START - 10,
          lastPollAt: START,
          lastSuccessAt: START - 60_000,
          readingWindow: 'a..b',
          readingPages: 4,
          lastError,
          consecutiveFailures: 2,
          nextAttemptAt: START + 30_000,
        });
        const full = {
          sourceId: id,
          logType: ACTIVITY,
          newestEventTimeMs: START - 10,
          lastPollAt: START,
          lastSuccessAt: START - 60_000,
          readingWindow: 'a..b',
          readingPages: 4,
          lastError,
          consecutiveFailures: 2,
          nextAttemptAt: START + 30_000,
        };
        expect(await store.getStreamState(id, ACTIVITY)).toEqual(full);

        await store.updateStream(id, ACTIVITY, { lastSuccessAt: START + 1, lastError: null, consecutiveFailures: 0, nextAttemptAt: null });
        expect(await store.getStreamState(id, ACTIVITY)).toEqual({ ...full, lastSuccessAt: START + 1, lastError: null, consecutiveFailures: 0, nextAttemptAt: null });
        // The other stream of the source is separate.
        expect((await store.getStreamState(id, OPERATION)).readingPages).toBe(0);
      });

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

    describe('removeSource', () => {
      it('removes the source with its streams, coverage, events, indicators and failures', async () => {
        const keep = (await store.createSource(sampleSource({ name: 'keep' }))).id;
        const drop = (await store.createSource(sampleSource({ name: 'drop' }))).id;
        const t = Date.parse('2026-03-08T10:00:00Z');
        for (const id of [keep, drop]) {
          await store.commitPage(
            page(id, [sampleEvent(`${id}-e1`, t)], {
              failures: [sampleFailure(`${id}-f1`, '2026-03-08', START)],
              days: [{ day: '2026-03-08', state: 'complete' }],
              stream: { readingPages: 3 },
            }),
          );
        }

        expect(await store.removeSource(drop)).toBe(true);
        expect(await store.removeSource(drop)).toBe(false);
        expect(await store.getSource(drop)).toBeUndefined();
        expect((await store.listSources()).map((s) => s.id)).toEqual([keep]);
        expect(await store.countEvents({ sourceId: drop })).toBe(0);
        expect(await store.countFailures({ sourceId: drop })).toBe(0);
        expect(await store.listDayCoverage(drop, ACTIVITY, '2026-01-01', '2026-12-31')).toEqual([]);
        expect((await store.getStreamState(drop, ACTIVITY)).readingPages).toBe(0);
        await expect(store.getSourceCredentials(drop)).rejects.toBeInstanceOf(UnknownSourceError);
        expect(ids(await collect(store.queryEvents({ email: 'alice@example.com' })))).toEqual([`${keep}-e1`]);

        expect(await store.countEvents({ sourceId: keep })).toBe(1);
        expect(await store.countFailures({ sourceId: keep })).toBe(1);
        expect((await store.getStreamState(keep, ACTIVITY)).readingPages).toBe(3);
      });
    });
  });
}
