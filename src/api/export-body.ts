import { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ExportChunks } from '../store/store.js';

/**
 * An export's response body: the store's chunks as a stream, one chunk read
 * from the store at a time, when the response wants more (backpressure; a
 * response closed early destroys the stream, which stops the store's reads).
 *
 * When piped into an HTTP response (and only there), the chunks the response
 * has written are given back to the store (ExportChunks.recycle), which reuses
 * their memory: a chunk is written once it has left this stream's buffer and
 * nothing of the response is waiting to be written (`writableLength` 0: no
 * queued or in-flight write holds its bytes). Checked each time the response
 * asks for more. Any other destination or reader turns recycling off.
 */
export class ExportBody extends Readable {
  readonly #chunks: ExportChunks;
  readonly #iterator: AsyncIterator<Uint8Array>;
  /** Chunks pushed and not given back yet, oldest first, and their bytes. */
  readonly #pushed: Uint8Array[] = [];
  #pushedBytes = 0;
  #response: ServerResponse | undefined;
  #recycling: boolean;
  #reading = false;

  constructor(chunks: ExportChunks) {
    super({ highWaterMark: 0 });
    this.#chunks = chunks;
    this.#iterator = chunks[Symbol.asyncIterator]();
    this.#recycling = chunks.recycle !== undefined;
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    if (this.#response === undefined && destination instanceof ServerResponse && this.listenerCount('data') === 0) this.#response = destination;
    else this.#stopRecycling();
    return super.pipe(destination, options);
  }

  override _read(): void {
    this.#recycleWritten();
    if (this.#reading) return;
    this.#reading = true;
    this.#iterator.next().then(
      (next) => {
        this.#reading = false;
        if (this.destroyed) return;
        if (next.done) {
          this.push(null);
          return;
        }
        if (next.value.byteLength === 0) {
          this._read();
          return;
        }
        if (this.#recycling) {
          this.#pushed.push(next.value);
          this.#pushedBytes += next.value.byteLength;
        }
        this.push(next.value);
      },
      (error: unknown) => {
        this.#reading = false;
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#stopRecycling();
    const stop = this.#iterator.return?.();
    if (!stop) {
      callback(error);
      return;
    }
    stop.then(
      () => callback(error),
      (failure: unknown) => callback(error ?? (failure instanceof Error ? failure : new Error(String(failure)))),
    );
  }

  #stopRecycling(): void {
    this.#recycling = false;
    this.#pushed.length = 0;
    this.#pushedBytes = 0;
  }

  /** Gives back the chunks the response has written (see the class). */
  #recycleWritten(): void {
    const response = this.#response;
    const recycle = this.#chunks.recycle;
    if (!this.#recycling || !response || !recycle) return;
    // A reader besides the pipe into the response may hold chunks anywhere.
    if (this.listenerCount('data') !== 1) return this.#stopRecycling();
    if (response.writableLength !== 0) return;
    // The newest chunks may still be in this stream's buffer (readableLength bytes): not written yet.
    const unread = this.readableLength;
    while (this.#pushed.length > 0 && this.#pushedBytes - this.#pushed[0]!.byteLength >= unread) {
      const chunk = this.#pushed.shift()!;
      this.#pushedBytes -= chunk.byteLength;
      recycle(chunk);
    }
  }
}
