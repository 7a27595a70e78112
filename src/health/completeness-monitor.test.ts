import { describe, expect, it } from 'vitest';
import type { DayCoverage } from '../store/store.js';
import { BACKFILL_REACH_MS, daysAtRisk, type BackfillSchedule } from './completeness-monitor.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const row = (day: string, state: 'complete' | 'failed' | 'open' | 'purged'): DayCoverage => ({
  sourceId: 's',
  logType: 'Zoom.Activity',
  day,
  records: 0,
  lastFullReadAt: state === 'failed' ? null : NOW - DAY,
  state,
  ambiguous: false,
  gainedAfterComplete: 0,
  lastError: state === 'failed' ? 'boom' : null,
  updatedAt: 0,
});
/** A stream never polled yet: a fresh source, its backfill about to start. */
const fresh: BackfillSchedule = { lastPollAt: null, nextAttemptAt: null, consecutiveFailures: 0 };
/** A stream whose last cycle failed (backing off). */
const failing: BackfillSchedule = { lastPollAt: NOW - 60_000, nextAttemptAt: NOW + 30_000, consecutiveFailures: 2 };
const days = (list: ReturnType<typeof daysAtRisk>) => list.map((d) => [d.day, d.state]);

describe('days at risk of leaving Zoom', () => {
  // Today 2026-03-10: Zoom serves 2025-09-12 onwards; a 14-day margin covers 2025-09-12..2025-09-26.
  const src = { createdAt: NOW - 5 * DAY, backfillDays: 180, pollIntervalMs: 5 * 60_000 };

  it('lists failed, open and missing days within the margin of the 6-month edge, from the backfill start', () => {
    const coverage = [];
    for (let d = Date.parse('2025-09-12T00:00:00Z'); d <= Date.parse('2025-09-30T00:00:00Z'); d += DAY) coverage.push(row(new Date(d).toISOString().slice(0, 10), 'complete'));
    coverage[3] = row('2025-09-15', 'failed');
    coverage[5] = row('2025-09-17', 'open');
    coverage.splice(8, 1); // 2025-09-20 missing
    coverage[15] = row('2025-09-28', 'failed'); // outside the margin
    const atRisk = daysAtRisk(src, coverage, failing, NOW, 14);
    expect(days(atRisk)).toEqual([
      ['2025-09-15', 'failed'],
      ['2025-09-17', 'open'],
      ['2025-09-20', 'missing'],
    ]);
    expect(atRisk[0]!.lastCollectableDay).toBe('2026-03-13'); // 2025-09-12 is the oldest day served on 2026-03-10
    expect(atRisk[0]!.lastError).toBe('boom');
  });

  it('never counts a day retention purged, nor a day before it (past the retention, even if never read)', () => {
    const coverage = [];
    for (let d = Date.parse('2025-09-12T00:00:00Z'); d <= Date.parse('2025-09-30T00:00:00Z'); d += DAY) coverage.push(row(new Date(d).toISOString().slice(0, 10), 'purged'));
    coverage[3] = row('2025-09-15', 'open'); // read, then its read was still open when retention took the days around it
    coverage.splice(8, 1); // 2025-09-20: never read
    coverage[15] = row('2025-09-28', 'failed');
    expect(daysAtRisk(src, coverage, failing, NOW, 14)).toEqual([]);
    // Purged up to 2025-09-18 only: the days after it are still watched.
    const partly = coverage.map((c) => (c.day > '2025-09-18' && c.state === 'purged' ? { ...c, state: 'complete' as const } : c));
    expect(days(daysAtRisk(src, partly, failing, NOW, 14))).toEqual([['2025-09-20', 'missing']]);
  });

  it('ignores days before the backfill start', () => {
    expect(daysAtRisk({ createdAt: NOW, backfillDays: 10, pollIntervalMs: 60_000 }, [], failing, NOW, 14)).toEqual([]);
  });

  it('a fresh 180-day source: none of the days its backfill is about to read is at risk', () => {
    expect(daysAtRisk({ ...src, createdAt: NOW }, [], fresh, NOW, 14)).toEqual([]);
  });

  it('mid-backfill (the newest days read, the oldest not yet): the unread days are not at risk while the stream reads on schedule', () => {
    const newest = [];
    for (let d = Date.parse('2026-02-01T00:00:00Z'); d <= Date.parse('2026-03-10T00:00:00Z'); d += DAY) newest.push(row(new Date(d).toISOString().slice(0, 10), 'complete'));
    expect(daysAtRisk({ ...src, createdAt: NOW }, newest, { lastPollAt: null, nextAttemptAt: null, consecutiveFailures: 0 }, NOW, 14)).toEqual([]);
    // Polled a minute ago, next cycle in four minutes: still in time.
    expect(daysAtRisk(src, newest, { lastPollAt: NOW - 60_000, nextAttemptAt: null, consecutiveFailures: 0 }, NOW, 14)).toEqual([]);
  });

  it('a day the backfill will not reach in time is still at risk: the stream failing, waiting past the day, or the day leaving within the reach time', () => {
    // The stream's last cycle failed: every unread day near the edge is at risk.
    expect(daysAtRisk({ ...src, createdAt: NOW }, [], failing, NOW, 14)).toHaveLength(15);
    // The daily budget is spent until 00:00 UTC, when 2025-09-12 (last served today) leaves Zoom: only that day is lost.
    const waiting = { lastPollAt: NOW, nextAttemptAt: Date.parse('2026-03-11T00:00:00Z'), consecutiveFailures: 0 };
    expect(days(daysAtRisk({ ...src, createdAt: NOW }, [], waiting, NOW, 14))).toEqual([['2025-09-12', 'missing']]);
    // A fresh source created 30 minutes before 2025-09-12 leaves Zoom: less than the reach time left for it.
    const late = Date.parse('2026-03-10T23:30:00Z');
    expect(BACKFILL_REACH_MS).toBeGreaterThan(30 * 60_000);
    expect(days(daysAtRisk({ ...src, createdAt: late }, [], fresh, late, 14))).toEqual([['2025-09-12', 'missing']]);
  });

  it('a day outside the backfill the stream plans (backfill shortened since) is at risk even while the stream is healthy', () => {
    const shortened = { createdAt: NOW - 100 * DAY, backfillDays: 30, pollIntervalMs: 5 * 60_000 };
    // Its oldest coverage row says it once covered 2025-09-20..; it now plans 30 days back only, so nothing will read 2025-09-21..26.
    const coverage = [row('2025-09-20', 'failed')];
    expect(days(daysAtRisk(shortened, coverage, fresh, NOW, 14))).toEqual([
      ['2025-09-20', 'failed'],
      ['2025-09-21', 'missing'],
      ['2025-09-22', 'missing'],
      ['2025-09-23', 'missing'],
      ['2025-09-24', 'missing'],
      ['2025-09-25', 'missing'],
      ['2025-09-26', 'missing'],
    ]);
  });
});
