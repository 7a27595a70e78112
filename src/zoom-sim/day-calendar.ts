/**
 * Calendar days as the report endpoints read them. Zoom does not document
 * whether `from`/`to` days are cut in UTC or in the account's time zone, so the
 * cut is an offset from UTC (0 = UTC, -300 = UTC-5) and every day boundary the
 * simulator uses goes through one DayCalendar.
 */

export const DAY_MS = 86_400_000;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch ms of 00:00 UTC of a `yyyy-mm-dd` day, or undefined when the text is not a real date. */
export function parseDay(text: string): number | undefined {
  const match = DAY_PATTERN.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return undefined;
  }
  return ms;
}

/** Like parseDay, but for days that must be valid (simulator API arguments). */
export function requireDay(text: string, what = 'day'): number {
  const ms = parseDay(text);
  if (ms === undefined) throw new Error(`${what} must be a yyyy-mm-dd date, got ${JSON.stringify(text)}`);
  return ms;
}

export function formatDay(utcMidnightMs: number): string {
  return new Date(utcMidnightMs).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return formatDay(requireDay(day) + days * DAY_MS);
}

/** Calendar month arithmetic; the day of month is clamped (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(day: string, months: number): string {
  const d = new Date(requireDay(day));
  const firstOfTarget = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDayOfTarget = new Date(Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth() + 1, 0)).getUTCDate();
  return formatDay(Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth(), Math.min(d.getUTCDate(), lastDayOfTarget)));
}

export class DayCalendar {
  /** @param offsetMinutes where days are cut, relative to UTC (-300 = days start at 05:00 UTC). */
  constructor(readonly offsetMinutes: number) {}

  /** Epoch ms at which `day` begins. */
  startOf(day: string): number {
    return requireDay(day) - this.offsetMinutes * 60_000;
  }

  /** The day (as cut by this calendar) containing `ms`. */
  dayOf(ms: number): string {
    return formatDay(Math.floor((ms + this.offsetMinutes * 60_000) / DAY_MS) * DAY_MS);
  }

  /**
   * Half-open ms range [startMs, endMs) covered by the days `from`..`to`.
   * Whether Zoom includes the `to` day is unconfirmed, hence `toInclusive`.
   */
  range(from: string, to: string, toInclusive: boolean): { startMs: number; endMs: number } {
    const startMs = this.startOf(from);
    const endMs = this.startOf(to) + (toInclusive ? DAY_MS : 0);
    return { startMs, endMs: Math.max(startMs, endMs) };
  }
}
