import { describe, expect, it } from 'vitest';
import { flatness, median, mostFrequent, summarize, withinLatency } from '../bench/bench-stats.js';
import { flatnessRatio, rssFlatness } from '../bench/collection-bench.js';
import type { MemorySample, RssTracePoint } from '../bench/collector-child.js';

describe('bench stats (the search benchmark reports with them)', () => {
  it('median: the middle value of an odd count, the mean of the two middle ones of an even count, whatever the order', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('summarize: runs, median and worst (the largest timing); no timings is an error', () => {
    expect(summarize([12, 300, 5, 14, 13, 11, 15])).toEqual({ runs: 7, median: 13, worst: 300 });
    expect(() => summarize([])).toThrow(RangeError);
  });

  it('withinLatency: both the median and the worst within their limits, limits included', () => {
    const limits = { median: 100, worst: 300 };
    expect(withinLatency({ runs: 3, median: 100, worst: 300 }, limits)).toBe(true);
    expect(withinLatency({ runs: 3, median: 101, worst: 120 }, limits)).toBe(false);
    expect(withinLatency({ runs: 3, median: 20, worst: 301 }, limits)).toBe(false);
  });

  it('flatness: the first readings at or past 10% and 90% of the run, flat when the later is at most 10% above the earlier', () => {
    const samples = [
      { progress: 0.05, rss: 50 },
      { progress: 0.12, rss: 100 },
      { progress: 0.5, rss: 300 },
      { progress: 0.91, rss: 110 },
      { progress: 1, rss: 500 },
    ];
    expect(flatness(samples)).toEqual({ at10: 100, at90: 110, ratio: 1.1, flat: true });
    expect(flatness([samples[1]!, { progress: 0.9, rss: 111 }])?.flat).toBe(false);
    expect(flatness([samples[1]!, { progress: 0.9, rss: 130 }], 0.5)?.flat).toBe(true);
  });

  it('flatness: null when the readings do not reach 10% and 90% of the run', () => {
    expect(flatness([])).toBeNull();
    expect(flatness([{ progress: 0.5, rss: 100 }])).toBeNull();
    expect(
      flatness([
        { progress: 0.05, rss: 100 },
        { progress: 0.95, rss: 100 },
      ]),
    ).toEqual({ at10: 100, at90: 100, ratio: 1, flat: true });
  });

  it('mostFrequent: the most common value; of equally common ones the one that got there first; undefined for none', () => {
    expect(mostFrequent(['a', 'b', 'b', 'c', 'b', 'a'])).toBe('b');
    expect(mostFrequent(['x', 'y', 'y', 'x'])).toBe('y');
    expect(mostFrequent([])).toBeUndefined();
  });
});

describe('collector RSS flatness (the rss benchmark reports with it)', () => {
  const MB = 1024 * 1024;
  const samples = (at10: number, at90: number) =>
    [
      { progress: 0.1, rss: at10 * MB },
      { progress: 0.9, rss: at90 * MB },
    ] as unknown as MemorySample[];
  /** Readings every 1% of the run at `level(progress)` MB. */
  const trace = (level: (progress: number) => number): RssTracePoint[] => Array.from({ length: 101 }, (_, i) => ({ progress: i / 100, rss: level(i / 100) * MB }));

  it('a spike at the 90% sample moves the single-sample ratio, not the band medians, and the verdict is on the bands', () => {
    const flat = rssFlatness(
      samples(150, 170),
      trace(() => 150),
    )!;
    expect(flat.ratio).toBeCloseTo(170 / 150, 6);
    expect(flat.bandRatio).toBe(1);
    expect(flatnessRatio(flat)).toBe(1);
  });

  it('a steady growth shows in the band medians (medians of the readings within 5% of 10% and 90%)', () => {
    const flat = rssFlatness(
      samples(110, 190),
      trace((p) => 100 + 100 * p),
    )!;
    expect(flat.band10! / MB).toBeCloseTo(110, 6);
    expect(flat.band90! / MB).toBeCloseTo(190, 6);
    expect(flatnessRatio(flat)).toBeCloseTo(190 / 110, 6);
  });

  it('without readings in a band, the single samples decide; without a sample, there is no figure', () => {
    const sparse = trace((p) => 100 + p).filter((p) => p.progress < 0.5);
    const flat = rssFlatness(samples(100, 120), sparse)!;
    expect(flat.bandRatio).toBeNull();
    expect(flatnessRatio(flat)).toBeCloseTo(1.2, 6);
    expect(
      rssFlatness(
        [],
        trace(() => 1),
      ),
    ).toBeNull();
  });
});
