import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { UnknownSourceError } from './store-errors.js';
import type { Store, StreamError } from './store.js';
import {
  ACTIVITY,
  BATCH_SIZE,
  collect,
  ids,
  OPERATION,
  page,
  sampleEvent,
  sampleFailure,
  sampleSource,
  START,
  TEST_CLIENT_SECRET,
  TEST_REFRESH_TOKEN,
  type StoreContractOptions,
  type StoreUnderTest,
} from './store-contract.test-support.js';

/**
 * The SourceStore part of the store contract (sources, their credentials and streams, removal), as one vitest suite.
 * `openStore` returns a fresh, empty store using the given clock and batch size.
 */
export function describeSourceStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Source store contract: ${name}`, () => {
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

    describe('streams', () => {
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
