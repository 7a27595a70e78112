/** Seeded choice of an index by weight. */
import type { SeededRandom } from './seeded-random.js';

/** Cumulative shares of `weights`, the last being 1, for weightedIndex. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out.map((c) => c / sum);
}

/** An index drawn with probability proportional to its weight (one draw). */
export function weightedIndex(rng: SeededRandom, cum: Float64Array): number {
  const r = rng.next();
  for (let i = 0; i < cum.length; i++) if (r < cum[i]!) return i;
  return cum.length - 1;
}
