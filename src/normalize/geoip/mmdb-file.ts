/**
 * A MaxMind DB (MMDB) file read through a bounded page cache (PagedFile):
 * the search tree and the data section are read on demand, never loaded
 * whole, so a 70 MB city database costs a few MB of memory. Follows the
 * MaxMind DB format 2.0 specification (search tree of 24/28/32-bit records,
 * typed data section with pointers); mmdb-lib serves as the reference in the
 * tests (mmdb-file.test.ts compares both on the same file).
 */
import { PagedFile } from './paged-file.js';

const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com')]);
const METADATA_MAX = 128 * 1024;
const DATA_SECTION_SEPARATOR = 16;

/** What the metadata says about the file (names and build date are shown by `zoomtrail health`). */
export interface MmdbMetadata {
  databaseType: string;
  description: string | undefined;
  buildEpochMs: number;
  ipVersion: 4 | 6;
  nodeCount: number;
  recordSize: number;
}

export class MmdbFormatError extends Error {
  override readonly name = 'MmdbFormatError';
}

type Value = string | number | boolean | bigint | Buffer | Value[] | { [key: string]: Value } | null;

export class MmdbFile {
  readonly metadata: MmdbMetadata;
  readonly #file: PagedFile;
  readonly #nodeBytes: number;
  readonly #treeSize: number;
  readonly #dataStart: number;
  readonly #ipv4Start: number;

  constructor(
    readonly path: string,
    options: { maxCacheBytes?: number } = {},
  ) {
    this.#file = new PagedFile(path, { maxBytes: options.maxCacheBytes });
    try {
      this.metadata = this.#readMetadata();
    } catch (err) {
      this.#file.close();
      throw err;
    }
    this.#nodeBytes = (this.metadata.recordSize * 2) / 8;
    this.#treeSize = this.metadata.nodeCount * this.#nodeBytes;
    this.#dataStart = this.#treeSize + DATA_SECTION_SEPARATOR;
    this.#ipv4Start = this.#findIpv4Start();
  }

  /** Page reads so far (cache misses). */
  get pageReads(): number {
    return this.#file.reads;
  }

  get cachedBytes(): number {
    return this.#file.cachedBytes;
  }

  #readMetadata(): MmdbMetadata {
    const size = this.#file.size;
    const start = Math.max(0, size - METADATA_MAX);
    const { buffer, offset } = this.#file.read(start, size - start);
    const tail = buffer.subarray(offset, offset + size - start);
    const at = tail.lastIndexOf(METADATA_MARKER);
    if (at < 0) throw new MmdbFormatError(`${this.path} is not a MaxMind DB file (no metadata marker)`);
    const base = start + at + METADATA_MARKER.length;
    const meta = this.#decode(base, base).value;
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || Buffer.isBuffer(meta)) throw new MmdbFormatError(`${this.path}: metadata is not a map`);
    const num = (key: string): number => {
      const v = meta[key];
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      throw new MmdbFormatError(`${this.path}: metadata field ${key} is missing`);
    };
    const recordSize = num('record_size');
    if (![24, 28, 32].includes(recordSize)) throw new MmdbFormatError(`${this.path}: record size ${recordSize} is not supported`);
    const ipVersion = num('ip_version');
    if (ipVersion !== 4 && ipVersion !== 6) throw new MmdbFormatError(`${this.path}: ip_version ${ipVersion} is not 4 or 6`);
    const description = meta.description;
    const english = typeof description === 'object' && description !== null && !Array.isArray(description) && !Buffer.isBuffer(description) ? description.en : undefined;
    return {
      databaseType: typeof meta.database_type === 'string' ? meta.database_type : 'unknown',
      description: typeof english === 'string' ? english : undefined,
      buildEpochMs: num('build_epoch') * 1000,
      ipVersion,
      nodeCount: num('node_count'),
      recordSize,
    };
  }

  #record(node: number, bit: number): number {
    const { buffer: b, offset: o } = this.#file.read(node * this.#nodeBytes, this.#nodeBytes);
    switch (this.metadata.recordSize) {
      case 24:
        return bit === 0 ? b.readUIntBE(o, 3) : b.readUIntBE(o + 3, 3);
      case 28:
        return bit === 0 ? (((b[o + 3] as number) & 0xf0) << 20) | b.readUIntBE(o, 3) : (((b[o + 3] as number) & 0x0f) << 24) | b.readUIntBE(o + 4, 3);
      default:
        return bit === 0 ? b.readUInt32BE(o) : b.readUInt32BE(o + 4);
    }
  }

  #findIpv4Start(): number {
    if (this.metadata.ipVersion === 4) return 0;
    let node = 0;
    for (let i = 0; i < 96 && node < this.metadata.nodeCount; i++) node = this.#record(node, 0);
    return node;
  }

  /**
   * The data record of the network holding `bytes` (4 or 16 bytes), or null
   * when the file has none. An IPv6 address in an IPv4 file has none.
   */
  lookup(bytes: Uint8Array): Value {
    if (bytes.length === 16 && this.metadata.ipVersion === 4) return null;
    const nodeCount = this.metadata.nodeCount;
    let node = bytes.length === 4 ? this.#ipv4Start : 0;
    const bits = bytes.length * 8;
    for (let i = 0; i < bits && node < nodeCount; i++) {
      node = this.#record(node, ((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1);
    }
    if (node <= nodeCount) return null;
    const offset = node - nodeCount - DATA_SECTION_SEPARATOR;
    return this.#decode(this.#dataStart + offset, this.#dataStart).value;
  }

  #decode(position: number, base: number): { value: Value; next: number } {
    const ctrl = this.#file.byte(position);
    let at = position + 1;
    let type = ctrl >> 5;
    if (type === 1) {
      const ss = (ctrl >> 3) & 3;
      const vvv = ctrl & 7;
      const { buffer: b, offset: o } = this.#file.read(at, ss + 1);
      let pointer: number;
      if (ss === 0) pointer = (vvv << 8) | (b[o] as number);
      else if (ss === 1) pointer = ((vvv << 16) | b.readUInt16BE(o)) + 2048;
      else if (ss === 2) pointer = vvv * 0x1000000 + b.readUIntBE(o, 3) + 526336;
      else pointer = b.readUInt32BE(o);
      return { value: this.#decode(base + pointer, base).value, next: at + ss + 1 };
    }
    if (type === 0) type = 7 + this.#file.byte(at++);
    let size = ctrl & 0x1f;
    if (size >= 29) {
      const extra = size - 28;
      const { buffer: b, offset: o } = this.#file.read(at, extra);
      const n = b.readUIntBE(o, extra);
      size = size === 29 ? 29 + n : size === 30 ? 285 + n : 65821 + n;
      at += extra;
    }
    switch (type) {
      case 2: {
        const { buffer: b, offset: o } = this.#file.read(at, size);
        return { value: b.toString('utf8', o, o + size), next: at + size };
      }
      case 3: {
        const { buffer: b, offset: o } = this.#file.read(at, 8);
        return { value: b.readDoubleBE(o), next: at + 8 };
      }
      case 4: {
        const { buffer: b, offset: o } = this.#file.read(at, size);
        return { value: Buffer.from(b.subarray(o, o + size)), next: at + size };
      }
      case 5:
      case 6:
      case 9:
      case 10: {
        if (size === 0) return { value: 0, next: at };
        const { buffer: b, offset: o } = this.#file.read(at, size);
        let n = 0n;
        for (let i = 0; i < size; i++) n = (n << 8n) | BigInt(b[o + i] as number);
        return { value: n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, next: at + size };
      }
      case 7: {
        const out: { [key: string]: Value } = {};
        let next = at;
        for (let i = 0; i < size; i++) {
          const key = this.#decode(next, base);
          if (typeof key.value !== 'string') throw new MmdbFormatError(`${this.path}: a map key at byte ${next} is not a string`);
          const value = this.#decode(key.next, base);
          Object.defineProperty(out, key.value, { value: value.value, enumerable: true, writable: true, configurable: true });
          next = value.next;
        }
        return { value: out, next };
      }
      case 8: {
        if (size === 0) return { value: 0, next: at };
        const { buffer: b, offset: o } = this.#file.read(at, size);
        return { value: size === 4 ? b.readInt32BE(o) : b.readUIntBE(o, size), next: at + size };
      }
      case 11: {
        const out: Value[] = [];
        let next = at;
        for (let i = 0; i < size; i++) {
          const item = this.#decode(next, base);
          out.push(item.value);
          next = item.next;
        }
        return { value: out, next };
      }
      case 14:
        return { value: size !== 0, next: at };
      case 15: {
        const { buffer: b, offset: o } = this.#file.read(at, 4);
        return { value: b.readFloatBE(o), next: at + 4 };
      }
      default:
        throw new MmdbFormatError(`${this.path}: unknown data type ${type} at byte ${position}`);
    }
  }

  close(): void {
    this.#file.close();
  }
}
