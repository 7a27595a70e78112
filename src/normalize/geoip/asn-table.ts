/**
 * The ASN database of the `@ip-location-db/asn` package (RouteViews, NRO and
 * DB-IP ASN Lite data, CC BY 4.0): two CSV files, `asn-ipv4-num.csv`
 * and `asn-ipv6-num.csv`, of `first,last,asn,organisation` ranges in address
 * order, addresses as decimal numbers.
 * Loaded into typed arrays (about 10 MB for 500,000 ranges; organisation
 * names once each) and searched by binary search.
 */
import { readFileSync } from 'node:fs';

export interface AsnHit {
  asn: number;
  org: string | undefined;
}

/** One address family's ranges: `words` 32-bit words per address, starts and ends side by side. */
class RangeList {
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly asns: Uint32Array;
  readonly orgs: Uint32Array;
  count = 0;

  constructor(
    readonly words: number,
    capacity: number,
  ) {
    this.starts = new Uint32Array(capacity * words);
    this.ends = new Uint32Array(capacity * words);
    this.asns = new Uint32Array(capacity);
    this.orgs = new Uint32Array(capacity);
  }

  /** -1, 0, 1: the address (as words) against the start or end of range `i`. */
  compare(address: Uint32Array, list: Uint32Array, i: number): number {
    for (let w = 0; w < this.words; w++) {
      const a = address[w] as number;
      const b = list[i * this.words + w] as number;
      if (a !== b) return a < b ? -1 : 1;
    }
    return 0;
  }

  /** Index of the range holding `address`, or -1. */
  find(address: Uint32Array): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(address, this.starts, mid) >= 0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 && this.compare(address, this.ends, found) <= 0 ? found : -1;
  }
}

function toWords(bytes: Uint8Array, out: Uint32Array, at: number): void {
  for (let w = 0; w < bytes.length / 4; w++) {
    out[at + w] = (((bytes[w * 4] as number) << 24) | ((bytes[w * 4 + 1] as number) << 16) | ((bytes[w * 4 + 2] as number) << 8) | (bytes[w * 4 + 3] as number)) >>> 0;
  }
}

/**
 * Reads `first,last,asn,organisation` lines straight from the bytes (no line
 * strings, no regular expressions: the packaged files hold 500,000 lines).
 * Quoted organisations follow RFC 4180 (`""` is a quote).
 */
class CsvCursor {
  at = 0;
  constructor(readonly bytes: Buffer) {}

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  /** The next field as a non-negative integer, or -1. */
  integer(): number {
    const b = this.bytes;
    let n = 0;
    let digits = 0;
    while (this.at < b.length && (b[this.at] as number) >= 48 && (b[this.at] as number) <= 57) {
      n = n * 10 + ((b[this.at] as number) - 48);
      this.at++;
      digits++;
    }
    const clean = digits > 0 && (this.at >= b.length || b[this.at] === 44 || b[this.at] === 10 || b[this.at] === 13);
    if (b[this.at] === 44) this.at++;
    return clean ? n : -1;
  }

  /**
   * The next field, a decimal number of up to 32 * `words` bits, into
   * `out[at..at+words)` as big-endian 32-bit words; false if it is not one.
   */
  address(words: number, out: Uint32Array, at: number): boolean {
    const b = this.bytes;
    for (let w = 0; w < words; w++) out[at + w] = 0;
    let digits = 0;
    while (this.at < b.length && (b[this.at] as number) >= 48 && (b[this.at] as number) <= 57) {
      // out = out * 10 + digit, word by word from the least significant.
      let carry = (b[this.at] as number) - 48;
      for (let w = words - 1; w >= 0; w--) {
        const v = (out[at + w] as number) * 10 + carry;
        out[at + w] = v >>> 0;
        carry = Math.floor(v / 0x100000000);
      }
      if (carry !== 0) return false;
      this.at++;
      digits++;
    }
    const clean = digits > 0 && b[this.at] === 44;
    if (clean) this.at++;
    return clean;
  }

  /** The last field of the line (maybe quoted), then past the end of line. */
  lastField(): string {
    const b = this.bytes;
    let value: string;
    if (b[this.at] === 34) {
      let start = ++this.at;
      value = '';
      while (this.at < b.length) {
        if (b[this.at] === 34) {
          value += b.toString('utf8', start, this.at);
          if (b[this.at + 1] === 34) {
            value += '"';
            this.at += 2;
            start = this.at;
            continue;
          }
          this.at++;
          break;
        }
        this.at++;
      }
      this.skipLine();
    } else {
      const start = this.at;
      while (this.at < b.length && b[this.at] !== 10 && b[this.at] !== 13) this.at++;
      value = b.toString('utf8', start, this.at);
      this.skipLine();
    }
    return value;
  }

  skipLine(): void {
    const b = this.bytes;
    while (this.at < b.length && b[this.at] !== 10) this.at++;
    this.at++;
  }
}

export class AsnTable {
  readonly #v4: RangeList;
  readonly #v6: RangeList;
  readonly #orgNames: string[] = [''];
  readonly #scratch4 = new Uint32Array(1);
  readonly #scratch6 = new Uint32Array(4);

  /** Reads both CSV files (synchronously: about half a second for the packaged ones). */
  constructor(files: { ipv4: string; ipv6: string }) {
    const orgIndex = new Map<string, number>();
    const load = (file: string, words: number): RangeList => {
      const bytes = readFileSync(file);
      let lines = 0;
      for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines++;
      const list = new RangeList(words, lines + 1);
      const cursor = new CsvCursor(bytes);
      while (!cursor.done) {
        const i = list.count;
        if (!cursor.address(words, list.starts, i * words) || !cursor.address(words, list.ends, i * words)) {
          cursor.skipLine();
          continue;
        }
        const n = cursor.integer();
        const org = cursor.lastField();
        // Keep the list sorted: a line out of order is skipped rather than breaking the search.
        if (n < 0 || (i > 0 && list.compare(list.starts.subarray(i * words, i * words + words), list.starts, i - 1) <= 0)) continue;
        list.asns[list.count] = n;
        let index = 0;
        if (org !== '') {
          index = orgIndex.get(org) ?? 0;
          if (index === 0) {
            index = this.#orgNames.length;
            this.#orgNames.push(org);
            orgIndex.set(org, index);
          }
        }
        list.orgs[list.count] = index;
        list.count++;
      }
      return list;
    };
    this.#v4 = load(files.ipv4, 1);
    this.#v6 = load(files.ipv6, 4);
  }

  get rangeCount(): number {
    return this.#v4.count + this.#v6.count;
  }

  /** The autonomous system announcing `bytes` (4 or 16 bytes), or undefined. */
  lookup(bytes: Uint8Array): AsnHit | undefined {
    const list = bytes.length === 4 ? this.#v4 : this.#v6;
    const scratch = bytes.length === 4 ? this.#scratch4 : this.#scratch6;
    toWords(bytes, scratch, 0);
    const i = list.find(scratch);
    if (i < 0) return undefined;
    const org = list.orgs[i] as number;
    return { asn: list.asns[i] as number, org: org === 0 ? undefined : this.#orgNames[org] };
  }
}
