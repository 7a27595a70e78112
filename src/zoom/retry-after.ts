/**
 * Reads Zoom's `Retry-After`, which comes in two forms: a number of seconds
 * (`1`) or an ISO date-time (`2020-05-31T00:00:00Z`, seen on the daily limit).
 * Collectors that parse it only as seconds crash or wait 0 s on the second
 * form. HTTP-dates (`Sun, 31 May 2020 00:00:00 GMT`) are accepted too.
 *
 * @returns the epoch ms to wait until, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return nowMs + Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}
