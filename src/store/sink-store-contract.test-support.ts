import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { NewSink } from './sink-store.js';
import type { Store } from './store.js';
import {
  BATCH_SIZE,
  ids,
  OPERATION,
  page,
  sampleEvent,
  sampleOperationEvent,
  sampleSource,
  START,
  type StoreContractOptions,
  type StoreUnderTest,
} from './store-contract.test-support.js';

const DAY = 86_400_000;

export function sampleSink(overrides: Partial<NewSink> = {}): NewSink {
  return {
    name: 'siem',
    kind: 'http',
    format: 'panther',
    url: 'https://siem.example.com/ingest',
    settings: {},
    secret: 'sink-secret-Zq8vR2mN5tL0pK',
    logTypes: null,
    createdBy: 'admin',
    ...overrides,
  };
}

/**
 * The SinkStore part of the store contract (forwarding, issue 18): the forward
 * log the page writers fill, reading it in batches after a sink's cursor, the
 * compare-and-set advance, dead letters, failures and the log's retention.
 */
export function describeSinkStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Sink store contract: ${name}`, () => {
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

    it('creates, finds, pauses and removes sinks; the secret is sealed and only read through getSinkSecret', async () => {
      const sink = await store.createSink(sampleSink({ logTypes: ['Zoom.Activity'], settings: { subjectPrefix: 'zt' } }));
      expect(sink).toMatchObject({
        name: 'siem',
        kind: 'http',
        format: 'panther',
        hasSecret: true,
        logTypes: ['Zoom.Activity'],
        paused: false,
        createdBy: 'admin',
        settings: { subjectPrefix: 'zt' },
      });
      expect(JSON.stringify(sink)).not.toContain('sink-secret');
      expect(await store.getSinkSecret(sink.id)).toBe('sink-secret-Zq8vR2mN5tL0pK');
      expect((await store.getSink('siem'))?.id).toBe(sink.id);
      expect((await store.getSink(sink.id))?.name).toBe('siem');
      await expect(store.createSink(sampleSink())).rejects.toMatchObject({ name: 'DuplicateSinkError' });
      expect((await store.setSinkPaused(sink.id, true)).paused).toBe(true);
      expect((await store.listSinks()).map((s) => s.name)).toEqual(['siem']);
      expect(await store.removeSink(sink.id)).toBe(true);
      expect(await store.removeSink(sink.id)).toBe(false);
      expect(await store.getSink('siem')).toBeUndefined();
      await expect(store.getSinkState(sink.id)).rejects.toMatchObject({ name: 'UnknownSinkError' });
    });

    it('reads the stored events after the cursor in commit order, bounded by whole pages, and skips repeats and deleted sources', async () => {
      const sink = await store.createSink(sampleSink());
      await store.commitPage(page(source, [sampleEvent('e1', START - 3000), sampleEvent('e2', START - 2000)]));
      await store.commitPage(page(source, [sampleEvent('e2', START - 2000)])); // nothing new: no log row
      await store.commitPage(page(source, [sampleEvent('e3', START - 9000)]));
      await store.commitPage(page(source, [sampleEvent('e4', START - 1000), sampleEvent('e5', START - 500)]));

      const first = await store.readSinkBatch(sink.id, { maxEvents: 3 });
      expect(ids(first.events)).toEqual(['e1', 'e2', 'e3']);
      expect(first.events[0]?.event.p_row_id ?? first.events[0]?.rowId).toBe('e1');
      expect(first.lastStoredAt).toBe(START);
      // Not advanced: the same batch again.
      expect(ids((await store.readSinkBatch(sink.id, { maxEvents: 3 })).events)).toEqual(['e1', 'e2', 'e3']);
      expect(await store.sinkBacklog(sink.id)).toEqual({ events: 5, newestStoredAt: START, oldestPendingStoredAt: START });

      clock.advance(1000);
      expect(await store.advanceSink(sink.id, { from: first.from, to: first.to, delivered: 3, deadLetters: [], storedAt: first.lastStoredAt, now: clock.now() })).toBe(true);
      // A second advance from the old cursor (another instance) changes nothing.
      expect(await store.advanceSink(sink.id, { from: first.from, to: first.to, delivered: 3, deadLetters: [], storedAt: first.lastStoredAt, now: clock.now() })).toBe(false);
      expect(await store.getSinkState(sink.id)).toMatchObject({ deliveredCount: 3, failedCount: 0, lastDeliveredAt: START + 1000, deliveredStoredAt: START });
      expect((await store.sinkBacklog(sink.id)).events).toBe(2);

      // A page bigger than maxEvents is never split.
      const second = await store.readSinkBatch(sink.id, { maxEvents: 1 });
      expect(ids(second.events)).toEqual(['e4', 'e5']);
      await store.advanceSink(sink.id, { from: second.from, to: second.to, delivered: 2, deadLetters: [], storedAt: second.lastStoredAt, now: clock.now() });
      const empty = await store.readSinkBatch(sink.id, { maxEvents: 10 });
      expect(empty.events).toEqual([]);
      expect(empty.to).toEqual(empty.from);
      expect(await store.sinkBacklog(sink.id)).toEqual({ events: 0, newestStoredAt: START, oldestPendingStoredAt: null });

      // A new sink starting `now` sees only what is stored after it.
      const late = await store.createSink(sampleSink({ name: 'late', start: 'now' }));
      expect((await store.readSinkBatch(late.id, { maxEvents: 10 })).events).toEqual([]);
      await store.commitPage(page(source, [sampleEvent('e6', START)]));
      expect(ids((await store.readSinkBatch(late.id, { maxEvents: 10 })).events)).toEqual(['e6']);

      // Events deleted with their source are skipped; the log rows still advance the cursor.
      await store.removeSource(source);
      const gone = await store.readSinkBatch(late.id, { maxEvents: 10 });
      expect(gone.events).toEqual([]);
      expect(gone.to).not.toEqual(gone.from);
    });

    it('passes the log rows of other log types without their events', async () => {
      const sink = await store.createSink(sampleSink({ logTypes: [OPERATION] }));
      await store.commitPage(page(source, [sampleEvent('a1', START - 1000)]));
      await store.commitPage({
        ...page(source, [sampleOperationEvent('o1', START - 500, { category_type: 'User', action: 'Add', operation_detail: 'Add User x@example.com' })]),
        logType: OPERATION,
      });
      const batch = await store.readSinkBatch(sink.id, { maxEvents: 10, logTypes: [OPERATION] });
      expect(ids(batch.events)).toEqual(['o1']);
      expect(batch.events[0]?.logType).toBe(OPERATION);
    });

    it('keeps dead letters and counts them as failed; records failures with their backoff until the next advance', async () => {
      const sink = await store.createSink(sampleSink());
      await store.commitPage(page(source, [sampleEvent('d1', START - 2000), sampleEvent('d2', START - 1000)]));
      await store.recordSinkFailure(sink.id, { error: { message: 'connection refused', fix: 'start the receiver', retryable: true }, nextAttemptAt: START + 5000, now: START });
      await store.recordSinkFailure(sink.id, { error: { message: 'still refused', retryable: true }, nextAttemptAt: START + 10_000, now: START });
      expect(await store.getSinkState(sink.id)).toMatchObject({ consecutiveFailures: 2, nextAttemptAt: START + 10_000, lastError: { message: 'still refused', retryable: true } });
      const batch = await store.readSinkBatch(sink.id, { maxEvents: 10 });
      await store.advanceSink(sink.id, {
        from: batch.from,
        to: batch.to,
        delivered: 1,
        deadLetters: [{ rowId: 'd2', reason: 'mapper_parsing_exception' }],
        storedAt: batch.lastStoredAt,
        now: START + 20_000,
      });
      expect(await store.getSinkState(sink.id)).toMatchObject({ deliveredCount: 1, failedCount: 1, consecutiveFailures: 0, nextAttemptAt: 0, lastError: null });
      expect(await store.listSinkDeadLetters(sink.id)).toEqual([{ rowId: 'd2', reason: 'mapper_parsing_exception', failedAt: START + 20_000 }]);
    });

    it('updates a sink: a new secret is sealed, an absent one is kept, filters are kept unless given', async () => {
      const sink = await store.createSink(sampleSink({ logTypes: ['Zoom.Activity'], fieldFilters: ['operator!=bot@example.com'] }));
      expect(sink.fieldFilters).toEqual(['operator!=bot@example.com']);
      const renamed = await store.updateSink(sink.id, { name: 'lake', url: 'https://lake.example.com/in', settings: { index: 'z' } });
      expect(renamed).toMatchObject({
        name: 'lake',
        url: 'https://lake.example.com/in',
        settings: { index: 'z' },
        logTypes: ['Zoom.Activity'],
        fieldFilters: ['operator!=bot@example.com'],
        hasSecret: true,
      });
      expect(await store.getSinkSecret(sink.id)).toBe('sink-secret-Zq8vR2mN5tL0pK');
      const rekeyed = await store.updateSink(sink.id, { secret: 'another-secret-Hq2mZ8', logTypes: null, fieldFilters: [] });
      expect(rekeyed).toMatchObject({ logTypes: null, fieldFilters: [] });
      expect(JSON.stringify(rekeyed)).not.toContain('another-secret');
      expect(await store.getSinkSecret(sink.id)).toBe('another-secret-Hq2mZ8');
      expect((await store.updateSink(sink.id, { secret: null })).hasSecret).toBe(false);
      await store.createSink(sampleSink({ name: 'other' }));
      await expect(store.updateSink(sink.id, { name: 'other' })).rejects.toMatchObject({ name: 'DuplicateSinkError' });
      await expect(store.updateSink('nope', { name: 'x' })).rejects.toMatchObject({ name: 'UnknownSinkError' });
    });

    it('finds a start or replay point by stored time, starts a sink there, and moves a cursor back (replay) clearing its backoff', async () => {
      await store.commitPage(page(source, [sampleEvent('r1', START - 3000)]));
      clock.advance(DAY);
      await store.commitPage(page(source, [sampleEvent('r2', START - 2000)]));
      await store.commitPage(page(source, [sampleEvent('r3', START - 1000)]));
      const fromDay = await store.createSink(sampleSink({ start: START + DAY }));
      expect(ids((await store.readSinkBatch(fromDay.id, { maxEvents: 10 })).events)).toEqual(['r2', 'r3']);
      const fromBefore = await store.createSink(sampleSink({ name: 'all', start: START - DAY }));
      expect(ids((await store.readSinkBatch(fromBefore.id, { maxEvents: 10 })).events)).toEqual(['r1', 'r2', 'r3']);
      const fromLater = await store.createSink(sampleSink({ name: 'later', start: START + 2 * DAY }));
      expect((await store.readSinkBatch(fromLater.id, { maxEvents: 10 })).events).toEqual([]);

      const all = await store.readSinkBatch(fromBefore.id, { maxEvents: 10 });
      await store.advanceSink(fromBefore.id, { from: all.from, to: all.to, delivered: 3, deadLetters: [], storedAt: all.lastStoredAt, now: clock.now() });
      await store.recordSinkFailure(fromBefore.id, { error: { message: 'down', retryable: true }, nextAttemptAt: clock.now() + 60_000, now: clock.now() });
      await store.moveSinkCursor(fromBefore.id, await store.sinkCursorAt(START + DAY), clock.now());
      expect(await store.getSinkState(fromBefore.id)).toMatchObject({ consecutiveFailures: 0, nextAttemptAt: 0, lastError: null, deliveredCount: 3 });
      expect(ids((await store.readSinkBatch(fromBefore.id, { maxEvents: 10 })).events)).toEqual(['r2', 'r3']);
      expect((await store.sinkBacklog(fromBefore.id)).events).toBe(2);
      await expect(store.moveSinkCursor('nope', { xid: '0', seq: 0 }, clock.now())).rejects.toMatchObject({ name: 'UnknownSinkError' });
    });

    it('removes retried dead letters and reads events by row id in the order asked', async () => {
      const sink = await store.createSink(sampleSink());
      await store.commitPage(page(source, [sampleEvent('x1', START - 2000), sampleEvent('x2', START - 1000)]));
      const batch = await store.readSinkBatch(sink.id, { maxEvents: 10 });
      const letters = [
        { rowId: 'x1', reason: 'refused' },
        { rowId: 'x2', reason: 'refused' },
      ];
      await store.advanceSink(sink.id, { from: batch.from, to: batch.to, delivered: 0, deadLetters: letters, storedAt: batch.lastStoredAt, now: START });
      expect(ids(await store.eventsByRowIds(['x2', 'missing', 'x1']))).toEqual(['x2', 'x1']);
      expect(await store.removeSinkDeadLetters(sink.id, ['x2', 'missing'])).toBe(1);
      expect((await store.listSinkDeadLetters(sink.id)).map((l) => l.rowId)).toEqual(['x1']);
    });

    it('purges forward-log rows every cursor has passed once old enough; with no sink, after a shorter age', async () => {
      await store.commitPage(page(source, [sampleEvent('p1', START - 3000)]));
      await store.commitPage(page(source, [sampleEvent('p2', START - 2000)]));
      expect(await store.purgeForwardLog({ olderThanMs: START + 1, noSinkOlderThanMs: START, limit: 10 })).toBe(0); // not older than a day yet
      const sink = await store.createSink(sampleSink());
      clock.advance(8 * DAY);
      await store.commitPage(page(source, [sampleEvent('p3', START - 1000)]));
      // The sink has passed nothing: nothing goes.
      expect(await store.purgeForwardLog({ olderThanMs: clock.now() - 7 * DAY, noSinkOlderThanMs: clock.now() - DAY, limit: 10 })).toBe(0);
      const first = await store.readSinkBatch(sink.id, { maxEvents: 1 });
      expect(ids(first.events)).toEqual(['p1']);
      await store.advanceSink(sink.id, { from: first.from, to: first.to, delivered: 1, deadLetters: [], storedAt: first.lastStoredAt, now: clock.now() });
      expect(await store.purgeForwardLog({ olderThanMs: clock.now() - 7 * DAY, noSinkOlderThanMs: clock.now() - DAY, limit: 10 })).toBe(1);
      // p2 and p3 are still read after the purge.
      const rest = await store.readSinkBatch(sink.id, { maxEvents: 10 });
      expect(ids(rest.events)).toEqual(['p2', 'p3']);
      await store.advanceSink(sink.id, { from: rest.from, to: rest.to, delivered: 2, deadLetters: [], storedAt: rest.lastStoredAt, now: clock.now() });
      // p3 is passed but not old enough; in batches of `limit`.
      expect(await store.purgeForwardLog({ olderThanMs: clock.now() - 7 * DAY, noSinkOlderThanMs: clock.now() - DAY, limit: 10 })).toBe(1);
      await store.removeSink(sink.id);
      clock.advance(DAY + 1);
      expect(await store.purgeForwardLog({ olderThanMs: clock.now() - 7 * DAY, noSinkOlderThanMs: clock.now() - DAY, limit: 10 })).toBe(1);
      expect((await store.sinkBacklog((await store.createSink(sampleSink({ name: 'fresh' }))).id)).events).toBe(0);
    });
  });
}
