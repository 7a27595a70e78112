import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coverageDigest } from '../domain/coverage-digest.js';
import { ManualClock } from '../shared/clock.js';
import { openSqliteStore } from './sqlite-store.js';
import { page, sampleEvent, sampleSource, START } from './store-contract.test-support.js';

const DAY = '2026-03-09';
const DAY_START = Date.parse(`${DAY}T00:00:00Z`);
const EVENTS = 2000;

/** A row id as rowIdFor makes them: the event's second in 8 hex digits, then 24 of a hash. */
const rowIdAt = (timeMs: number, i: number) =>
  Math.floor(timeMs / 1000)
    .toString(16)
    .padStart(8, '0') + createHash('sha256').update(String(i)).digest('hex').slice(0, 24);

/** Largest number of rows one `Statement.all` call returned while `run` ran. */
async function largestAll(run: () => Promise<void>): Promise<number> {
  const probe = new Database(':memory:');
  const prototype = Object.getPrototypeOf(probe.prepare('SELECT 1')) as { all: (...args: unknown[]) => unknown[] };
  probe.close();
  const all = prototype.all;
  let largest = 0;
  const spy = vi.spyOn(prototype, 'all').mockImplementation(function (this: unknown, ...args: unknown[]) {
    const rows = all.apply(this, args);
    largest = Math.max(largest, rows.length);
    return rows;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return largest;
}

describe('SQLite coverage outbox', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  const open = async () => {
    const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock: new ManualClock(START), env: {} });
    close = () => store.close();
    return { store, source: (await store.createSource(sampleSource())).id };
  };

  // Issue 14 section 3: a backfill completes several days in one page; reading each day's row ids
  // into an array (then a sorted copy, then their joined text) was a burst of about 5 MB per 300,000 records.
  it("hashes a completed day's row ids as it reads them: no statement returns the day as an array", async () => {
    const { store, source } = await open();
    // Three events a second, stored in an order that is neither time order nor row-id order.
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const timeMs = DAY_START + 3_600_000 + Math.floor(i / 3) * 1000 + (i % 3) * 7;
      return sampleEvent(rowIdAt(timeMs, i), timeMs);
    });
    const shuffled = events
      .map((e, i) => ({ e, k: (i * 7919) % EVENTS }))
      .sort((a, b) => a.k - b.k)
      .map(({ e }) => e);
    await store.commitPage(page(source, shuffled.slice(0, EVENTS / 2)));
    const largest = await largestAll(async () => {
      await store.commitPage(page(source, shuffled.slice(EVENTS / 2), { days: [{ day: DAY, state: 'complete' }] }));
    });
    const [record] = await store.listCoverageRecords({ fromDay: DAY, toDay: DAY });
    expect(record).toMatchObject({ day: DAY, version: 1, eventCount: EVENTS, digest: coverageDigest(events.map((e) => e.rowId)) });
    expect(largest).toBeLessThan(EVENTS / 2);
  });

  it('row ids that do not sort with their second still get the digest of the sorted day', async () => {
    const { store, source } = await open();
    const t = DAY_START + 3_600_000;
    const events = [sampleEvent('zz-first', t), sampleEvent('mm', t + 1000), sampleEvent('aa-last', t + 2000), sampleEvent('00000000', t + 2000)];
    await store.commitPage(page(source, events, { days: [{ day: DAY, state: 'complete' }] }));
    const [record] = await store.listCoverageRecords({ fromDay: DAY, toDay: DAY });
    expect(record).toMatchObject({ eventCount: 4, digest: coverageDigest(['00000000', 'aa-last', 'mm', 'zz-first']) });
  });
});
