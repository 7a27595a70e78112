import { BlockList, isIP } from 'node:net';
import { parseCidr } from './cidr.js';

/**
 * Which addresses Zoomtrail connects to (Zoom, OAuth, destinations): public
 * ones only, unless ZOOMTRAIL_ALLOWED_NETWORKS names the network. Refused by
 * default: loopback, private, link-local (cloud metadata services), CGNAT,
 * "this network", multicast, reserved and documentation ranges; an IPv6
 * address embedding an IPv4 one (mapped, NAT64, 6to4, compatible) is judged by
 * the IPv4 address it embeds. The host names `localhost` and `*.localhost`
 * are loopback. Used twice: when a URL is saved (its host, if an address or a
 * loopback name) and on every connection (each address DNS gave, see
 * guarded-fetch.ts), so a name that later resolves to a refused address is
 * still refused.
 */
export interface OutboundAddressPolicy {
  /** Why Zoomtrail must not connect to `address` (an IP address), or null when it may. */
  refusalForAddress(address: string): string | null;
  /**
   * Why Zoomtrail must not connect to `url`: its host is a refused address or
   * a loopback name, or null. A host name that is not one is judged when it
   * is resolved, at connection time. A URL that is not http(s) is not judged here.
   */
  refusalForUrl(url: string | URL): string | null;
}

export interface OutboundAddressPolicyOptions {
  /** CIDR ranges or addresses (ZOOMTRAIL_ALLOWED_NETWORKS) allowed although refused by default. */
  allowedNetworks?: readonly string[] | undefined;
  /**
   * Exact origins (`http://127.0.0.1:9900`) allowed whatever their address:
   * `start --demo` allows its own simulator this way, and nothing else on
   * that address. Only for URLs whose host is an IP address.
   */
  allowedOrigins?: readonly string[];
}

/** The setting that allows a refused network, named in every refusal. */
export const ALLOWED_NETWORKS_SETTING = 'ZOOMTRAIL_ALLOWED_NETWORKS';

const REFUSED_RANGES: ReadonlyArray<{ what: string; cidrs: readonly string[] }> = [
  { what: 'an unspecified address', cidrs: ['::/128'] },
  { what: 'a loopback address', cidrs: ['127.0.0.0/8', '::1/128'] },
  { what: 'a "this network" address', cidrs: ['0.0.0.0/8'] },
  { what: 'a private address', cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'] },
  { what: 'a link-local address (where cloud metadata services answer)', cidrs: ['169.254.0.0/16', 'fe80::/10'] },
  { what: 'a carrier-grade NAT address', cidrs: ['100.64.0.0/10'] },
  { what: 'a multicast address', cidrs: ['224.0.0.0/4', 'ff00::/8'] },
  {
    what: 'a reserved address',
    cidrs: [
      '240.0.0.0/4', // includes the broadcast address 255.255.255.255
      '192.0.0.0/24',
      '192.0.2.0/24',
      '192.88.99.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      'fec0::/10',
      '100::/64',
      '2001::/32', // Teredo: the IPv4 address it embeds is obfuscated
      '2001:db8::/32',
      '64:ff9b:1::/48',
    ],
  },
];

/** IPv6 prefixes whose last 32 bits (or, for 6to4, bits 16..48) are an IPv4 address. */
const EMBEDDING_PREFIXES: ReadonlyArray<{ cidr: string; offset: number }> = [
  { cidr: '::ffff:0:0/96', offset: 12 }, // IPv4-mapped
  { cidr: '::ffff:0:0:0/96', offset: 12 }, // IPv4-translated (SIIT)
  { cidr: '64:ff9b::/96', offset: 12 }, // NAT64
  { cidr: '::/96', offset: 12 }, // IPv4-compatible (deprecated)
  { cidr: '2002::/16', offset: 2 }, // 6to4
];

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const cidr = parseCidr(entry);
    if (!cidr) throw new Error(`not an address or CIDR range: ${entry}`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

// Built on first use, not at import: every CLI command imports this module, and the lists cost ~10 ms to build.
let refused: { what: string; list: BlockList }[] | undefined;
let embedding: { list: BlockList; offset: number }[] | undefined;
let loopback: BlockList | undefined;
const refusedLists = () => (refused ??= REFUSED_RANGES.map(({ what, cidrs }) => ({ what, list: blockListOf(cidrs) })));
const embeddingLists = () => (embedding ??= EMBEDDING_PREFIXES.map(({ cidr, offset }) => ({ list: blockListOf([cidr]), offset })));
const loopbackList = () => (loopback ??= blockListOf(['127.0.0.0/8', '::1/128']));

/** An address without brackets, zone id or trailing dot, lower case; its family, or 0 when it is none. */
function bareAddress(host: string): { address: string; family: 0 | 4 | 6 } {
  const address = host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%.*$/, '')
    .toLowerCase();
  const family = isIP(address);
  return { address, family: family === 4 || family === 6 ? family : 0 };
}

/** The 16 bytes of a valid IPv6 address (a trailing dotted quad included). */
function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** The IPv4 address an IPv6 one embeds (mapped, translated, NAT64, compatible, 6to4), if any. */
export function embeddedIpv4(address: string): string | undefined {
  const bare = bareAddress(address);
  if (bare.family !== 6) return undefined;
  const prefix = embeddingLists().find(({ list }) => list.check(bare.address, 'ipv6'));
  if (!prefix) return undefined;
  const bytes = ipv6Bytes(bare.address);
  return Array.from(bytes.subarray(prefix.offset, prefix.offset + 4)).join('.');
}

const LOOPBACK_NAME = /(^|\.)localhost\.?$/i;

/** Whether a URL's host (`URL.hostname`) is a loopback address or name: 127.0.0.0/8, ::1 (also embedded), localhost. */
export function isLoopbackHost(hostname: string): boolean {
  if (LOOPBACK_NAME.test(hostname)) return true;
  const { address, family } = bareAddress(hostname);
  if (family === 0) return false;
  const embedded = embeddedIpv4(address);
  return embedded !== undefined && address !== '::1' ? loopbackList().check(embedded, 'ipv4') : loopbackList().check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function createOutboundAddressPolicy(options: OutboundAddressPolicyOptions = {}): OutboundAddressPolicy {
  const allowed = blockListOf(options.allowedNetworks ?? []);
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map((origin) => new URL(origin).origin));

  /** What is wrong with `address`, as "<address> is <what>", or null. */
  const judge = (address: string, family: 4 | 6): string | null => {
    if (allowed.check(address, family === 4 ? 'ipv4' : 'ipv6')) return null;
    if (family === 6 && address !== '::' && address !== '::1') {
      const embedded = embeddedIpv4(address);
      if (embedded !== undefined) {
        const refusal = judge(embedded, 4);
        return refusal === null ? null : `${address} embeds ${refusal}`;
      }
    }
    const range = refusedLists().find(({ list }) => list.check(address, family === 4 ? 'ipv4' : 'ipv6'));
    return range ? `${address} is ${range.what}` : null;
  };

  const refusalForAddress = (raw: string): string | null => {
    const { address, family } = bareAddress(raw);
    if (family === 0) return `"${raw}" is not an IP address`;
    const refusal = judge(address, family);
    return refusal === null ? null : explain(refusal);
  };

  return {
    refusalForAddress,
    refusalForUrl(raw) {
      let url: URL;
      try {
        url = typeof raw === 'string' ? new URL(raw) : raw;
      } catch {
        return null;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
      const { address, family } = bareAddress(url.hostname);
      if (family === 0) {
        if (!LOOPBACK_NAME.test(url.hostname)) return null;
        const refusal = judge('127.0.0.1', 4);
        return refusal === null ? null : explain(`${url.hostname} is a loopback name`);
      }
      if (allowedOrigins.has(url.origin)) return null;
      const refusal = judge(address, family);
      return refusal === null ? null : explain(refusal);
    },
  };
}

function explain(refusal: string): string {
  return `${refusal}, which Zoomtrail does not connect to unless ${ALLOWED_NETWORKS_SETTING} names its network`;
}
