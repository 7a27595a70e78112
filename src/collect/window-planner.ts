import { utcDay } from '../shared/clock.js';
import type { DayCoverage } from '../store/store.js';
import { echoedDay } from '../zoom/echoed-day.js';
import { PAGE_SIZE, type ReportWindow } from '../zoom/report-reader.js';
import { addDays, DAY_MS, dayStartMs, daysBetween, daysFrom } from '../domain/utc-days.js';
import { backfillFirstDay, ZOOM_RETENTION_DAYS } from '../domain/zoom-retention.js';

/**
 * Decides what one collection cycle of one stream reads. Pure: the same
 * coverage and time give the same plan.
 *
 * Zoom leaves unconfirmed whether `to` is inclusive and whether days are cut
 * in UTC or in the account's time zone (up to ±14 h). A request for
 * `from..to` therefore only proves the UTC days `from+1 .. to-2` complete under
 * every reading, so the days a read must cover ("core") are padded by one day
 * before and two after. Padding after today costs nothing (no records yet).
 *
 * Seams. Needed days longer than one request are read as a chain of windows,
 * newest first, each older window ending on the day the newer one starts
 * (`older.to == newer.from == S`). Both requests are cut by the same calendar
 * (one account, one reading of `from`/`to`), so under every reading the older
 * one reaches at least to where the newer one begins (the start of S on that
 * calendar): together they cover one contiguous stretch, which proves the UTC
 * days `older.from+1 .. newer.to-2`. Of those, `S-1` and `S` (the seam days)
 * neither proves alone. So windows of a chain share one day instead of three:
 * each 28-day request proves 27 new days, not 25. The seam days are proven
 * only when both reads finished, one after the other in the same cycle (the
 * pairing lives in the cycle's memory: a crash, a failure or a stop between
 * the two leaves them unproven, and the next cycle reads them again), as of
 * the earlier read's time (settled then: complete; else open). See seamProof.
 */

/** Span of one request, `from` to `to` inclusive: under Zoom's one-month limit in every month. */
export const MAX_REQUEST_DAYS = 28;
const PAD_BEFORE = 1;
const PAD_AFTER = 2;
/** Days before and on a seam that the two reads of a seam prove together: `S-1`, `S`. */
const SEAM_DAYS_BEFORE = 1;
/** Needed days this close together are read in one window: the padding overlaps anyway. */
const MERGE_GAP_DAYS = PAD_BEFORE + PAD_AFTER;
/** Page size of a confirmation read: moves every page boundary. */
export const CONFIRM_PAGE_SIZE = PAGE_SIZE - 1;

export type ReadReason = 'backfill' | 'retry' | 'settle' | 'reconcile' | 'confirm';

export interface DayRange {
  first: string;
  last: string;
}

export interface PlannedRead {
  window: ReportWindow;
  /**
   * Days this read proves complete on its own when it finishes: `first..last`;
   * null for a short oldest window of a chain, whose days are all seam days.
   */
  core: DayRange | null;
  /**
   * Seam days: proven when the read planned just before this one (the newer
   * one of the chain, whose window starts on this window's `to`) finished in
   * this cycle and this one finishes after it; null when this read ends no
   * seam. See seamProof.
   */
  seam: DayRange | null;
  reasons: ReadReason[];
  pageSize: number;
}

export interface StreamPlan {
  /** Full reads, newest first. */
  reads: PlannedRead[];
  /**
   * Read today's newest pages (the fast path) when today is in no full read;
   * read to the end it proves today like a full read.
   */
  fastPath: ReportWindow | null;
  /** First day the source keeps complete (backfill start). */
  firstDay: string;
  today: string;
}

export interface PlanSettings {
  backfillDays: number;
  settleDays: number;
  reconcileIntervalMs: number;
  /**
   * The source's daily request share. When given, the hourly re-reads of open
   * days are spaced out so that they spend at most half of it.
   */
  requestsPerDay?: number;
}

/** Share of the daily request budget the scheduled re-reads of open days may spend. */
export const RECONCILE_BUDGET_SHARE = 0.5;

/**
 * The re-read interval actually used: the setting, stretched when re-reading
 * the open days that often would spend more than RECONCILE_BUDGET_SHARE of the
 * daily budget (a very busy account). Settle reads still happen on time.
 */
export function effectiveReconcileIntervalMs(settings: PlanSettings, openDayRecords: number): number {
  if (!settings.requestsPerDay) return settings.reconcileIntervalMs;
  const pagesPerReread = Math.ceil(openDayRecords / PAGE_SIZE) + 1;
  const rereadsPerDay = (settings.requestsPerDay * RECONCILE_BUDGET_SHARE) / pagesPerReread;
  return Math.max(settings.reconcileIntervalMs, Math.ceil(DAY_MS / rereadsPerDay));
}

/** When a UTC day stops taking late records by our settings: `settleDays` after its end. */
export function settleAtMs(day: string, settleDays: number): number {
  return dayStartMs(day) + (1 + settleDays) * DAY_MS;
}

/** Why `day` needs a full read now, or undefined. */
function reasonToRead(
  day: string,
  coverage: DayCoverage | undefined,
  nowMs: number,
  settings: PlanSettings,
  reconcile: boolean,
  reconcileIntervalMs: number,
): ReadReason | undefined {
  // Retention deleted its events on purpose: never read again (Zoom would send them back).
  if (coverage?.state === 'purged') return undefined;
  if (!coverage || coverage.lastFullReadAt === null) return 'backfill';
  if (coverage.state === 'failed') return 'retry';
  const settled = nowMs >= settleAtMs(day, settings.settleDays);
  if (settled) {
    if (coverage.state !== 'complete') return 'settle';
    return coverage.ambiguous ? 'confirm' : undefined;
  }
  if (reconcile || coverage.lastFullReadAt <= nowMs - reconcileIntervalMs) return 'reconcile';
  return coverage.ambiguous ? 'confirm' : undefined;
}

export function windowForCore(first: string, last: string, today: string): ReportWindow {
  const oldest = addDays(today, -ZOOM_RETENTION_DAYS);
  const from = addDays(first, -PAD_BEFORE);
  return { from: from < oldest ? oldest : from, to: addDays(last, PAD_AFTER) };
}

/**
 * The last day a finished read of `planned` covers, given the `to` Zoom says
 * it answered (a date or a date-time; anything else: undefined).
 *
 * A `to` earlier than asked was clamped. Clamped to `today` or later (Zoom
 * moves a future `to` back to its today, and a refused future `to` makes us
 * ask up to today), it is the most Zoom serves: nothing after it exists yet,
 * so the read covers what the asked window would. Any other clamp covers only
 * up to the day Zoom answered.
 */
function servedTo(planned: PlannedRead, zoomTo: string, today?: string): string | undefined {
  const answeredTo = echoedDay(zoomTo);
  if (answeredTo === undefined) return undefined;
  return answeredTo >= planned.window.to || (today !== undefined && answeredTo >= today) ? planned.window.to : answeredTo;
}

/**
 * Core days a finished read of `planned` proves complete on its own, given
 * the `to` Zoom says it answered: up to two days before what it served (see
 * servedTo), so a silent clamp proves less.
 */
export function provenCore(planned: PlannedRead, zoomTo: string, today?: string): DayRange | null {
  if (planned.core === null) return null;
  const served = servedTo(planned, zoomTo, today);
  if (served === undefined) return null;
  const lastByZoom = addDays(served, -PAD_AFTER);
  const last = lastByZoom < planned.core.last ? lastByZoom : planned.core.last;
  return last < planned.core.first ? null : { first: planned.core.first, last };
}

/** What Zoom answered for a finished read: the window it echoed on the last page. */
export interface FinishedRead {
  planned: PlannedRead;
  /** The window Zoom echoed (the asked one where it echoed nothing readable). */
  answered: ReportWindow;
}

/**
 * Seam days the reads `older` and `newer` prove TOGETHER, both finished, or
 * null. `older` asked `olderAsked` (its planned window, or one a day shorter
 * at Zoom's oldest day) and Zoom answered up to `olderZoomTo`.
 *
 * Why it holds, under every reading: both requests are cut by one calendar
 * (offset o from UTC, |o| <= 14 h; `to` inclusive or not, the same for both).
 * The older one covers [start(older.from), start(S) (+ a day)), the newer one
 * [start(S), end of what it served), start(d) = 00:00 UTC of d - o. Together:
 * [start(older.from), end), which holds every UTC day from older.from+1
 * (start(older.from) <= its 00:00 UTC + 14 h) to servedTo-2 (end >= 00:00 UTC
 * of servedTo - 14 h). Identical records share one second, and a second lies
 * wholly on one side of start(S): each group of identical records is read
 * whole by one of the two reads (or by both: the same occurrences, the same
 * row ids), so no count is split by the seam.
 *
 * What must hold, else null (the days wait for another read):
 * - the newer read is this chain's neighbour: its window starts on S, and Zoom
 *   did not answer a later `from` (a silently moved start leaves a gap);
 * - the older read reached S: Zoom did not clamp its `to` before S;
 * - only days the newer read's served `to` still covers two days ahead, and
 *   days after the older read's first day.
 */
export function seamProof(args: { older: PlannedRead; olderAsked: ReportWindow; olderZoomTo: string; newer: FinishedRead; today?: string }): DayRange | null {
  const { older, olderAsked, newer, today } = args;
  if (older.seam === null) return null;
  const seamDay = older.window.to;
  if (olderAsked.to !== seamDay || newer.planned.window.from !== seamDay) return null;
  const newerFrom = echoedDay(newer.answered.from);
  if (newerFrom === undefined || newerFrom > seamDay) return null;
  const olderServed = servedTo(older, args.olderZoomTo, today);
  if (olderServed === undefined || olderServed < seamDay) return null;
  const newerServed = servedTo(newer.planned, newer.answered.to, today);
  if (newerServed === undefined) return null;
  const byNewer = addDays(newerServed, -PAD_AFTER);
  const byOlder = addDays(olderAsked.from, PAD_BEFORE);
  const first = older.seam.first > byOlder ? older.seam.first : byOlder;
  const last = older.seam.last < byNewer ? older.seam.last : byNewer;
  return first > last ? null : { first, last };
}

/**
 * The windows of one run of needed core days `first..last`: a chain, newest
 * first, each older window ending on the day the newer one starts, the
 * newest one padded as a lone window would be (two days after `last`), the
 * oldest one starting a day before `first` (never before Zoom's six months).
 */
function chainWindows(first: string, last: string, today: string): { window: ReportWindow; core: DayRange | null; seam: DayRange | null }[] {
  const oldest = addDays(today, -ZOOM_RETENTION_DAYS);
  const padded = addDays(first, -PAD_BEFORE);
  const start = padded < oldest ? oldest : padded;
  const chain: { window: ReportWindow; core: DayRange | null; seam: DayRange | null }[] = [];
  let to = addDays(last, PAD_AFTER);
  for (;;) {
    const earliest = addDays(to, -(MAX_REQUEST_DAYS - 1));
    const from = earliest < start ? start : earliest;
    // The oldest window proves from `first` on, as a lone window does.
    const coreFirst = from === start ? first : addDays(from, PAD_BEFORE);
    const coreLast = chain.length === 0 ? last : addDays(to, -PAD_AFTER);
    const core = coreFirst <= coreLast ? { first: coreFirst, last: coreLast } : null;
    let seam: DayRange | null = null;
    if (chain.length > 0) {
      const seamFirst = [addDays(to, -SEAM_DAYS_BEFORE), addDays(from, PAD_BEFORE), first].reduce((a, b) => (a > b ? a : b));
      seam = seamFirst <= to ? { first: seamFirst, last: to } : null;
    }
    chain.push({ window: { from, to }, core, seam });
    if (from === start) return chain;
    to = from;
  }
}

export function planStream(args: {
  nowMs: number;
  settings: PlanSettings;
  /** Coverage rows of the stream from firstDay to today. */
  coverage: readonly DayCoverage[];
  /** Re-read every open day now (`poll --reconcile`). */
  reconcile?: boolean;
}): StreamPlan {
  const { nowMs, settings } = args;
  const today = utcDay(nowMs);
  const firstDay = backfillFirstDay(today, settings.backfillDays);
  const byDay = new Map(args.coverage.map((row) => [row.day, row]));
  const openDayRecords = args.coverage
    .filter((row) => row.day >= firstDay && row.state !== 'purged' && nowMs < settleAtMs(row.day, settings.settleDays))
    .reduce((n, row) => n + row.records, 0);
  const reconcileIntervalMs = effectiveReconcileIntervalMs(settings, openDayRecords);

  // A day read while open that has since left the backfill range (a backfill no longer than the settle
  // period) still gets its reads until it settles complete: otherwise it would stay open forever.
  const oldestReadable = addDays(today, -ZOOM_RETENTION_DAYS);
  const unfinishedBefore = args.coverage
    .filter((row) => row.day < firstDay && row.day >= oldestReadable && row.lastFullReadAt !== null && (row.state === 'open' || row.state === 'failed'))
    .map((row) => row.day)
    .sort()
    .reverse();
  const needed: { day: string; reason: ReadReason; ambiguous: boolean }[] = [];
  for (const day of [...daysFromTo(today, firstDay), ...unfinishedBefore]) {
    const row = byDay.get(day);
    const reason = reasonToRead(day, row, nowMs, settings, args.reconcile ?? false, reconcileIntervalMs);
    if (reason) needed.push({ day, reason, ambiguous: row?.ambiguous ?? false });
  }

  const reads: PlannedRead[] = [];
  const neededByDay = new Map(needed.map((item) => [item.day, item]));
  let current: { first: string; last: string; reasons: Set<ReadReason> } | undefined;
  const flush = () => {
    if (!current) return;
    const chain = chainWindows(current.first, current.last, today);
    chain.forEach((link, i) => {
      // The days this read helps prove: its core, its seam, and the seam its older neighbour ends on this window's `from`.
      const claimed = [link.core, link.seam, chain[i + 1]?.seam ?? null].flatMap((range) => (range ? daysFrom(range.first, range.last) : []));
      const items = claimed.map((day) => neededByDay.get(day)).filter((item) => item !== undefined);
      const reasons = items.length > 0 ? new Set(items.map((item) => item.reason)) : current!.reasons;
      reads.push({
        window: link.window,
        core: link.core,
        seam: link.seam,
        reasons: [...reasons],
        pageSize: items.some((item) => item.ambiguous) ? CONFIRM_PAGE_SIZE : PAGE_SIZE,
      });
    });
    current = undefined;
  };
  for (const item of needed) {
    // `needed` runs newest first: extend the current run back in time while the padding would overlap anyway.
    if (current && daysBetween(item.day, current.first) <= MERGE_GAP_DAYS) {
      current.first = item.day;
      current.reasons.add(item.reason);
    } else {
      flush();
      current = { first: item.day, last: item.day, reasons: new Set([item.reason]) };
    }
  }
  flush();

  const proves = (range: DayRange | null) => range !== null && range.first <= today && today <= range.last;
  const todayInRead = reads.some((read) => proves(read.core) || proves(read.seam));
  const fastPath = todayInRead ? null : windowForCore(today, today, today);
  return { reads, fastPath, firstDay, today };
}

/** `newest`, the day before, ... down to `oldest`. */
function daysFromTo(newest: string, oldest: string): string[] {
  const days: string[] = [];
  for (let day = newest; day >= oldest; day = addDays(day, -1)) days.push(day);
  return days;
}
