/**
 * Real public networks the simulated users sign in from, by country and
 * autonomous system, so IP enrichment finds them (network-tables.test.ts
 * checks every entry against the packaged databases). Addresses are drawn
 * at random under the prefixes; the networks are large consumer and
 * mobile ISPs and one hosting provider (the VPN exit).
 */
export interface SimNetwork {
  /** ISO 3166-1 alpha-2. */
  country: string;
  asn: number;
  org: string;
  /** IPv4 prefixes of one or two octets. */
  ipv4: readonly string[];
  /** An IPv6 prefix of two groups (`2003:e0`), when the network has one here. */
  ipv6?: string;
  use: 'home' | 'office' | 'hosting';
}

export const SIM_NETWORKS: readonly SimNetwork[] = [
  { country: 'US', asn: 7922, org: 'Comcast', ipv4: ['24.17', '73.162', '98.207', '174.63'], ipv6: '2601:0', use: 'home' },
  { country: 'US', asn: 7018, org: 'AT&T', ipv4: [], ipv6: '2600:1700', use: 'office' },
  { country: 'DE', asn: 3320, org: 'Deutsche Telekom', ipv4: ['84.150', '79.192'], ipv6: '2003:e0', use: 'home' },
  { country: 'DE', asn: 3209, org: 'Vodafone', ipv4: ['88.64'], use: 'office' },
  { country: 'FR', asn: 3215, org: 'Orange', ipv4: ['90.12'], use: 'home' },
  { country: 'FR', asn: 12322, org: 'Free', ipv4: ['82.64'], use: 'home' },
  { country: 'GB', asn: 2856, org: 'BT', ipv4: ['86.147'], use: 'home' },
  { country: 'JP', asn: 17676, org: 'SoftBank', ipv4: ['126.0'], use: 'home' },
  { country: 'JP', asn: 4713, org: 'NTT', ipv4: ['153.156'], ipv6: '2400:4050', use: 'home' },
  { country: 'AU', asn: 1221, org: 'Telstra', ipv4: ['1.120', '101.160'], ipv6: '2001:8003', use: 'home' },
  { country: 'AU', asn: 4804, org: 'Optus', ipv4: ['49.176'], use: 'home' },
  { country: 'DE', asn: 24940, org: 'Hetzner', ipv4: ['5.9'], ipv6: '2a01:4f8', use: 'hosting' },
];

/** Where users live, with weights: most in the US and Europe. */
export const HOME_COUNTRIES: readonly string[] = ['US', 'US', 'US', 'US', 'DE', 'DE', 'DE', 'GB', 'GB', 'FR', 'FR', 'JP', 'AU'];
