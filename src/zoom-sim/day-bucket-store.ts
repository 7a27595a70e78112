import { DAY_MS, formatDay } from './day-calendar.js';

/** One record as stored: its placement in time plus the value Zoom returns verbatim. */
export interface StoredRecord {
  /** Epoch ms the record sorts and windows by (its `time`, or the placement of a raw record). */
  readonly ms: number;
  /** Insertion sequence: the tie-break among records of the same second. */
  readonly seq: number;
  /** Returned exactly as stored, even when malformed. */
  readonly value: unknown;
  /** `category_type` normalised for the category filter (`User Settings` -> `user_settings`), if any. */
  readonly category?: string;
}

interface Bucket {
  entries: StoredRecord[];
  sorted: boolean;
}

/** Newest first; among one second, the later-inserted record first (see tie order). */
export function compareNewestFirst(a: StoredRecord, b: StoredRecord): number {
  return b.ms - a.ms || b.seq - a.seq;
}

/**
 * Records of one log type of one account, in buckets per UTC day. Each bucket is
 * sorted lazily (newest first) and stays sorted until it gains a record, so a
 * window newest-first is the concatenation of its days from the last to the
 * first: no global sort, even for a million records.
 */
export class DayBucketStore {
  readonly #buckets = new Map<string, Bucket>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(record: StoredRecord): void {
    const day = formatDay(Math.floor(record.ms / DAY_MS) * DAY_MS);
    let bucket = this.#buckets.get(day);
    if (!bucket) {
      bucket = { entries: [], sorted: true };
      this.#buckets.set(day, bucket);
    }
    const last = bucket.entries[bucket.entries.length - 1];
    if (last && compareNewestFirst(last, record) > 0) bucket.sorted = false;
    bucket.entries.push(record);
    this.#size += 1;
  }

  /** The records of one UTC day, newest first. Do not mutate. */
  day(day: string): readonly StoredRecord[] {
    const bucket = this.#buckets.get(day);
    if (!bucket) return [];
    if (!bucket.sorted) {
      bucket.entries.sort(compareNewestFirst);
      bucket.sorted = true;
    }
    return bucket.entries;
  }
}
