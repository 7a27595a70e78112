import { DAY_MS, formatDay } from './day-calendar.js';
import type { StoredRecord } from './day-bucket-store.js';

/** Days of one log type, newest first, materialising generated days on demand. */
export interface DaySource {
  day(day: string): readonly StoredRecord[];
}

export interface WindowSpec {
  /** Half-open ms range of the requested days. */
  startMs: number;
  endMs: number;
  /** Only records with this category key; undefined = every record. */
  categoryKey?: string;
  /** Records later than this are not visible yet: Zoom cannot report what has not happened. */
  visibleUntilMs: number;
}

interface DayPlan {
  day: string;
  /** The whole bucket is inside the window: no per-record time check needed. */
  whole: boolean;
}

function planDays(spec: WindowSpec): { plan: DayPlan[]; lo: number; hi: number } {
  const lo = spec.startMs;
  const hi = Math.min(spec.endMs, Math.floor(spec.visibleUntilMs) + 1);
  const plan: DayPlan[] = [];
  if (hi <= lo) return { plan, lo, hi };
  for (let dayMs = Math.floor((hi - 1) / DAY_MS) * DAY_MS; dayMs + DAY_MS > lo; dayMs -= DAY_MS) {
    plan.push({ day: formatDay(dayMs), whole: dayMs >= lo && dayMs + DAY_MS <= hi });
  }
  return { plan, lo, hi };
}

function matches(record: StoredRecord, spec: WindowSpec, lo: number, hi: number, whole: boolean): boolean {
  if (!whole && (record.ms < lo || record.ms >= hi)) return false;
  return spec.categoryKey === undefined || record.category === spec.categoryKey;
}

/** Every record of the window, newest first. */
export function collectWindow(source: DaySource, spec: WindowSpec): StoredRecord[] {
  const { plan, lo, hi } = planDays(spec);
  const out: StoredRecord[] = [];
  for (const { day, whole } of plan) {
    const records = source.day(day);
    if (whole && spec.categoryKey === undefined) {
      for (const record of records) out.push(record);
    } else {
      for (const record of records) if (matches(record, spec, lo, hi, whole)) out.push(record);
    }
  }
  return out;
}

/**
 * `limit` records of the window starting at `offset`, newest first, without
 * building the whole window: whole unfiltered days are skipped by their length.
 */
export function sliceWindow(source: DaySource, spec: WindowSpec, offset: number, limit: number): { items: StoredRecord[]; hasMore: boolean } {
  const { plan, lo, hi } = planDays(spec);
  const items: StoredRecord[] = [];
  let skip = offset;
  for (const { day, whole } of plan) {
    const records = source.day(day);
    const selected = whole && spec.categoryKey === undefined ? records : records.filter((r) => matches(r, spec, lo, hi, whole));
    if (skip >= selected.length) {
      skip -= selected.length;
      continue;
    }
    for (let i = skip; i < selected.length; i++) {
      const record = selected[i];
      if (record === undefined) continue;
      if (items.length === limit) return { items, hasMore: true };
      items.push(record);
    }
    skip = 0;
  }
  return { items, hasMore: false };
}
