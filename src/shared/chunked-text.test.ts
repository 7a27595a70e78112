import { describe, expect, it } from 'vitest';
import { chunkedText } from './chunked-text.js';

async function* from(pieces: string[]): AsyncGenerator<string> {
  for (const piece of pieces) yield piece;
}

async function all(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe('chunkedText', () => {
  it('gathers whole pieces into chunks of at least the size, the rest last', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}\n`);
    const chunks = await all(chunkedText(from(lines), 20));
    expect(chunks.join('')).toBe(lines.join(''));
    expect(chunks).toEqual(['line 0\nline 1\nline 2\n', 'line 3\nline 4\nline 5\n', 'line 6\nline 7\nline 8\n', 'line 9\n']);
  });

  it('yields nothing for nothing, and a piece longer than the size alone', async () => {
    expect(await all(chunkedText(from([]), 10))).toEqual([]);
    expect(await all(chunkedText(from(['x'.repeat(30), 'y\n']), 10))).toEqual(['x'.repeat(30), 'y\n']);
  });
});
