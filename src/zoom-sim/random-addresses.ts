/** Seeded random network addresses for the simulated population and its sign-ins. */
import type { SeededRandom } from './seeded-random.js';

/** One group of an IPv6 address, without leading zeros. */
export function hex16(rng: SeededRandom): string {
  return rng.int(0, 0x10000).toString(16);
}

/** An IPv4 address under `prefix` (one to three octets), its host octet never 0 or 255. */
export function ipv4(prefix: string, rng: SeededRandom): string {
  const parts = prefix.split('.').length;
  let ip = prefix;
  for (let i = parts; i < 4; i++) ip += `.${rng.int(i === 3 ? 1 : 0, i === 3 ? 255 : 256)}`;
  return ip;
}
