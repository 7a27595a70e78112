/**
 * The day of a `from`/`to` Zoom echoes in a report response. Zoom's own
 * documented example answers date-times (`"from": "2019-09-14T00:00:00Z"`),
 * real responses answer dates (`2019-09-14`): both name the day as written,
 * the date part, the same day the request named (an offset, if any, is the
 * zone Zoom cut its days in, which the window's padding already allows for).
 */

const DAY_OR_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;

/** `yyyy-mm-dd` of a date or date-time Zoom echoed, or undefined when it is neither (or no real day). */
export function echoedDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DAY_OR_DATE_TIME.exec(value.trim());
  if (!match) return undefined;
  const day = `${match[1]}-${match[2]}-${match[3]}`;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day ? day : undefined;
}
