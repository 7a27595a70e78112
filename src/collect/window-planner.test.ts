import { describe, expect, it } from 'vitest';
import type { DayCoverage } from '../store/store.js';
import {
  CONFIRM_PAGE_SIZE,
  effectiveReconcileIntervalMs,
  MAX_REQUEST_DAYS,
  planStream,
  provenCore,
  seamProof,
  settleAtMs,
  type DayRange,
  type PlannedRead,
} from './window-planner.js';
import { addDays, daysBetween, daysFrom } from '../domain/utc-days.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const settings = { backfillDays: 7, settleDays: 2, reconcileIntervalMs: HOUR };

function row(day: string, overrides: Partial<DayCoverage> = {}): DayCoverage {
  return {
    sourceId: 's',
    logType: 'Zoom.Activity',
    day,
    records: 1,
    lastFullReadAt: NOW - 10 * 60_000,
    state: 'open',
    ambiguous: false,
    gainedAfterComplete: 0,
    lastError: null,
    updatedAt: NOW,
    ...overrides,
  };
}

/** Coverage of a steady-state stream: settled days complete, open days read 10 minutes ago. */
function steady(days = 7): DayCoverage[] {
  const out: DayCoverage[] = [];
  for (let i = 0; i < days; i += 1) {
    const day = new Date(NOW - i * 86_400_000).toISOString().slice(0, 10);
    out.push(row(day, { state: NOW >= settleAtMs(day, 2) ? 'complete' : 'open' }));
  }
  return out;
}

/** Days the reads prove when all finish (cores and seams), oldest first; fails on a day claimed twice. */
function claimedDays(reads: readonly PlannedRead[]): string[] {
  const days = reads.flatMap((read) => [read.core, read.seam].flatMap((range) => (range ? daysFrom(range.first, range.last) : [])));
  expect(new Set(days).size).toBe(days.length);
  return days.sort();
}

describe('planStream', () => {
  it('first start: one window over the whole backfill, padded one day before and two after, and no fast path', () => {
    const plan = planStream({ nowMs: NOW, settings, coverage: [] });
    expect(plan.reads).toHaveLength(1);
    expect(plan.reads[0]).toMatchObject({
      window: { from: '2026-03-03', to: '2026-03-12' },
      core: { first: '2026-03-04', last: '2026-03-10' },
      reasons: ['backfill'],
      pageSize: 300,
    });
    expect(plan.fastPath).toBeNull();
  });

  it("a 180-day backfill is split into windows within one month, newest first, never before Zoom's six months", () => {
    const plan = planStream({ nowMs: NOW, settings: { ...settings, backfillDays: 180 }, coverage: [] });
    for (const read of plan.reads) expect(daysBetween(read.window.from, read.window.to) + 1).toBeLessThanOrEqual(MAX_REQUEST_DAYS);
    expect(plan.reads[0]!.core!.last).toBe('2026-03-10');
    expect(plan.reads.at(-1)!.seam!.first > plan.firstDay ? plan.reads.at(-1)!.core!.first : plan.reads.at(-1)!.seam!.first).toBe(plan.firstDay);
    expect(daysBetween(plan.reads.at(-1)!.window.from, '2026-03-10')).toBeLessThanOrEqual(180);
    // Cores and seams tile the backfill with no gap and no overlap.
    expect(claimedDays(plan.reads)).toEqual(daysFrom(plan.firstDay, '2026-03-10'));
    expect(plan.firstDay).toBe('2025-09-12');
  });

  it('consecutive backfill windows share exactly one day: seven requests for 180 days, not eight', () => {
    const plan = planStream({ nowMs: NOW, settings: { ...settings, backfillDays: 180 }, coverage: [] });
    for (let i = 1; i < plan.reads.length; i += 1) {
      const [newer, older] = [plan.reads[i - 1]!, plan.reads[i]!];
      expect(older.window.to, `window ${i}`).toBe(newer.window.from);
      // The seam days: the day before the shared day and the shared day, between the two cores.
      expect(older.seam).toEqual({ first: addDays(older.window.to, -1), last: older.window.to });
      expect(older.core?.last).toBe(addDays(older.window.to, -2));
      expect(newer.core?.first).toBe(addDays(newer.window.from, 1));
    }
    expect(plan.reads[0]!.seam).toBeNull();
    expect(plan.reads).toHaveLength(7);
  });

  it('seam days are not proven by one side of the seam alone, and are by both', () => {
    const settled = { ...settings, backfillDays: 60 };
    const plan = planStream({ nowMs: NOW, settings: settled, coverage: [] });
    const [newer, older] = [plan.reads[0]!, plan.reads[1]!];
    const seam = older.seam!;
    const asAnswered = (read: PlannedRead) => ({ planned: read, answered: read.window });
    const proven = (ranges: (DayRange | null)[]) =>
      ranges
        .flatMap((range) => (range ? daysFrom(range.first, range.last) : []))
        .map((day) => row(day, { state: NOW >= settleAtMs(day, 2) ? 'complete' : 'open', lastFullReadAt: NOW }));

    // Only the newer side finished (the older failed or the process stopped): the seam days are planned again.
    const afterNewer = planStream({ nowMs: NOW, settings: settled, coverage: proven([provenCore(newer, newer.window.to, plan.today)]) });
    expect(claimedDays(afterNewer.reads)).toEqual(expect.arrayContaining(daysFrom(seam.first, seam.last)));
    // Only the older side: likewise.
    const afterOlder = planStream({ nowMs: NOW, settings: settled, coverage: proven([provenCore(older, older.window.to, plan.today)]) });
    expect(claimedDays(afterOlder.reads)).toEqual(expect.arrayContaining(daysFrom(seam.first, seam.last)));
    // Both, one after the other: the seam days are proven too, and nothing is left to read.
    const pair = seamProof({ older, olderAsked: older.window, olderZoomTo: older.window.to, newer: asAnswered(newer), today: plan.today });
    expect(pair).toEqual(seam);
    const all = plan.reads.flatMap((read, i) => [
      provenCore(read, read.window.to, plan.today),
      i === 0 ? null : seamProof({ older: read, olderAsked: read.window, olderZoomTo: read.window.to, newer: asAnswered(plan.reads[i - 1]!), today: plan.today }),
    ]);
    expect(planStream({ nowMs: NOW, settings: settled, coverage: proven(all) }).reads).toEqual([]);
  });

  it('a seam is proven only by its own neighbour, only when the older read reached the seam day and Zoom started the newer one on it', () => {
    const plan = planStream({ nowMs: NOW, settings: { ...settings, backfillDays: 90 }, coverage: [] });
    const [newest, newer, older] = [plan.reads[0]!, plan.reads[1]!, plan.reads[2]!];
    const proof = (args: {
      older?: PlannedRead;
      olderZoomTo?: string;
      newer?: PlannedRead;
      answered?: { from: string; to: string };
      olderAsked?: { from: string; to: string };
    }) => {
      const o = args.older ?? older;
      const n = args.newer ?? newer;
      return seamProof({
        older: o,
        olderAsked: args.olderAsked ?? o.window,
        olderZoomTo: args.olderZoomTo ?? o.window.to,
        newer: { planned: n, answered: args.answered ?? n.window },
        today: plan.today,
      });
    };
    expect(proof({})).toEqual(older.seam);
    // Not the neighbour: the newest read does not start where `older` ends.
    expect(proof({ newer: newest })).toBeNull();
    // Zoom clamped the older read's `to` before the seam day (a date or a date-time alike).
    expect(proof({ olderZoomTo: addDays(older.window.to, -1) })).toBeNull();
    expect(proof({ olderZoomTo: `${older.window.to}T00:00:00Z` })).toEqual(older.seam);
    expect(proof({ olderZoomTo: 'not a date' })).toBeNull();
    // Zoom answered the newer read from a later day: a gap may lie between them.
    expect(proof({ answered: { ...newer.window, from: addDays(newer.window.from, 1) } })).toBeNull();
    // Zoom clamped the newer read's `to` down to the seam: only days two before what it served.
    expect(proof({ answered: { ...newer.window, to: addDays(newer.window.from, 2) } })).toEqual(older.seam);
    expect(proof({ answered: { ...newer.window, to: addDays(newer.window.from, 1) } })).toEqual({ first: older.seam!.first, last: older.seam!.first });
    expect(proof({ answered: { ...newer.window, to: newer.window.from } })).toBeNull();
    // A read with no seam (the newest of a chain) proves none.
    expect(proof({ older: newest, newer })).toBeNull();
  });

  it('an ambiguous seam day makes both reads of its seam confirmation reads (either may hold its records), and only those', () => {
    const backfill = { ...settings, backfillDays: 90 };
    const chain = planStream({ nowMs: NOW, settings: backfill, coverage: [] }).reads;
    const seamDay = chain[2]!.seam!.first;
    // Every day failed (read again), the seam day complete but ambiguous.
    const coverage = daysFrom(addDays('2026-03-10', -89), '2026-03-10').map((day) =>
      day === seamDay ? row(day, { state: 'complete', ambiguous: true }) : row(day, { state: 'failed' }),
    );
    const plan = planStream({ nowMs: NOW, settings: backfill, coverage });
    expect(plan.reads.map((r) => r.window)).toEqual(chain.map((r) => r.window));
    expect(plan.reads.map((r) => r.pageSize)).toEqual(chain.map((_, i) => (i === 1 || i === 2 ? CONFIRM_PAGE_SIZE : 300)));
    expect(plan.reads[2]!.reasons.sort()).toEqual(['confirm', 'retry']);
    expect(plan.reads[0]!.reasons).toEqual(['retry']);
  });

  it('an oldest window of two days proves its one needed day only with its seam', () => {
    // 28 + 27 + 1 days of window: the third window is the padding day and the first day.
    const backfillDays = 28 - 3 + 27 + 1;
    const plan = planStream({ nowMs: NOW, settings: { ...settings, backfillDays }, coverage: [] });
    const oldest = plan.reads.at(-1)!;
    expect(oldest.window).toEqual({ from: addDays(plan.firstDay, -1), to: plan.firstDay });
    expect(oldest.core).toBeNull();
    expect(oldest.seam).toEqual({ first: plan.firstDay, last: plan.firstDay });
    expect(claimedDays(plan.reads)).toEqual(daysFrom(plan.firstDay, plan.today));
  });

  it('steady state inside the reconcile interval: only the fast path, over today', () => {
    const plan = planStream({ nowMs: NOW, settings, coverage: steady() });
    expect(plan.reads).toEqual([]);
    expect(plan.fastPath).toEqual({ from: '2026-03-09', to: '2026-03-12' });
  });

  it('after the reconcile interval the open days (today and the settle period) are read in full, in one window', () => {
    const coverage = steady().map((r) => (r.state === 'open' ? { ...r, lastFullReadAt: NOW - 2 * HOUR } : r));
    const plan = planStream({ nowMs: NOW, settings, coverage });
    expect(plan.reads.map((r) => [r.core, r.reasons])).toEqual([[{ first: '2026-03-08', last: '2026-03-10' }, ['reconcile']]]);
    expect(plan.fastPath).toBeNull();
  });

  it('a busy account: re-reads of the open days are spaced out to spend at most half the daily request share', () => {
    // Three open days of 150,000 records: 1,501 requests a re-read; 3,000 a day allows one a day at half share.
    const busy = steady().map((r) => (r.state === 'open' ? { ...r, records: 150_000, lastFullReadAt: NOW - 2 * HOUR } : r));
    expect(effectiveReconcileIntervalMs({ ...settings, requestsPerDay: 3000 }, 450_000)).toBe(Math.ceil(86_400_000 / (1500 / 1501)));
    expect(planStream({ nowMs: NOW, settings: { ...settings, requestsPerDay: 3000 }, coverage: busy }).reads).toEqual([]);
    // A quiet account keeps the hourly re-read; without a budget the setting applies as is.
    expect(effectiveReconcileIntervalMs({ ...settings, requestsPerDay: 3000 }, 1_000)).toBe(HOUR);
    expect(planStream({ nowMs: NOW, settings, coverage: busy }).reads.map((r) => r.reasons)).toEqual([['reconcile']]);
    // --reconcile still forces it.
    expect(planStream({ nowMs: NOW, settings: { ...settings, requestsPerDay: 3000 }, coverage: busy, reconcile: true }).reads).toHaveLength(1);
  });

  it('--reconcile forces the open days even when read recently', () => {
    const plan = planStream({ nowMs: NOW, settings, coverage: steady(), reconcile: true });
    expect(plan.reads[0]?.core).toEqual({ first: '2026-03-08', last: '2026-03-10' });
  });

  it('a day past its settle time that is not complete gets its final read', () => {
    const coverage = steady().map((r) => (r.day === '2026-03-07' ? { ...r, state: 'open' as const } : r));
    const plan = planStream({ nowMs: NOW, settings, coverage });
    expect(plan.reads.map((r) => [r.core?.first, r.core?.last, r.reasons])).toEqual([['2026-03-07', '2026-03-07', ['settle']]]);
  });

  it('a day read while open that left a short backfill range keeps its reads until it settles complete', () => {
    // Backfill 1 day, settle 2: 2026-03-08 was read on its day and left the range the next day.
    const short = { ...settings, backfillDays: 1 };
    const read = row('2026-03-08', { lastFullReadAt: Date.parse('2026-03-08T20:00:00Z') });
    const settling = planStream({ nowMs: Date.parse('2026-03-11T12:00:00Z'), settings: short, coverage: [read] });
    // Near enough to today to share its window (days between are read with it, as for any gap).
    expect(settling.reads.map((r) => [r.core?.first, r.core?.last, [...r.reasons].sort()])).toEqual([['2026-03-08', '2026-03-11', ['backfill', 'settle']]]);
    // Complete, or never read (outside the backfill the user asked for): not read.
    const done = planStream({
      nowMs: Date.parse('2026-03-11T12:00:00Z'),
      settings: short,
      coverage: [{ ...read, state: 'complete' }, row('2026-03-09', { lastFullReadAt: null })],
    });
    expect(done.reads.map((r) => r.core)).toEqual([{ first: '2026-03-11', last: '2026-03-11' }]);
  });

  it('failed days are retried and an ambiguous complete day gets one confirmation read with other page boundaries', () => {
    const coverage = steady().map((r) => (r.day === '2026-03-05' ? { ...r, state: 'failed' as const } : r.day === '2026-03-04' ? { ...r, ambiguous: true } : r));
    const plan = planStream({ nowMs: NOW, settings, coverage });
    expect(plan.reads).toHaveLength(1);
    expect(plan.reads[0]).toMatchObject({ core: { first: '2026-03-04', last: '2026-03-05' }, pageSize: CONFIRM_PAGE_SIZE });
    expect(plan.reads[0]!.reasons.sort()).toEqual(['confirm', 'retry']);
  });

  it('never reads a day retention purged, whatever else its row says, nor counts it among the open days', () => {
    // Retention of one day: yesterday (still open, failed, ambiguous, never fully read) and before are purged.
    const coverage = steady().map((r) =>
      r.day < '2026-03-10' ? { ...r, state: 'purged' as const, lastFullReadAt: r.day === '2026-03-09' ? null : NOW - 2 * HOUR, ambiguous: true } : r,
    );
    const plan = planStream({ nowMs: NOW, settings, coverage });
    expect(plan.reads).toEqual([]);
    expect(plan.fastPath).toEqual({ from: '2026-03-09', to: '2026-03-12' });
    // A busy account's purged open days do not stretch the re-reads of today.
    const busy = coverage.map((r) => (r.state === 'purged' ? { ...r, records: 150_000 } : { ...r, lastFullReadAt: NOW - 2 * HOUR }));
    expect(planStream({ nowMs: NOW, settings: { ...settings, requestsPerDay: 3000 }, coverage: busy }).reads.map((r) => r.core)).toEqual([
      { first: '2026-03-10', last: '2026-03-10' },
    ]);
  });

  it('a missing day in the middle is read, days far apart are separate windows', () => {
    const coverage = steady(30).filter((r) => r.day !== '2026-03-01' && r.day !== '2026-02-20');
    const plan = planStream({ nowMs: NOW, settings: { ...settings, backfillDays: 30 }, coverage });
    expect(plan.reads.map((r) => r.core)).toEqual([
      { first: '2026-03-01', last: '2026-03-01' },
      { first: '2026-02-20', last: '2026-02-20' },
    ]);
  });
});

describe('provenCore', () => {
  const read = { window: { from: '2026-03-03', to: '2026-03-12' }, core: { first: '2026-03-04', last: '2026-03-10' }, seam: null, reasons: [], pageSize: 300 };
  it('the whole core when Zoom answered the window asked for', () => {
    expect(provenCore(read, '2026-03-12')).toEqual({ first: '2026-03-04', last: '2026-03-10' });
  });
  it('less when Zoom clamped the window silently, nothing when it clamped before the core', () => {
    expect(provenCore(read, '2026-03-08')).toEqual({ first: '2026-03-04', last: '2026-03-06' });
    expect(provenCore(read, '2026-03-04')).toBeNull();
  });
  it('a clamp that leaves exactly one provable day proves that day; one day less proves nothing', () => {
    // Zoom answered up to 03-06: with two days of padding after, 03-04 (the core's first day) is the last provable day.
    expect(provenCore(read, '2026-03-06')).toEqual({ first: '2026-03-04', last: '2026-03-04' });
    expect(provenCore(read, '2026-03-05')).toBeNull();
  });
  it("reads Zoom's echoed `to` as a date or as a date-time (Zoom's documented example), alike", () => {
    expect(provenCore(read, '2026-03-12T00:00:00Z')).toEqual({ first: '2026-03-04', last: '2026-03-10' });
    expect(provenCore(read, '2026-03-08T00:00:00Z')).toEqual(provenCore(read, '2026-03-08'));
    expect(provenCore(read, '2026-03-06T23:59:59Z')).toEqual({ first: '2026-03-04', last: '2026-03-04' });
    expect(provenCore(read, 'not a date')).toBeNull();
  });
  it('a `to` moved back to today (a future `to`) proves the padded window; an earlier clamp only what its padding covers', () => {
    expect(provenCore(read, '2026-03-10', '2026-03-10')).toEqual({ first: '2026-03-04', last: '2026-03-10' });
    expect(provenCore(read, '2026-03-10T00:00:00Z', '2026-03-10')).toEqual({ first: '2026-03-04', last: '2026-03-10' });
    expect(provenCore(read, '2026-03-09', '2026-03-10')).toEqual({ first: '2026-03-04', last: '2026-03-07' });
    expect(provenCore(read, '2026-03-10')).toEqual({ first: '2026-03-04', last: '2026-03-08' });
  });
});
