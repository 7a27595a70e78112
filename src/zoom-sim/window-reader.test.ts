import { describe, expect, it } from 'vitest';
import { DayBucketStore, type StoredRecord } from './day-bucket-store.js';
import { SeededRandom } from './seeded-random.js';
import { collectWindow, sliceWindow, type DaySource, type WindowSpec } from './window-reader.js';

const DAY0 = Date.parse('2026-03-01T00:00:00Z');

function source(): DaySource {
  const store = new DayBucketStore();
  const random = new SeededRandom(4);
  for (let seq = 0; seq < 3000; seq++) {
    const ms = DAY0 + random.int(0, 5 * 86_400) * 1000;
    store.add({ ms, seq, value: { seq }, category: random.pick(['user', 'account', 'role']) });
  }
  return { day: (day) => store.day(day) };
}

describe('window reader', () => {
  const days = source();
  const specs: WindowSpec[] = [
    { startMs: DAY0, endMs: DAY0 + 5 * 86_400_000, visibleUntilMs: Number.MAX_SAFE_INTEGER },
    { startMs: DAY0 + 5 * 3_600_000, endMs: DAY0 + 3 * 86_400_000 + 5 * 3_600_000, visibleUntilMs: Number.MAX_SAFE_INTEGER },
    { startMs: DAY0, endMs: DAY0 + 5 * 86_400_000, categoryKey: 'role', visibleUntilMs: DAY0 + 2.5 * 86_400_000 },
  ];

  it('sorts newest first, ties by later insertion first', () => {
    const all = collectWindow(days, specs[0]!);
    expect(all).toHaveLength(3000);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1] as StoredRecord, all[i] as StoredRecord];
      expect(a.ms > b.ms || (a.ms === b.ms && a.seq > b.seq)).toBe(true);
    }
  });

  it('slices exactly like the collected window, for partial days, filters and visibility', () => {
    for (const spec of specs) {
      const all = collectWindow(days, spec);
      for (const { offset, limit } of [
        { offset: 0, limit: 7 },
        { offset: 250, limit: 300 },
        { offset: all.length - 3, limit: 300 },
        { offset: all.length, limit: 5 },
      ]) {
        const { items, hasMore } = sliceWindow(days, spec, offset, limit);
        expect(items).toEqual(all.slice(offset, offset + limit));
        expect(hasMore).toBe(offset + limit < all.length);
      }
    }
  });
});
