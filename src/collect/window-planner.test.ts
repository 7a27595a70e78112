import { describe, expect, it } from 'vitest';
import type { DayCoverage } from '../store/store.js';
import { CONFIRM_PAGE_SIZE, effectiveReconcileIntervalMs, MAX_REQUEST_DAYS, planStream, provenCore, settleAtMs } from './window-planner.js';
import { daysBetween } from '../domain/utc-days.js';

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
    const cores = plan.reads.map((r) => r.core);
    for (const read of plan.reads) expect(daysBetween(read.window.from, read.window.to) + 1).toBeLessThanOrEqual(MAX_REQUEST_DAYS);
    expect(cores[0]!.last).toBe('2026-03-10');
    expect(cores.at(-1)!.first).toBe(plan.firstDay);
    expect(daysBetween(plan.reads.at(-1)!.window.from, '2026-03-10')).toBeLessThanOrEqual(180);
    // Cores tile the backfill with no gap and no overlap.
    for (let i = 1; i < cores.length; i += 1) expect(daysBetween(cores[i]!.last, cores[i - 1]!.first)).toBe(1);
    expect(plan.firstDay).toBe('2025-09-12');
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
    expect(plan.reads.map((r) => [r.core.first, r.core.last, r.reasons])).toEqual([['2026-03-07', '2026-03-07', ['settle']]]);
  });

  it('a day read while open that left a short backfill range keeps its reads until it settles complete', () => {
    // Backfill 1 day, settle 2: 2026-03-08 was read on its day and left the range the next day.
    const short = { ...settings, backfillDays: 1 };
    const read = row('2026-03-08', { lastFullReadAt: Date.parse('2026-03-08T20:00:00Z') });
    const settling = planStream({ nowMs: Date.parse('2026-03-11T12:00:00Z'), settings: short, coverage: [read] });
    // Near enough to today to share its window (days between are read with it, as for any gap).
    expect(settling.reads.map((r) => [r.core.first, r.core.last, [...r.reasons].sort()])).toEqual([['2026-03-08', '2026-03-11', ['backfill', 'settle']]]);
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
  const read = { window: { from: '2026-03-03', to: '2026-03-12' }, core: { first: '2026-03-04', last: '2026-03-10' }, reasons: [], pageSize: 300 };
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
