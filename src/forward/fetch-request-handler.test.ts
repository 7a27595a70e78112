import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FetchRequestHandler } from './fetch-request-handler.js';

const request = { method: 'GET', protocol: 'http:', hostname: 's3.example.com', path: '/bucket/key', headers: {} };
const answering =
  (bytes: number): typeof fetch =>
  () =>
    Promise.resolve(new Response(new Uint8Array(bytes).fill(120), { status: 200 }));

describe('FetchRequestHandler', () => {
  it('writing: answers are bytes, cut at 1 MiB', async () => {
    const { response } = await new FetchRequestHandler(answering(2 * 1024 * 1024), 1000).handle(request);
    expect(response.body).toBeInstanceOf(Uint8Array);
    expect((response.body as Uint8Array).byteLength).toBe(1024 * 1024);
  });

  it('reading back: answers are streams (what GetObject needs), and one larger than the limit is an error, not cut', async () => {
    const handler = new FetchRequestHandler(answering(100), 1000, { readBack: { maxAnswerBytes: 100 } });
    const { response } = await handler.handle(request);
    expect(response.body).toBeInstanceOf(Readable);
    expect(Buffer.concat(await (response.body as Readable).toArray()).byteLength).toBe(100);
    const over = new FetchRequestHandler(answering(101), 1000, { readBack: { maxAnswerBytes: 100 } });
    await expect(over.handle(request)).rejects.toThrow('larger than 100 bytes');
  });
});
