import type { ReportStream } from '../zoom/report-records.js';
import { addMonths, parseDay, type DayCalendar } from './day-calendar.js';
import { isCategoryFilter } from './operation-categories.js';
import { zoomErrors, type ZoomErrorBody, type ZoomFieldError } from './zoom-errors.js';

export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 300;

export interface ReportQuery {
  from: string;
  /** After the silent clamps (one month; today, with `clampFutureTo`): what the response echoes. */
  to: string;
  pageSize: number;
  nextPageToken?: string;
  /** Operation logs only; undefined for `all` or absent. */
  categoryType?: string;
  startMs: number;
  endMs: number;
}

export type ReportQueryResult = { ok: true; query: ReportQuery } | { ok: false; body: ZoomErrorBody };

export interface WindowRules {
  calendar: DayCalendar;
  toInclusive: boolean;
  nowMs: number;
  /** Refuse a `to` after today (a validation error on `to`). */
  refuseFutureTo?: boolean;
  /** Move a `to` after today back to today, silently. */
  clampFutureTo?: boolean;
  /** Refuse a range over one month (a validation error on `to`) instead of clamping it. */
  refuseLongRange?: boolean;
}

type RawQuery = Record<string, unknown>;

/**
 * The day a `from`/`to` names: a date (`2026-03-01`, what Zoom documents) or a
 * UTC date-time (`2026-03-01T22:00:00Z`), which public connectors send and
 * Zoom appears to accept, read as its date part. Undefined when it is neither.
 */
function dayParam(value: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)?$/.exec(value);
  const day = match?.[1];
  return day !== undefined && parseDay(day) !== undefined ? day : undefined;
}

/** Repeated parameters arrive as arrays; Zoom reads the first. */
function param(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/**
 * Validates a report query the way Zoom does: field errors first (code 300
 * with `errors`), then the date rules. `from`/`to` may be dates or UTC
 * date-times (read as their date). A range over one month is not refused
 * but clamped silently to `from` + 1 month, and the response's `to` shows it;
 * `from` older than 6 months before today is refused.
 */
export function parseReportQuery(stream: ReportStream, query: RawQuery, rules: WindowRules): ReportQueryResult {
  const errors: ZoomFieldError[] = [];
  const rawFrom = param(query, 'from');
  const rawTo = param(query, 'to');
  for (const [field, value] of [
    ['from', rawFrom],
    ['to', rawTo],
  ] as const) {
    if (value === undefined || value === '') errors.push({ field, message: `The ${field} field is required.` });
    else if (dayParam(value) === undefined) errors.push({ field, message: 'Invalid field. Expected a date as yyyy-mm-dd.' });
  }
  const from = rawFrom === undefined ? undefined : dayParam(rawFrom);
  const to = rawTo === undefined ? undefined : dayParam(rawTo);

  let pageSize = DEFAULT_PAGE_SIZE;
  const rawPageSize = param(query, 'page_size');
  if (rawPageSize !== undefined && rawPageSize !== '') {
    const n = /^-?\d+$/.test(rawPageSize) ? Number(rawPageSize) : Number.NaN;
    // Above the maximum Zoom serves the maximum; below 1 it refuses.
    if (!Number.isSafeInteger(n) || n < 1) errors.push({ field: 'page_size', message: 'Invalid field. Must be between 1 and 300.' });
    else pageSize = Math.min(n, MAX_PAGE_SIZE);
  }

  let categoryType: string | undefined;
  if (stream.logType === 'Zoom.Operation') {
    const category = param(query, 'category_type');
    if (category !== undefined && category !== '') {
      if (!isCategoryFilter(category)) errors.push({ field: 'category_type', message: 'Invalid field.' });
      else if (category !== 'all') categoryType = category;
    }
  }

  if (errors.length > 0 || from === undefined || to === undefined) return { ok: false, body: zoomErrors.validation(errors) };
  if (from > to) return { ok: false, body: zoomErrors.fromAfterTo() };

  const today = rules.calendar.dayOf(rules.nowMs);
  if (from < addMonths(today, -6)) return { ok: false, body: zoomErrors.outOfRange() };
  if (rules.refuseFutureTo && to > today) return { ok: false, body: zoomErrors.validation([{ field: 'to', message: 'The date cannot be later than today.' }]) };

  const monthEnd = addMonths(from, 1);
  const servedTo = rules.clampFutureTo && to > today ? (today < from ? from : today) : to;
  if (rules.refuseLongRange && servedTo > monthEnd) {
    return { ok: false, body: zoomErrors.validation([{ field: 'to', message: 'The date range must be within one month.' }]) };
  }
  const effectiveTo = servedTo > monthEnd ? monthEnd : servedTo;
  const { startMs, endMs } = rules.calendar.range(from, effectiveTo, rules.toInclusive);
  const nextPageToken = param(query, 'next_page_token');
  return {
    ok: true,
    query: {
      from,
      to: effectiveTo,
      pageSize,
      ...(nextPageToken ? { nextPageToken } : {}),
      ...(categoryType === undefined ? {} : { categoryType }),
      startMs,
      endMs,
    },
  };
}
