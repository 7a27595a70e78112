/**
 * A small seeded PRNG (sfc32, seeded through a cyrb128 string hash) for the
 * Zoom simulator. `Math.random` cannot be seeded, and the simulator must serve
 * the same records for the same seed on every run and in every process, so
 * tests can assert on exact data and a failing run can be replayed.
 *
 * Not for anything security related.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream for `seed` alone, or for `seed` and `key` (see `forKey`). */
  constructor(seed: number, key = '') {
    const [a, b, c, d] = hashToState(seed, key);
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    // sfc32's first outputs still correlate with the seed words.
    for (let i = 0; i < 12; i++) this.next();
  }

  /**
   * An independent stream for one purpose, e.g. `forKey(seed, 'activities:2026-03-01')`.
   * Streams for different keys share no state, so a day can be generated
   * without generating the days before it.
   */
  static forKey(seed: number, key: string): SeededRandom {
    return new SeededRandom(seed, key);
  }

  /** Uniform in [0, 1). */
  next(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [minIncl, maxExcl). */
  int(minIncl: number, maxExcl: number): number {
    if (!(maxExcl > minIncl)) throw new RangeError(`empty range [${minIncl}, ${maxExcl})`);
    return minIncl + Math.floor(this.next() * (maxExcl - minIncl));
  }

  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('cannot pick from an empty array');
    return arr[Math.floor(this.next() * arr.length)] as T;
  }

  /** True with probability `p` (0 never, 1 always). */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** cyrb128 over `${seed}\0${key}`: four well mixed 32-bit words. */
function hashToState(seed: number, key: string): [number, number, number, number] {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const str = `${seed}\u0000${key}`;
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 | 0, h2 | 0, h3 | 0, h4 | 0];
}
