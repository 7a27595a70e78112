import { addDays } from './utc-days.js';

/** Zoom keeps six months; never ask for more than this many days back. */
export const ZOOM_RETENTION_DAYS = 180;

/** The oldest day a stream keeps complete: `backfillDays` back from `today` (1..ZOOM_RETENTION_DAYS of them). */
export function backfillFirstDay(today: string, backfillDays: number): string {
  const days = Math.min(Math.max(1, Math.floor(backfillDays)), ZOOM_RETENTION_DAYS);
  return addDays(today, -(days - 1));
}
