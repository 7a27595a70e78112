/**
 * Which range an address belongs to (IANA's special-purpose registries,
 * RFC 6890 and its updates). Only `public` addresses get a location; the
 * others are labelled by their kind and never looked up.
 */
import type { IpKind } from '../../domain/ip-location.js';

interface Range {
  /** Network bytes (4 or 16). */
  bytes: number[];
  prefix: number;
  kind: IpKind;
}

function v4(text: string, prefix: number, kind: IpKind): Range {
  return { bytes: text.split('.').map(Number), prefix, kind };
}

/** `hhhh:hhhh` words from the left; the rest zero. */
function v6(words: number[], prefix: number, kind: IpKind): Range {
  const bytes = new Array<number>(16).fill(0);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  return { bytes, prefix, kind };
}

/** Most specific first where ranges nest. */
const IPV4_RANGES: readonly Range[] = [
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'shared'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link_local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'reserved'),
  v4('192.0.2.0', 24, 'documentation'),
  v4('192.88.99.0', 24, 'reserved'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'reserved'),
  v4('198.51.100.0', 24, 'documentation'),
  v4('203.0.113.0', 24, 'documentation'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'),
];

const IPV6_RANGES: readonly Range[] = [
  v6([0, 0, 0, 0, 0, 0, 0, 0], 128, 'unspecified'),
  v6([0, 0, 0, 0, 0, 0, 0, 1], 128, 'loopback'),
  v6([0x0100], 64, 'reserved'),
  v6([0x2001, 0x0002, 0], 48, 'reserved'),
  v6([0x2001, 0x0db8], 32, 'documentation'),
  v6([0x2001, 0x0010], 28, 'reserved'),
  v6([0x2001, 0x0020], 28, 'reserved'),
  v6([0x3fff], 20, 'documentation'),
  v6([0xfc00], 7, 'private'),
  v6([0xfe80], 10, 'link_local'),
  v6([0xfec0], 10, 'reserved'),
  v6([0xff00], 8, 'multicast'),
];

function inRange(bytes: Uint8Array, range: Range): boolean {
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] as number) & mask) !== ((range.bytes[i] as number) & mask)) return false;
  }
  return true;
}

/**
 * The kind of an address given as bytes (ip-bytes.ts). IPv6 outside the
 * global unicast block 2000::/3 is `reserved` unless listed; IPv4-mapped
 * addresses must be unwrapped first (mappedIpv4).
 */
export function ipKind(bytes: Uint8Array): IpKind {
  const ranges = bytes.length === 4 ? IPV4_RANGES : IPV6_RANGES;
  for (const range of ranges) if (inRange(bytes, range)) return range.kind;
  if (bytes.length === 16 && ((bytes[0] as number) & 0xe0) !== 0x20) return 'reserved';
  return 'public';
}
