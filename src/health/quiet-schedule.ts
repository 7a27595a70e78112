import type { QuietSchedule } from '../store/store.js';

export type { QuietSchedule };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A problem with a quiet schedule, in words (for the API's 400 and the CLI). */
export class QuietScheduleError extends Error {}

/**
 * Checks and normalizes a quiet schedule: a known IANA time zone, `days` of
 * 0 (Sunday) .. 6, a `window` of two different `HH:MM` times, and at least one
 * of `days` and `window`. Throws QuietScheduleError.
 */
export function parseQuietSchedule(value: unknown): QuietSchedule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new QuietScheduleError('must be an object like {"timeZone":"Europe/Paris","days":[0,6]}');
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!['timeZone', 'days', 'window'].includes(key)) throw new QuietScheduleError(`unknown field "${key}" (expected timeZone, days, window)`);
  if (typeof v.timeZone !== 'string' || !isTimeZone(v.timeZone))
    throw new QuietScheduleError(`timeZone must be an IANA time zone such as "Europe/Paris" or "UTC", not ${JSON.stringify(v.timeZone)}`);
  const schedule: QuietSchedule = { timeZone: v.timeZone };
  if (v.days !== undefined) {
    if (!Array.isArray(v.days) || v.days.some((d) => !Number.isInteger(d) || (d as number) < 0 || (d as number) > 6)) {
      throw new QuietScheduleError('days must be a list of weekdays 0 (Sunday) to 6 (Saturday)');
    }
    schedule.days = [...new Set(v.days as number[])].sort((a, b) => a - b);
  }
  if (v.window !== undefined) {
    const w = v.window as Record<string, unknown> | null;
    if (typeof w !== 'object' || w === null || typeof w.from !== 'string' || typeof w.to !== 'string' || !HHMM.test(w.from) || !HHMM.test(w.to)) {
      throw new QuietScheduleError('window must be {"from":"HH:MM","to":"HH:MM"} (24-hour times)');
    }
    if (w.from === w.to) throw new QuietScheduleError('window.from and window.to must differ');
    schedule.window = { from: w.from, to: w.to };
  }
  if (!schedule.days?.length && !schedule.window) throw new QuietScheduleError('give days, a window, or both');
  return schedule;
}

function isTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Weekday (0 = Sunday) and minutes since midnight at `ms` in `timeZone`. */
export function localTime(ms: number, timeZone: string): { weekday: number; minutes: number } {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = WEEKDAYS.indexOf(get('weekday') as (typeof WEEKDAYS)[number]);
  const hour = Number(get('hour')) % 24;
  return { weekday, minutes: hour * 60 + Number(get('minute')) };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/**
 * Whether `ms` falls in the schedule: on one of its whole `days`, or inside
 * its daily `window` ([from, to), wrapping past midnight when from > to), both
 * in the schedule's time zone. A null schedule is never quiet.
 */
export function isQuietAt(schedule: QuietSchedule | null | undefined, ms: number): boolean {
  if (!schedule) return false;
  const { weekday, minutes } = localTime(ms, schedule.timeZone);
  if (schedule.days?.includes(weekday)) return true;
  if (schedule.window) {
    const from = minutesOf(schedule.window.from);
    const to = minutesOf(schedule.window.to);
    return from < to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
  }
  return false;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** In words, e.g. "Saturday and Sunday, and daily 22:00-06:00 (Europe/Paris)". */
export function describeQuietSchedule(schedule: QuietSchedule | null | undefined): string {
  if (!schedule) return 'none';
  const parts: string[] = [];
  if (schedule.days?.length) parts.push(schedule.days.map((d) => DAY_NAMES[d]).join(', '));
  if (schedule.window) parts.push(`daily ${schedule.window.from}-${schedule.window.to}`);
  return `${parts.join(', and ')} (${schedule.timeZone})`;
}
