import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { RetentionStore } from '../store/retention-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { page, sampleEvent, sampleFailure, sampleOperationEvent, sampleSource } from '../store/store-contract.test-support.js';
import type { Store } from '../store/store.js';
import { RETENTION_INTERVAL_MS, RetentionJob, retentionCutoffDay, retentionDaysFromConfig, type RetentionDays } from './retention-job.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = 86_400_000;

/** A logger whose lines (parsed) land in `lines`. */
function capturingLogger(lines: Array<Record<string, unknown>>) {
  return pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
}

describe('retention job', () => {
  let clock: ManualClock;
  let store: Store;
  let sourceId: string;
  let lines: Array<Record<string, unknown>>;

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {} });
    sourceId = (await store.createSource(sampleSource())).id;
    lines = [];
    // 3 sign-ins a day from 03-01 to 03-10, a failure on 03-01; one operation event on 03-01.
    for (let d = 0; d < 10; d++) {
      const start = Date.parse('2026-03-01T06:00:00Z') + d * DAY;
      await store.commitPage(
        page(
          sourceId,
          [0, 1, 2].map((i) => sampleEvent(`a${d}-${i}`, start + i * 3_600_000)),
          d === 0 ? { failures: [sampleFailure('f0', '2026-03-01', NOW)] } : {},
        ),
      );
    }
    await store.commitPage({
      ...page(sourceId, [sampleOperationEvent('o0', Date.parse('2026-03-01T07:00:00Z'), { category_type: 'User', action: 'Add', operation_detail: 'x' })]),
      logType: 'Zoom.Operation',
    });
  });
  afterEach(async () => store.close());

  const job = (retentionDays: RetentionDays, target: RetentionStore = store, batchRows = 1000) =>
    new RetentionJob({ store: target, clock, logger: capturingLogger(lines), retentionDays, batchRows });

  it('trims the forward log in batches: with no sink after a day, with sinks only what every cursor passed and 7 days old', async () => {
    // 11 forward-log rows, all stored at NOW (one per page committed above).
    const trim = () => new RetentionJob({ store, clock, logger: capturingLogger(lines), retentionDays: {}, batchRows: 4, forwardLog: store }).runOnce();
    const sink = await store.createSink({ name: 's', kind: 'http', format: 'panther', url: 'https://x.example', settings: {}, secret: null, logTypes: null, createdBy: 't' });
    clock.advance(8 * DAY);
    expect((await trim()).forwardLogRows).toBe(0); // the sink has read nothing
    const batch = await store.readSinkBatch(sink.id, { maxEvents: 6 });
    await store.advanceSink(sink.id, { from: batch.from, to: batch.to, delivered: batch.events.length, deadLetters: [], storedAt: batch.lastStoredAt, now: clock.now() });
    expect((await trim()).forwardLogRows).toBe(2); // the two pages the sink passed
    expect((await store.sinkBacklog(sink.id)).events).toBe(25);
    await store.removeSink(sink.id);
    expect((await trim()).forwardLogRows).toBe(9); // no sink: everything older than a day, 4 rows a batch
    expect(lines.some((l) => String(l.msg).includes('forward-log row'))).toBe(true);
  });

  it('keeps today and the configured number of days before it', () => {
    expect(retentionCutoffDay(NOW, 7)).toBe('2026-03-03');
    expect(retentionCutoffDay(Date.parse('2026-03-10T00:00:00Z'), 1)).toBe('2026-03-09');
    expect(retentionDaysFromConfig({ retentionActivityDays: 30, retentionOperationDays: undefined })).toEqual({ 'Zoom.Activity': 30 });
    expect(retentionDaysFromConfig({})).toEqual({});
  });

  it('purges the days before the cutoff of each log type with a retention, and logs what it deleted', async () => {
    const report = await job({ 'Zoom.Activity': 7 }).runOnce();
    expect(report.purged).toEqual([{ logType: 'Zoom.Activity', beforeDay: '2026-03-03', events: 6, failures: 1, days: 2, batches: 1 }]);
    expect(await store.countEvents({ logType: 'Zoom.Activity' })).toBe(24);
    expect(await store.countEvents({ logType: 'Zoom.Operation' })).toBe(1);
    const days = await store.listDayCoverage(sourceId, 'Zoom.Activity', '2026-03-01', '2026-03-10');
    expect(days.map((d) => d.state)).toEqual(['purged', 'purged', ...Array<string>(8).fill('open')]);
    const line = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('retention: deleted'));
    expect(line).toMatchObject({ level: 30, logType: 'Zoom.Activity', beforeDay: '2026-03-03', events: 6, failures: 1, days: 2 });
    expect(line?.msg).toBe('retention: deleted 6 Zoom.Activity event(s) and 1 classification failure(s) before 2026-03-03 (kept 7 days); 2 day(s) now purged');

    // A day later, the next day goes; a pass with nothing to do logs nothing.
    clock.advance(DAY);
    expect((await job({ 'Zoom.Activity': 7, 'Zoom.Operation': 1 }).runOnce()).purged.map((o) => [o.logType, o.beforeDay, o.events])).toEqual([
      ['Zoom.Activity', '2026-03-04', 3],
      ['Zoom.Operation', '2026-03-10', 1],
    ]);
    const count = lines.length;
    await job({ 'Zoom.Activity': 7 }).runOnce();
    expect(lines.length).toBe(count);
  });

  it('lets the event loop run between two batches', async () => {
    const turns: string[] = [];
    const recording: RetentionStore = {
      purgeBefore: async (...args) => {
        turns.push('batch');
        return store.purgeBefore(...args);
      },
      releaseFreeSpace: (maxPages) => store.releaseFreeSpace(maxPages),
    };
    let ticking = true;
    const tick = () => {
      turns.push('tick');
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const report = await job({ 'Zoom.Activity': 7 }, recording, 2).runOnce();
    ticking = false;
    expect(report.purged[0]).toMatchObject({ events: 6, failures: 1, batches: 4 });
    const batches = turns.flatMap((t, i) => (t === 'batch' ? [i] : []));
    expect(batches).toHaveLength(4);
    for (let i = 1; i < batches.length; i++) expect(turns.slice(batches[i - 1]! + 1, batches[i])).toContain('tick');
  });

  it('runs at start and then every hour on the clock until stopped; without a retention it does nothing', async () => {
    const stop = new AbortController();
    const cutoffs: string[] = [];
    const counting: RetentionStore = {
      purgeBefore: async (logType, beforeDay, limit) => {
        cutoffs.push(beforeDay);
        if (cutoffs.length === 3) stop.abort();
        return store.purgeBefore(logType, beforeDay, limit);
      },
      releaseFreeSpace: (maxPages) => store.releaseFreeSpace(maxPages),
    };
    clock = new ManualClock(Date.parse('2026-03-10T22:30:00Z'));
    await job({ 'Zoom.Activity': 7 }, counting).run(stop.signal);
    expect(clock.sleeps).toEqual([RETENTION_INTERVAL_MS, RETENTION_INTERVAL_MS]);
    // The third pass ran after midnight: one more day went.
    expect(cutoffs).toEqual(['2026-03-03', '2026-03-03', '2026-03-04']);
    expect(lines.some((l) => l.msg === 'retention: Zoom.Activity kept 7 days, Zoom.Operation kept forever')).toBe(true);

    const untouched: RetentionStore = {
      purgeBefore: () => Promise.reject(new Error('no retention: the store must not be asked')),
      releaseFreeSpace: () => Promise.reject(new Error('no retention: the store must not be asked')),
    };
    const idle = job({}, untouched);
    expect(idle.enabled).toBe(false);
    await idle.run(new AbortController().signal);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('logs a failed pass and tries again at the next one', async () => {
    const stop = new AbortController();
    let calls = 0;
    const failing: RetentionStore = {
      purgeBefore: async (...args) => {
        calls += 1;
        if (calls === 1) throw new Error('database is locked');
        stop.abort();
        return store.purgeBefore(...args);
      },
      releaseFreeSpace: (maxPages) => store.releaseFreeSpace(maxPages),
    };
    await job({ 'Zoom.Activity': 7 }, failing).run(stop.signal);
    expect(calls).toBe(2);
    expect(lines.find((l) => l.level === 50)).toMatchObject({ msg: 'retention pass failed; trying again at the next one', err: { message: 'database is locked' } });
  });

  it('gives the freed space back after a pass that deleted rows, step by step, and not after one that deleted nothing', async () => {
    const released: number[] = [];
    const spacing: RetentionStore = {
      purgeBefore: (...args) => store.purgeBefore(...args),
      releaseFreeSpace: async (maxPages) => {
        released.push(maxPages);
        return released.length < 3 ? { released: maxPages, remaining: 5 } : { released: 5, remaining: 0 };
      },
    };
    expect((await job({ 'Zoom.Activity': 7 }, spacing).runOnce()).releasedPages).toBe(2005);
    expect(released).toEqual([1000, 1000, 1000]);
    expect(lines.some((l) => l.msg === 'retention: gave 2005 free database page(s) back to the file system')).toBe(true);
    expect((await job({ 'Zoom.Activity': 7 }, spacing).runOnce()).releasedPages).toBe(0);
    expect(released).toHaveLength(3);
  });
});
