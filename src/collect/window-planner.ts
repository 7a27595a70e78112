import { utcDay } from '../shared/clock.js';
import type { DayCoverage } from '../store/store.js';
import { echoedDay } from '../zoom/echoed-day.js';
import { PAGE_SIZE, type ReportWindow } from '../zoom/report-reader.js';
import { addDays, DAY_MS, dayStartMs, daysBetween } from '../domain/utc-days.js';
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
 */

/** Span of one request, `from` to `to` inclusive: under Zoom's one-month limit in every month. */
export const MAX_REQUEST_DAYS = 28;
const PAD_BEFORE = 1;
const PAD_AFTER = 2;
/** Core days one request can prove complete. */
export const MAX_CORE_DAYS = MAX_REQUEST_DAYS - PAD_BEFORE - PAD_AFTER;
/** Needed days this close together are read in one window: the padding overlaps anyway. */
const MERGE_GAP_DAYS = PAD_BEFORE + PAD_AFTER;
/** Page size of a confirmation read: moves every page boundary. */
export const CONFIRM_PAGE_SIZE = PAGE_SIZE - 1;

export type ReadReason = 'backfill' | 'retry' | 'settle' | 'reconcile' | 'confirm';

export interface PlannedRead {
  window: ReportWindow;
  /** Days this read proves complete when it finishes: `first..last`. */
  core: { first: string; last: string };
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
 * Core days a finished read of `window` proves complete, given the `to` Zoom
 * says it answered (a date or a date-time; anything else proves nothing).
 *
 * A `to` earlier than asked was clamped. Clamped to `today` or later (Zoom
 * moves a future `to` back to its today, and a refused future `to` makes us
 * ask up to today), it is the most Zoom serves: nothing after it exists yet,
 * so the read proves what the padded window would. Any other clamp proves
 * only the core days its own padding covers.
 */
export function provenCore(planned: PlannedRead, zoomTo: string, today?: string): { first: string; last: string } | null {
  const answeredTo = echoedDay(zoomTo);
  if (answeredTo === undefined) return null;
  const servedTo = answeredTo >= planned.window.to || (today !== undefined && answeredTo >= today) ? planned.window.to : answeredTo;
  const lastByZoom = addDays(servedTo, -PAD_AFTER);
  const last = lastByZoom < planned.core.last ? lastByZoom : planned.core.last;
  return last < planned.core.first ? null : { first: planned.core.first, last };
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
  let current: { first: string; last: string; reasons: Set<ReadReason>; ambiguous: boolean } | undefined;
  const flush = () => {
    if (!current) return;
    reads.push({
      window: windowForCore(current.first, current.last, today),
      core: { first: current.first, last: current.last },
      reasons: [...current.reasons],
      pageSize: current.ambiguous ? CONFIRM_PAGE_SIZE : PAGE_SIZE,
    });
    current = undefined;
  };
  for (const item of needed) {
    // `needed` runs newest first: extend the current window back in time while it fits.
    if (current && daysBetween(item.day, current.first) <= MERGE_GAP_DAYS && daysBetween(item.day, current.last) < MAX_CORE_DAYS) {
      current.first = item.day;
      current.reasons.add(item.reason);
      current.ambiguous ||= item.ambiguous;
    } else {
      flush();
      current = { first: item.day, last: item.day, reasons: new Set([item.reason]), ambiguous: item.ambiguous };
    }
  }
  flush();

  const todayInRead = reads.some((read) => read.core.first <= today && today <= read.core.last);
  const fastPath = todayInRead ? null : windowForCore(today, today, today);
  return { reads, fastPath, firstDay, today };
}

/** `newest`, the day before, ... down to `oldest`. */
function daysFromTo(newest: string, oldest: string): string[] {
  const days: string[] = [];
  for (let day = newest; day >= oldest; day = addDays(day, -1)) days.push(day);
  return days;
}
