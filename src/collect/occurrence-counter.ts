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

  /** Feeds the next page of the read, in order. */
  addPage<T>(records: readonly T[], hashOf: (record: T) => string): PageCount<T> {
    const page = new Map<string, number>();
    const hashes = records.map(hashOf);
    for (const hash of hashes) page.set(hash, (page.get(hash) ?? 0) + 1);

    const counted: CountedRecord<T>[] = [];
    const ambiguous = new Set<string>();
    const handed = new Map<string, number>();
    for (let i = 0; i < records.length; i += 1) {
      const hash = hashes[i]!;
      const inPage = page.get(hash)!;
      const overlap = Math.min(this.#previousPage.get(hash) ?? 0, inPage);
      if (overlap > 0) ambiguous.add(hash);
      // The first `overlap` copies on this page may be the previous page's again.
      const seenHere = (handed.get(hash) ?? 0) + 1;
      handed.set(hash, seenHere);
      if (seenHere <= overlap) continue;
      const occurrence = this.#totals.get(hash) ?? 0;
      this.#totals.set(hash, occurrence + 1);
      counted.push({ record: records[i]!, hash, occurrence });
    }
    this.#previousPage = page;
    return { counted, ambiguous };
  }
}
