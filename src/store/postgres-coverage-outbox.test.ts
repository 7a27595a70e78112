import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coverageDigest } from '../domain/coverage-digest.js';
import { ManualClock } from '../shared/clock.js';
import { BATCH_SIZE, page, sampleEvent, sampleSource, START } from './store-contract.test-support.js';
import { STORE_TARGETS } from './store-test-targets.test-support.js';

const DAY = '2026-03-09';
const DAY_START = Date.parse(`${DAY}T00:00:00Z`);
const EVENTS = 2000;
const LAST_PAGE = 100;

/** A row id as rowIdFor makes them: the event's second in 8 hex digits, then 24 of a hash. */
const rowIdAt = (timeMs: number, i: number) =>
  Math.floor(timeMs / 1000)
    .toString(16)
    .padStart(8, '0') + createHash('sha256').update(String(i)).digest('hex').slice(0, 24);

/** Largest number of rows one query answered while `run` ran. */
async function largestAnswer(run: () => Promise<void>): Promise<number> {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = prototype.query;
  let largest = 0;
  const spy = vi.spyOn(prototype, 'query').mockImplementation(function (this: unknown, ...args: unknown[]) {
    const answer = query.apply(this, args);
    if (answer instanceof Promise)
      void answer.then(
        (r: { rows?: unknown[] }) => (largest = Math.max(largest, r?.rows?.length ?? 0)),
        () => undefined,
      );
    return answer;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return largest;
}

for (const target of STORE_TARGETS.filter((t) => t.kind === 'postgres')) {
  describe(`PostgreSQL coverage outbox (${target.name})`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => cleanup?.());

    // Issue 14 section 3: the day's row ids came to the process as rows, an array, its sorted copy and their joined text.
    it("digests a completed day in the database: no query answers with the day's row ids", async () => {
      const opened = await target.open({ clock: new ManualClock(START), batchSize: BATCH_SIZE });
      cleanup = opened.cleanup;
      const { store } = opened;
      const source = (await store.createSource(sampleSource())).id;
      const events = Array.from({ length: EVENTS }, (_, i) => {
        const timeMs = DAY_START + 3_600_000 + Math.floor(i / 3) * 1000 + (i % 3) * 7;
        return sampleEvent(rowIdAt(timeMs, i), timeMs);
      });
      await store.commitPage(page(source, events.slice(0, EVENTS - LAST_PAGE)));
      const largest = await largestAnswer(async () => {
        await store.commitPage(page(source, events.slice(EVENTS - LAST_PAGE), { days: [{ day: DAY, state: 'complete' }] }));
      });
      const [record] = await store.listCoverageRecords({ fromDay: DAY, toDay: DAY });
      expect(record).toMatchObject({ day: DAY, version: 1, eventCount: EVENTS, digest: coverageDigest(events.map((e) => e.rowId)) });
      // The page's own events come back from its insert; nothing larger.
      expect(largest).toBeLessThanOrEqual(LAST_PAGE);
    });

    it('a day with row ids beyond ASCII gets the digest of coverageDigest', async () => {
      const opened = await target.open({ clock: new ManualClock(START), batchSize: BATCH_SIZE });
      cleanup = opened.cleanup;
      const { store } = opened;
      const source = (await store.createSource(sampleSource())).id;
      const t = DAY_START + 3_600_000;
      // Byte order puts U+FF01 (EF BC 81) before U+1F600 (F0 9F 98 80); code-unit order the other way.
      const ids = ['b', '\u{1F600}', '\uFF01', 'a'];
      await store.commitPage(
        page(
          source,
          ids.map((id, i) => sampleEvent(id, t + i * 1000)),
          { days: [{ day: DAY, state: 'complete' }] },
        ),
      );
      const [record] = await store.listCoverageRecords({ fromDay: DAY, toDay: DAY });
      expect(record).toMatchObject({ eventCount: 4, digest: coverageDigest(ids) });
    });
  });
}
