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

/** An IPv6 address under a prefix of two groups (`2003:e0`): the rest random, the interface id short. */
export function ipv6(prefix: string, rng: SeededRandom): string {
  return `${prefix}:${hex16(rng)}:${hex16(rng)}::${rng.int(1, 0x10000).toString(16)}`;
}

/** An address of `network`: IPv4 when it has IPv4 prefixes (IPv6 with probability `v6Share` when it has both), else IPv6. */
export function networkAddress(network: { ipv4: readonly string[]; ipv6?: string }, rng: SeededRandom, v6Share = 0): string {
  const { ipv6: v6 } = network;
  if (v6 !== undefined && (network.ipv4.length === 0 || rng.chance(v6Share))) return ipv6(v6, rng);
  return ipv4(rng.pick(network.ipv4), rng);
}
