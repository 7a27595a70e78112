/**
 * Pure arithmetic the search benchmark reports with: the median and worst of
 * timed runs, whether memory stayed flat over a run, and the most frequent
 * value of a sample (to pick filter values that exist in the data).
 */

/** The median of `values` (the mean of the two middle values when their count is even); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface LatencySummary {
  runs: number;
  median: number;
  worst: number;
}

/** Median and worst (the largest) of some timings; throws when there are none (a figure needs at least one run). */
export function summarize(ms: readonly number[]): LatencySummary {
  if (ms.length === 0) throw new RangeError('summarize needs at least one timing');
  return { runs: ms.length, median: median(ms), worst: Math.max(...ms) };
}

/** True when both the median and the worst are within their limits. */
export function withinLatency(summary: LatencySummary, limits: { median: number; worst: number }): boolean {
  return summary.median <= limits.median && summary.worst <= limits.worst;
}

/** One memory reading during a run: how far the run was (0..1) and the RSS then. */
export interface ProgressSample {
  progress: number;
  rss: number;
}

export interface Flatness {
  /** RSS of the first reading at or past 10% of the run. */
  at10: number;
  /** RSS of the first reading at or past 90% of the run. */
  at90: number;
  /** at90 / at10. */
  ratio: number;
  /** at90 is no more than `tolerance` above at10. */
  flat: boolean;
}

/**
 * Memory is flat over a run when the RSS at 90% of it is no more than
 * `tolerance` (default 10%) above the RSS at 10% of it (issue 14's
 * definition); null when the readings do not reach both points.
 */
export function flatness(samples: readonly ProgressSample[], tolerance = 0.1): Flatness | null {
  const at = (p: number) => samples.find((s) => s.progress >= p)?.rss;
  const at10 = at(0.1);
  const at90 = at(0.9);
  if (at10 === undefined || at90 === undefined || at10 <= 0) return null;
  const ratio = at90 / at10;
  return { at10, at90, ratio, flat: ratio <= 1 + tolerance };
}

/** The value seen most often (of equally frequent ones, the one that reached that count first); undefined when there is none. */
export function mostFrequent<T>(values: Iterable<T>): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  let bestCount = 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
