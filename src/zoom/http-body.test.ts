import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBodyText } from './http-body.js';

/** A response whose body is `chunks` (then endless `filler` chunks when given), counting what was pulled. */
function streamed(chunks: Uint8Array[], options: { endless?: Uint8Array; headers?: Record<string, string> } = {}) {
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[pulled] ?? options.endless;
      pulled++;
      if (next) controller.enqueue(next);
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { response: new Response(body, { headers: options.headers ?? {} }), pulled: () => pulled, cancelled: () => cancelled };
}

describe('readBodyText', () => {
  it('reads a body under the cap, multi-byte characters split across chunks included', async () => {
    const bytes = Buffer.from('{"a":"café 漢字"}', 'utf8');
    const { response } = streamed([bytes.subarray(0, 10), bytes.subarray(10)]);
    expect(await readBodyText(response, 1024)).toBe('{"a":"café 漢字"}');
  });

  it('stops reading an endless answer at the cap and cancels the stream', async () => {
    const stream = streamed([], { endless: new Uint8Array(64 * 1024) });
    await expect(readBodyText(stream.response, 1024 * 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(stream.pulled()).toBeLessThanOrEqual(18);
    expect(stream.cancelled()).toBe(true);
  });

  it('refuses a declared Content-Length above the cap before reading', async () => {
    const stream = streamed([new Uint8Array(10)], { headers: { 'content-length': String(5 * 1024 * 1024) } });
    await expect(readBodyText(stream.response, 1024 * 1024)).rejects.toThrow(/larger than 1 MB/);
  });
});
