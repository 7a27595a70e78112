import { describe, expect, it } from 'vitest';
import { FileIpLocator } from '../src/normalize/ip-locator.js';
import { SIM_NETWORKS } from '../src/zoom-sim/network-tables.js';
import { ipv4, ipv6 } from '../src/zoom-sim/random-addresses.js';
import { generateDay } from '../src/zoom-sim/record-generator.js';
import { SeededRandom } from '../src/zoom-sim/seeded-random.js';

const locator = new FileIpLocator();

describe('the simulator signs in from real public networks that IP enrichment finds', () => {
  it.each(SIM_NETWORKS.map((n) => [`${n.country} AS${n.asn} ${n.org}`, n] as const))('%s: 200 random addresses of each prefix locate to its country and ASN', (_, network) => {
    const rng = SeededRandom.forKey(11, `network-${network.asn}`);
    const prefixes = [...network.ipv4.map((p) => ['v4', p] as const), ...(network.ipv6 === undefined ? [] : [['v6', network.ipv6] as const])];
    expect(prefixes.length).toBeGreaterThan(0);
    for (const [family, prefix] of prefixes) {
      for (let i = 0; i < 200; i++) {
        const ip = family === 'v4' ? ipv4(prefix, rng) : ipv6(prefix, rng);
        const where = locator.locate(ip);
        expect({ ip, kind: where.kind, country: where.country, asn: where.asn }).toEqual({ ip, kind: 'public', country: network.country, asn: network.asn });
      }
    }
  });

  it("a simulated day's sign-ins come from at least six countries and networks, IPv4 and IPv6, every address located", () => {
    const day = generateDay({ seed: 7, day: '2026-03-04', volume: { activities: 3000, operations: 10 } });
    const ips = day.activities.flatMap((a) => (a.ip_address === undefined ? [] : [a.ip_address]));
    const located = ips.map((ip) => locator.locate(ip));
    expect(located.filter((l) => l.kind !== 'public' || l.country === undefined || l.asn === undefined)).toEqual([]);
    const countries = new Set(located.map((l) => l.country));
    expect([...countries].sort()).toEqual(expect.arrayContaining(['AU', 'DE', 'FR', 'GB', 'JP', 'US']));
    expect(new Set(located.map((l) => l.asn)).size).toBeGreaterThanOrEqual(6);
    expect(ips.filter((ip) => ip.includes(':')).length / ips.length).toBeGreaterThan(0.05);
  });
});
