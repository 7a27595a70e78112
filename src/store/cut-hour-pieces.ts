import { HOUR_MS } from './migrations/007-search-indexes.js';

/** The first ms of the UTC hour holding `ms` (floored for negative times too), as `event_hour_counts.hour_ms`. */
export function hourOf(ms: number): number {
  return ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
}

/** A part of an hour, [from, to): its events count in `bucket`, or nowhere (undefined: outside the counted range). */
export interface HourPiece {
  from: number;
  to: number;
  bucket: number | undefined;
}

/** The buckets of a histogram: `floor((time - fromMs) / bucketMs)`. */
export interface HourBuckets {
  fromMs: number;
  bucketMs: number;
}

/**
 * How to count an hour of `event_hour_counts` that a range or bucket boundary
 * cuts, reading as few events as possible: the hour [hourMs, hourMs + 1 h)
 * split at `lo`, `hi` (the counted range, [lo, hi)) and the bucket boundaries
 * inside it. `counted` are the pieces to count on `events`; `derived`, when
 * there is one, is the longest piece inside the range, whose events are the
 * hour's count minus those of every counted piece (an hour's pieces sum to its
 * events, which `event_hour_counts` holds exactly). It is derived only when
 * that reads less of the hour than counting the pieces inside the range does.
 * For one bucket boundary the events read are those of the shorter side, about
 * a quarter of the hour on average, where the whole hour used to be read.
 */
export function cutHourPieces(hourMs: number, lo: number, hi: number, buckets: HourBuckets | undefined): { counted: HourPiece[]; derived: HourPiece | undefined } {
  const end = hourMs + HOUR_MS;
  const cuts = new Set<number>();
  if (lo > hourMs && lo < end) cuts.add(lo);
  if (hi > hourMs && hi < end) cuts.add(hi);
  if (buckets) {
    const first = Math.floor((hourMs - buckets.fromMs) / buckets.bucketMs) + 1;
    for (let k = first; ; k++) {
      const boundary = buckets.fromMs + k * buckets.bucketMs;
      if (boundary >= end) break;
      if (boundary > hourMs) cuts.add(boundary);
    }
  }
  const points = [hourMs, ...[...cuts].sort((a, b) => a - b), end];
  const pieces: HourPiece[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i] as number;
    const to = points[i + 1] as number;
    const inside = from >= lo && to <= hi;
    pieces.push({ from, to, bucket: !inside ? undefined : buckets ? Math.floor((from - buckets.fromMs) / buckets.bucketMs) : 0 });
  }
  const inside = pieces.filter((piece) => piece.bucket !== undefined);
  let longest: HourPiece | undefined;
  for (const piece of inside) if (longest === undefined || piece.to - piece.from > longest.to - longest.from) longest = piece;
  const insideMs = inside.reduce((ms, piece) => ms + piece.to - piece.from, 0);
  // Deriving the longest piece reads the rest of the hour; reading the pieces inside reads them.
  if (longest === undefined || HOUR_MS - (longest.to - longest.from) >= insideMs) return { counted: inside, derived: undefined };
  return { counted: pieces.filter((piece) => piece !== longest), derived: longest };
}

/**
 * The hours of [lo, hi) that a boundary cuts (sorted): the hour of `lo` and of `hi` unless they
 * start an hour, and each hour with a bucket boundary strictly inside it. Undefined when there
 * are more than `max` (the caller then counts the whole range on `events`).
 */
export function cutHoursOf(lo: number, hi: number, buckets: HourBuckets | undefined, max: number): number[] | undefined {
  const cut = new Set<number>();
  if (lo !== -Infinity && hourOf(lo) !== lo) cut.add(hourOf(lo));
  if (hi !== Infinity && hourOf(hi) !== hi) cut.add(hourOf(hi));
  if (buckets && hi !== Infinity) {
    for (let k = Math.max(1, Math.floor((lo - buckets.fromMs) / buckets.bucketMs) + 1); ; k++) {
      const boundary = buckets.fromMs + k * buckets.bucketMs;
      if (boundary >= hi) break;
      if (boundary > lo && hourOf(boundary) !== boundary) cut.add(hourOf(boundary));
      if (cut.size > max) return undefined;
    }
  }
  return cut.size > max ? undefined : [...cut].sort((a, b) => a - b);
}
