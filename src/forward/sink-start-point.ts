/** Where a sink starts reading, or replays from: `now`, `all` (what the forward log holds) or a UTC day `YYYY-MM-DD`. */
export type StartPoint = { kind: 'now' } | { kind: 'all' } | { kind: 'day'; day: string; fromMs: number };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The start point `text` names, or a message saying what is wrong with it. */
export function parseStartPoint(text: string, options: { allowNow?: boolean } = {}): StartPoint | string {
  const allowNow = options.allowNow ?? true;
  const expected = `${allowNow ? 'now, ' : ''}all or a UTC day YYYY-MM-DD`;
  if (text === 'now' && allowNow) return { kind: 'now' };
  if (text === 'all') return { kind: 'all' };
  if (DAY.test(text)) {
    const fromMs = Date.parse(`${text}T00:00:00Z`);
    if (Number.isFinite(fromMs) && new Date(fromMs).toISOString().startsWith(text)) return { kind: 'day', day: text, fromMs };
  }
  return `"${text}" is not a start point: give ${expected}`;
}

/** The store's `start` for a new sink: `now`, the log's beginning, or the first row stored from the day on. */
export function startOption(point: StartPoint): 'now' | 'beginning' | number {
  return point.kind === 'now' ? 'now' : point.kind === 'all' ? 'beginning' : point.fromMs;
}
