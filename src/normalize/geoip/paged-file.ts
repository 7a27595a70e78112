import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * A read-only file read through a bounded cache of fixed-size pages, so a
 * large database costs at most `maxBytes` of memory however much of it is
 * used. Synchronous (lookups run inside the synchronous normalizer); the
 * oldest page read is dropped first.
 */
export class PagedFile {
  readonly size: number;
  readonly #fd: number;
  readonly #pageSize: number;
  readonly #maxPages: number;
  readonly #pages = new Map<number, Buffer>();
  /** Page reads from disk (cache misses), for the benchmark. */
  reads = 0;

  constructor(path: string, options: { pageSize?: number; maxBytes?: number } = {}) {
    this.#pageSize = options.pageSize ?? 4096;
    this.#maxPages = Math.max(2, Math.floor((options.maxBytes ?? 8 * 1024 * 1024) / this.#pageSize));
    this.#fd = openSync(path, 'r');
    this.size = fstatSync(this.#fd).size;
  }

  /** Bytes of memory the cache holds now. */
  get cachedBytes(): number {
    return this.#pages.size * this.#pageSize;
  }

  #page(index: number): Buffer {
    const cached = this.#pages.get(index);
    if (cached) return cached;
    const start = index * this.#pageSize;
    const length = Math.min(this.#pageSize, this.size - start);
    const page = Buffer.allocUnsafe(Math.max(0, length));
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, page, done, length - done, start + done);
      if (n === 0) break;
      done += n;
    }
    this.reads++;
    if (this.#pages.size >= this.#maxPages) {
      const oldest = this.#pages.keys().next();
      if (!oldest.done) this.#pages.delete(oldest.value);
    }
    this.#pages.set(index, page);
    return page;
  }

  /**
   * `length` bytes at `position`: a buffer and the offset they start at in it
   * (a cached page when they lie in one, else a copy). Throws past the end.
   */
  read(position: number, length: number): { buffer: Buffer; offset: number } {
    if (position < 0 || position + length > this.size) throw new RangeError(`read of ${length} bytes at ${position} is outside the file (${this.size} bytes)`);
    const index = Math.floor(position / this.#pageSize);
    const offset = position - index * this.#pageSize;
    if (offset + length <= this.#pageSize) return { buffer: this.#page(index), offset };
    const out = Buffer.allocUnsafe(length);
    let copied = 0;
    while (copied < length) {
      const at = position + copied;
      const page = this.#page(Math.floor(at / this.#pageSize));
      const from = at % this.#pageSize;
      copied += page.copy(out, copied, from, Math.min(page.length, from + length - copied));
    }
    return { buffer: out, offset: 0 };
  }

  byte(position: number): number {
    const { buffer, offset } = this.read(position, 1);
    return buffer[offset] as number;
  }

  close(): void {
    this.#pages.clear();
    closeSync(this.#fd);
  }
}
