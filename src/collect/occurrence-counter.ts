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
}

export class OccurrenceCounter {
  readonly #totals = new Map<string, number>();
  #previousPage = new Map<string, number>();
  #previousHashes: readonly string[] = [];

  /**
   * Feeds the next page of the read, in order. `timeless(i)` says that record
   * `i` has no readable time: identical copies of a timed record share one
   * second, so they sit together and any copy on the previous page may be this
   * one again; identical timeless records can be days apart, so only copies in
   * the zone a moved list repeats are (the page's head up to its first timed
   * record not on the previous page, and as many records at the previous
   * page's end).
   */
  addPage<T>(records: readonly T[], hashOf: (record: T) => string, timeless: (index: number) => boolean = () => false): PageCount<T> {
    const page = new Map<string, number>();
    const hashes = records.map(hashOf);
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
      const occurrence = this.#totals.get(hash) ?? 0;
      this.#totals.set(hash, occurrence + 1);
      counted.push({ record: records[i]!, index: i, hash, occurrence });
    }
    this.#previousPage = page;
    this.#previousHashes = hashes;
    return { counted, ambiguous };
  }
}
