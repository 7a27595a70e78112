/** Bytes of each buffer an export chunk is encoded into (twice EXPORT_CHUNK_CHARS: a chunk of mostly ASCII text fits one). */
export const EXPORT_CHUNK_BYTES = 128 * 1024;

/** Free buffers kept for reuse at most (more than an export holds in flight: see WorkerEventReader's BATCHES_AHEAD). */
const MAX_FREE = 16;

/**
 * The buffers a read worker encodes export chunks into: a buffer given back
 * by the main thread (after the response wrote it) is reused, so that a
 * long export moves the same few buffers back and forth instead of handing
 * the main thread a new backing store per chunk, whose external memory drives
 * its full garbage collections.
 */
export class ExportChunkBuffers {
  readonly #free: ArrayBuffer[] = [];
  #allocated = 0;

  /** Buffers allocated so far (not reused). */
  get allocated(): number {
    return this.#allocated;
  }

  /** A buffer of EXPORT_CHUNK_BYTES: a free one, or a new one. */
  take(): Uint8Array {
    const free = this.#free.pop();
    if (free) return new Uint8Array(free);
    this.#allocated += 1;
    return new Uint8Array(EXPORT_CHUNK_BYTES);
  }

  /** Takes back a buffer that `take` gave out (other sizes and detached buffers are ignored). */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === EXPORT_CHUNK_BYTES && this.#free.length < MAX_FREE) this.#free.push(buffer);
  }
}
