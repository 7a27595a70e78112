import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadNormalizers } from '../normalize/log-type-registry.js';
import { ManualClock } from '../shared/clock.js';
import { sampleSource } from '../store/store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { WindowIngest } from './page-ingest.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const T = Date.parse('2026-03-09T08:00:00Z');
const DAY = '2026-03-09';
const normalizer = loadNormalizers().get('Zoom.Activity')!;

/** A sign-in `offset` seconds after T: the records below are listed newest first. */
const rec = (email: string, offset: number) => ({ email, time: new Date(T + offset * 1000).toISOString().replace('.000', ''), type: 'Sign in' });
const X = rec('x@example.com', 0);
const a = rec('a@example.com', 3);
const b = rec('b@example.com', 2);
const c = rec('c@example.com', -1);
const d = rec('d@example.com', -2);
const y = rec('y@example.com', 0);

describe('WindowIngest', () => {
  let store: Store;
  let sourceId: string;
  beforeEach(async () => {
    store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock: new ManualClock(NOW), env: {} });
    sourceId = (await store.createSource(sampleSource())).id;
  });
  afterEach(async () => store.close());
  /** A window read of Zoom.Activity into `store`. */
  const activityIngest = (window: { windowLabel: string; anchorDay: string; settleDays: number; confirmation: boolean }) =>
    new WindowIngest({ store, normalizer, logType: 'Zoom.Activity', sourceId, sourceLabel: 'Acme', logger: pino({ level: 'silent' }), newestStored: null, ...window });

  describe('identical records split by a page boundary, settled by a probe page', () => {
    /** Page 1 ends with X, page 2 starts with X: a real pair, or one X shown twice. The probe answers `probe`. */
    async function readWithProbe(probe: readonly unknown[] | null) {
      const ingest = activityIngest({ windowLabel: '2026-03-08..2026-03-11', anchorDay: '2026-03-08', settleDays: 2, confirmation: false });
      let asked = 0;
      await ingest.ingestPage({ records: [a, b, X], nowMs: NOW, last: false, provenDays: [] });
      const second = await ingest.ingestPage({
        records: [X, c, d],
        nowMs: NOW,
        last: true,
        provenDays: [DAY],
        probeBoundary: () => {
          asked += 1;
          return Promise.resolve(probe);
        },
      });
      const count = async (email: string) => store.countEvents({ sourceId, logType: 'Zoom.Activity', email });
      const ambiguous = (await store.listDayCoverage(sourceId, 'Zoom.Activity', DAY, DAY))[0]?.ambiguous;
      return { asked, probes: second.probes, x: await count('x@example.com'), y: await count('y@example.com'), ambiguous };
    }

    it('a probe page holding the whole second with both copies: two events, the day not ambiguous', async () => {
      const r = await readWithProbe([b, X, { ...X }, c]);
      expect(r).toMatchObject({ asked: 1, x: 2, ambiguous: false, probes: { resolved: 1, unresolved: 0 } });
    });

    it('a probe page holding the whole second with one copy (the list had moved): one event, the day not ambiguous', async () => {
      const r = await readWithProbe([b, X, c]);
      expect(r).toMatchObject({ x: 1, ambiguous: false });
    });

    it('finds the record a reordering of ties hid: X, Y in one second shown as X | X', async () => {
      const r = await readWithProbe([b, y, X, c]);
      expect(r).toMatchObject({ x: 1, y: 1, ambiguous: false });
    });

    it('a probe page that may not hold the whole second settles nothing: no older record after it, no newer one before it, out of order, or none', async () => {
      for (const probe of [[b, X, { ...X }], [X, { ...X }, c], [c, X, { ...X }, b], [], null]) {
        await store.close();
        store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock: new ManualClock(NOW), env: {} });
        sourceId = (await store.createSource(sampleSource())).id;
        const r = await readWithProbe(probe);
        expect(r, JSON.stringify(probe)).toMatchObject({ x: 1, ambiguous: true, probes: { resolved: 0, unresolved: 1 } });
      }
    });

    it('asks no probe when nothing straddles the boundary', async () => {
      const ingest = activityIngest({ windowLabel: 'w', anchorDay: '2026-03-08', settleDays: 2, confirmation: false });
      let asked = 0;
      const probeBoundary = () => {
        asked += 1;
        return Promise.resolve(null);
      };
      await ingest.ingestPage({ records: [a, X, { ...X }], nowMs: NOW, last: false, provenDays: [], probeBoundary });
      await ingest.ingestPage({ records: [c, d], nowMs: NOW, last: true, provenDays: [DAY], probeBoundary });
      expect(asked).toBe(0);
      expect(await store.countEvents({ sourceId, logType: 'Zoom.Activity', email: 'x@example.com' })).toBe(2);
    });
  });

  describe('seam days proven with an earlier read', () => {
    const ingestFor = (confirmation: boolean) => activityIngest({ windowLabel: '2026-03-06..2026-03-09', anchorDay: '2026-03-06', settleDays: 0, confirmation });
    const coverage = async () => Object.fromEntries((await store.listDayCoverage(sourceId, 'Zoom.Activity', '2026-03-01', '2026-03-10')).map((d) => [d.day, d]));

    it('count as read when the earlier read finished: complete only if settled by then, ambiguous if either read left them so', async () => {
      // With settleDays 0, 03-08 settles at 03-09 00:00 and 03-09 at 03-10 00:00; the earlier read finished 03-09 12:00, this one at NOW.
      const earlier = Date.parse('2026-03-09T12:00:00Z');
      await ingestFor(false).ingestPage({
        records: [c, d],
        nowMs: NOW,
        last: true,
        provenDays: [],
        pairedDays: { days: ['2026-03-08', '2026-03-09'], earlierReadAtMs: earlier, earlierAmbiguousDays: new Set(['2026-03-08']) },
      });
      const days = await coverage();
      expect(days['2026-03-08']).toMatchObject({ state: 'complete', lastFullReadAt: earlier, ambiguous: true });
      expect(days['2026-03-09']).toMatchObject({ state: 'open', lastFullReadAt: earlier, ambiguous: false });
    });

    it('a day proven by one read counts as read when the read began: one that began before the day settled leaves it open', async () => {
      // With settleDays 0, 03-09 settles at 03-10 00:00: a read that began a minute before and ended at NOW proves it read, not complete.
      const began = Date.parse('2026-03-09T23:59:00Z');
      await ingestFor(false).ingestPage({ records: [c, d], nowMs: NOW, last: true, provenDays: ['2026-03-08', '2026-03-09'], readStartedAtMs: began });
      const days = await coverage();
      expect(days['2026-03-08']).toMatchObject({ state: 'complete', lastFullReadAt: began });
      expect(days['2026-03-09']).toMatchObject({ state: 'open', lastFullReadAt: began });
    });

    it('a confirmation read clears its own doubt, never the earlier read’s', async () => {
      const ingest = ingestFor(true);
      await ingest.ingestPage({ records: [a, X], nowMs: NOW, last: false, provenDays: [] });
      await ingest.ingestPage({
        records: [{ ...X }, c],
        nowMs: NOW,
        last: true,
        provenDays: [],
        pairedDays: { days: ['2026-03-07', '2026-03-09'], earlierReadAtMs: NOW - 60_000, earlierAmbiguousDays: new Set(['2026-03-07']) },
      });
      const days = await coverage();
      expect(days['2026-03-07']?.ambiguous).toBe(true);
      expect(days['2026-03-09']?.ambiguous).toBe(false);
    });
  });
});
