import type { StoredRecord } from './day-bucket-store.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * Zoom does not document the order of records sharing one second, and several
 * identical records can share it. Shuffling each run of equal times (in place)
 * lets tests prove a collector does not depend on that order.
 */
export function shuffleTies(records: StoredRecord[], random: SeededRandom): void {
  let runStart = 0;
  for (let i = 1; i <= records.length; i++) {
    if (i < records.length && records[i]?.ms === records[runStart]?.ms) continue;
    for (let j = i - 1; j > runStart; j--) {
      const k = random.int(runStart, j + 1);
      const a = records[j] as StoredRecord;
      records[j] = records[k] as StoredRecord;
      records[k] = a;
    }
    runStart = i;
  }
}
