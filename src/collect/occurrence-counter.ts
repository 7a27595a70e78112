/**
 * Counts identical records across the pages of one read of a window, so each
 * record gets its occurrence index, without trusting Zoom's paging to be a
 * consistent snapshot.
 *
 * A single page is one response and is taken as consistent: n identical
 * records on one page are n events. Across two consecutive pages the same
 * content may be a real repeat or the same record shown twice because the
 * list moved between requests (a record added before the current offset
 * shifts the rest by one). Such overlaps are counted once ("lower bound") and
 * the content is reported ambiguous, so the day is read again later with
 * other page boundaries; stored counts only ever grow, so the larger answer of
 * two reads wins and nothing is doubled.
 *
 * Memory: a read of a million records would keep a million counts. Given the
 * records' times (`timeOf`), counts are dropped once the read has provably
 * passed them. The argument, under the assumption the counting above already
 * makes (a moved list repeats records only onto the NEXT page: fewer than a
 * page of records is added between two consecutive requests, and records
 * are never removed; ties may be reordered):
 *
 *  - Identical timed records share one second. Let W be the oldest time seen
 *    on any page so far (the watermark). In a newest-first list every record
 *    newer than W sits before the record the read saw at W; after page j
 *    every copy of a content X with time > W that is not on page j was at a
 *    position before page j's start when page j was served, and additions
 *    before page j+1 move it down by less than a page: it can never be on
 *    page j+1 or later. Its count is dropped; records on page j are kept (the
 *    next page may repeat them, with more copies).
 *  - The order is checked, not assumed: before a page is counted, every
 *    record on it newer than W must be on the previous page (a repeat of a
 *    moved list). A page that breaks this (records out of order) is refused
 *    with `outOfOrder`, nothing counted: the caller reads the window again
 *    with `keepCounts` (the counts then live for the whole read, as before).
 *
 * Timeless records (no readable time) are never dropped.
 */
export interface CountedRecord<T> {
  record: T;
  /** Position of the record on its page. */
  index: number;
  hash: string;
  /** Occurrence index of this content to store. */
  occurrence: number;
}

export interface PageCount<T> {
  /** Records with their new occurrence indexes; overlaps with the previous page are left out. */
  counted: CountedRecord<T>[];
  /** Hashes seen on both this page and the previous one: the count may be low. */
  ambiguous: Set<string>;
  /**
   * The page breaks newest-first order against counts already dropped:
   * nothing was counted; read the window again with a `keepCounts` counter.
   */
  outOfOrder: boolean;
}

export interface OccurrenceCounterOptions {
  /** Never drop a count (a read whose list was seen out of order). */
  keepCounts?: boolean;
}

interface Tally {
  count: number;
  /** Event time (ms) of the content, null for a timeless record. */
  timeMs: number | null;
}

export class OccurrenceCounter {
  readonly #totals = new Map<string, Tally>();
  readonly #keepCounts: boolean;
  #previousPage = new Map<string, number>();
  #previousHashes: readonly string[] = [];
  /** Oldest event time seen on any page so far (ms). */
  #watermark = Number.POSITIVE_INFINITY;

  constructor(options: OccurrenceCounterOptions = {}) {
    this.#keepCounts = options.keepCounts ?? false;
  }

  /** Counts held now (for tests and the benchmark: the memory a read keeps). */
  get size(): number {
    return this.#totals.size;
  }

  /**
   * Feeds the next page of the read, in order. `timeless(i)` says that record
   * `i` has no readable time: identical copies of a timed record share one
   * second, so they sit together and any copy on the previous page may be this
   * one again; identical timeless records can be days apart, so only copies in
   * the zone a moved list repeats are (the page's head up to its first timed
   * record not on the previous page, and as many records at the previous
   * page's end). `timeOf(i)` (event time in ms, null when timeless) lets the
   * counter drop counts the read has passed; without it every count is kept.
   */
  addPage<T>(records: readonly T[], hashOf: (record: T) => string, timeless: (index: number) => boolean = () => false, timeOf?: (index: number) => number | null): PageCount<T> {
    const hashes = records.map(hashOf);
    if (timeOf && !this.#keepCounts && this.#watermark !== Number.POSITIVE_INFINITY) {
      for (let i = 0; i < records.length; i += 1) {
        const time = timeOf(i);
        if (time !== null && time > this.#watermark && !this.#previousPage.has(hashes[i]!)) return { counted: [], ambiguous: new Set(), outOfOrder: true };
      }
    }
    const page = new Map<string, number>();
    for (const hash of hashes) page.set(hash, (page.get(hash) ?? 0) + 1);
    let head = 0;
    while (head < records.length && (timeless(head) || this.#previousPage.has(hashes[head]!))) head += 1;
    const repeatedZone = (zone: readonly string[]) => {
      const counts = new Map<string, number>();
      for (const hash of zone) counts.set(hash, (counts.get(hash) ?? 0) + 1);
      return counts;
    };
    const headCounts = repeatedZone(hashes.slice(0, head));
    const tailCounts = repeatedZone(this.#previousHashes.slice(Math.max(0, this.#previousHashes.length - head)));

    const counted: CountedRecord<T>[] = [];
    const ambiguous = new Set<string>();
    const handed = new Map<string, number>();
    for (let i = 0; i < records.length; i += 1) {
      const hash = hashes[i]!;
      const inPage = page.get(hash)!;
      const overlap = timeless(i) ? Math.min(tailCounts.get(hash) ?? 0, headCounts.get(hash) ?? 0) : Math.min(this.#previousPage.get(hash) ?? 0, inPage);
      if (overlap > 0) ambiguous.add(hash);
      // The first `overlap` copies on this page may be the previous page's again.
      const seenHere = (handed.get(hash) ?? 0) + 1;
      handed.set(hash, seenHere);
      if (seenHere <= overlap) continue;
      const tally = this.#totals.get(hash);
      const occurrence = tally?.count ?? 0;
      if (tally) tally.count += 1;
      else this.#totals.set(hash, { count: 1, timeMs: timeOf?.(i) ?? null });
      counted.push({ record: records[i]!, index: i, hash, occurrence });
    }
    this.#previousPage = page;
    this.#previousHashes = hashes;
    if (timeOf && !this.#keepCounts) this.#dropPassed(records.length, timeOf, page);
    return { counted, ambiguous, outOfOrder: false };
  }

  /**
   * Raises the count of `hash` to `count` (a consistent page showed that many
   * copies) and returns the occurrence indexes this hands out; none when the
   * read has counted that many already.
   */
  raiseTo(hash: string, count: number, timeMs: number | null): number[] {
    const tally = this.#totals.get(hash);
    const from = tally?.count ?? 0;
    if (count <= from) return [];
    if (tally) tally.count = count;
    else this.#totals.set(hash, { count, timeMs });
    return Array.from({ length: count - from }, (_, i) => from + i);
  }

  /** Moves the watermark to this page's oldest time and drops the counts the read has passed (see the class comment). */
  #dropPassed(length: number, timeOf: (index: number) => number | null, page: ReadonlyMap<string, number>): void {
    for (let i = 0; i < length; i += 1) {
      const time = timeOf(i);
      if (time !== null && time < this.#watermark) this.#watermark = time;
    }
    // Counts are inserted newest first: stop at the first one the read has not passed.
    for (const [hash, tally] of this.#totals) {
      if (tally.timeMs === null || page.has(hash)) continue;
      if (tally.timeMs <= this.#watermark) break;
      this.#totals.delete(hash);
    }
  }
}
