/**
 * The ASN database of the `@ip-location-db/asn` package (RouteViews, NRO and
 * DB-IP ASN Lite data, CC BY 4.0): two CSV files, `asn-ipv4-num.csv`
 * and `asn-ipv6-num.csv`, of `first,last,asn,organisation` ranges in address
 * order, addresses as decimal numbers.
 * Loaded into typed arrays (about 10 MB for 500,000 ranges; organisation
 * names once each) and searched by binary search.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
    arrays?: { starts: Uint32Array; ends: Uint32Array; asns: Uint32Array; orgs: Uint32Array },
  ) {
    this.starts = arrays?.starts ?? new Uint32Array(capacity * words);
    this.ends = arrays?.ends ?? new Uint32Array(capacity * words);
    this.asns = arrays?.asns ?? new Uint32Array(capacity);
    this.orgs = arrays?.orgs ?? new Uint32Array(capacity);
    if (arrays) this.count = capacity;
  }

  /** The used part of the four arrays, in the binary cache's order. */
  parts(): Uint32Array[] {
    return [this.starts.subarray(0, this.count * this.words), this.ends.subarray(0, this.count * this.words), this.asns.subarray(0, this.count), this.orgs.subarray(0, this.count)];
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

/** Starts the binary cache file; the version is part of it (a new layout never reads an old file). */
const CACHE_MAGIC = 'ZTASN01\n';

export class AsnTable {
  readonly #v4: RangeList;
  readonly #v6: RangeList;
  readonly #orgNames: string[] = [''];
  readonly #scratch4 = new Uint32Array(1);
  readonly #scratch6 = new Uint32Array(4);

  /**
   * The table of the two CSV files. With `cacheDir`, a binary copy of the
   * parsed table is kept there (named after the files' paths, sizes and
   * modification times): a later process maps it in milliseconds instead of
   * parsing 30 MB of CSV (seconds). A cache that cannot be read or written is
   * ignored: the CSV files are the source of truth.
   */
  static load(files: { ipv4: string; ipv6: string }, cacheDir?: string): AsnTable {
    if (cacheDir === undefined) return new AsnTable(files);
    const cacheFile = path.join(cacheDir, `asn-${cacheKey(files)}.bin`);
    try {
      const cached = AsnTable.fromBinary(readFileSync(cacheFile));
      if (cached) return cached;
    } catch {
      // no cache yet, or unreadable: parse the CSV files
    }
    const table = new AsnTable(files);
    try {
      mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, table.toBinary(), { mode: 0o600 });
      renameSync(temp, cacheFile);
    } catch {
      // a read-only data directory: the next process parses again
    }
    return table;
  }

  /** The table of a binary cache file, or undefined when the bytes are not one (wrong magic or length). */
  static fromBinary(bytes: Buffer): AsnTable | undefined {
    const magic = Buffer.byteLength(CACHE_MAGIC);
    if (bytes.length < magic + 12 || bytes.toString('latin1', 0, magic) !== CACHE_MAGIC) return undefined;
    // Copied once into an aligned buffer: Uint32Array views need a 4-byte aligned offset.
    const header = new Uint32Array(bytes.buffer.slice(bytes.byteOffset + magic, bytes.byteOffset + magic + 12));
    const [v4, v6, orgBytes] = [header[0] as number, header[1] as number, header[2] as number];
    const words = [v4, v4, v4, v4, v6 * 4, v6 * 4, v6, v6];
    const arrayBytes = (v4 * 4 + v6 * 10) * 4;
    if (bytes.length !== magic + 12 + arrayBytes + orgBytes) return undefined;
    const body = bytes.buffer.slice(bytes.byteOffset + magic + 12, bytes.byteOffset + magic + 12 + arrayBytes);
    const arrays: Uint32Array[] = [];
    let at = 0;
    for (const n of words) {
      arrays.push(new Uint32Array(body, at, n));
      at += n * 4;
    }
    const orgNames = JSON.parse(bytes.toString('utf8', magic + 12 + arrayBytes)) as unknown;
    if (!Array.isArray(orgNames) || !orgNames.every((o) => typeof o === 'string')) return undefined;
    const [s4, e4, a4, o4, s6, e6, a6, o6] = arrays as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    return new AsnTable({
      v4: new RangeList(1, v4, { starts: s4, ends: e4, asns: a4, orgs: o4 }),
      v6: new RangeList(4, v6, { starts: s6, ends: e6, asns: a6, orgs: o6 }),
      orgNames: orgNames,
    });
  }

  /** The binary cache form: magic, counts, the ranges' arrays, the organisation names as JSON. */
  toBinary(): Buffer {
    const orgs = Buffer.from(JSON.stringify(this.#orgNames), 'utf8');
    const header = Buffer.from(new Uint32Array([this.#v4.count, this.#v6.count, orgs.length]).buffer);
    const arrays = [...this.#v4.parts(), ...this.#v6.parts()].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    return Buffer.concat([Buffer.from(CACHE_MAGIC, 'latin1'), header, ...arrays, orgs]);
  }

  /** Reads both CSV files (synchronously: one to two seconds for the packaged ones; see `load` for the cache). */
  constructor(files: { ipv4: string; ipv6: string } | { v4: RangeList; v6: RangeList; orgNames: string[] }) {
    if ('v4' in files) {
      this.#v4 = files.v4;
      this.#v6 = files.v6;
      this.#orgNames = files.orgNames;
      return;
    }
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

/** Names the cache of two CSV files: their paths, sizes and modification times. */
function cacheKey(files: { ipv4: string; ipv6: string }): string {
  const hash = createHash('sha256').update(CACHE_MAGIC);
  for (const file of [files.ipv4, files.ipv6]) {
    const stat = statSync(file);
    hash.update(`${path.resolve(file)}\u0000${stat.size}\u0000${stat.mtimeMs}\u0000`);
  }
  return hash.digest('hex').slice(0, 32);
}
