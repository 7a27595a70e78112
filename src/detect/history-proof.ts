import { addDays, daysBetween } from '../domain/utc-days.js';
import { backfillFirstDay } from '../domain/zoom-retention.js';
import type { DayState } from '../store/store.js';

/**
 * When history is proven (pure; HistoryDetector, `rules replay` and `rules list` share it).
 *
 * - A source's history starts at its backfill's first day (`backfillDays` before
 *   the day it was created): days before it are never read, so the history there
 *   is known to be absent, not missing. A day purged by retention moves the start
 *   after it (its events are gone for good).
 * - An event of day D is evaluated by the history rules once every day from
 *   max(D - look-back, start) to D (its own day too) is `complete`; an open,
 *   failed or unread day makes it wait (the collector settles, retries and reads
 *   them). Waiting until the look-back is final is what makes the alerts the same
 *   whatever order the history arrived in.
 * - A baseline rule (learning) alerts on it only if that span before D holds at
 *   least `learningDays` days; else it stays silent for the event: it is learning
 *   until `start + learningDays`.
 */
export function historyStartDay(createdAtDay: string, backfillDays: number, purgedDays: Iterable<string> = []): string {
  let start = backfillFirstDay(createdAtDay, backfillDays);
  for (const day of purgedDays) if (day >= start) start = addDays(day, 1);
  return start;
}

/** The first day of the span an event of `day` relies on. */
export function reliedFrom(day: string, lookbackDays: number, start: string): string {
  const from = addDays(day, -lookbackDays);
  if (day < start) return day;
  return from > start ? from : start;
}

/** The first day in [reliedFrom, day] that is not complete, or null when all are (the event can be evaluated). */
export function firstUnprovenDay(day: string, lookbackDays: number, start: string, states: ReadonlyMap<string, DayState>): string | null {
  for (let d = reliedFrom(day, lookbackDays, start); d <= day; d = addDays(d, 1)) {
    if (states.get(d) !== 'complete') return d;
  }
  return null;
}

/** Whether a baseline rule has learned enough for an event of `day`. */
export function hasLearned(day: string, lookbackDays: number, start: string, learningDays: number): boolean {
  return daysBetween(reliedFrom(day, lookbackDays, start), day) >= Math.min(learningDays, lookbackDays);
}

/** The first day whose events a baseline rule may alert on. */
export function learningUntil(start: string, learningDays: number): string {
  return addDays(start, learningDays);
}
