/**
 * `pieces` (lines of an export) gathered into chunks of at least `minChars`
 * characters (the last one may be shorter; a piece is never split), so a stream
 * writes a chunk at a time: a write per line costs the writer (and the reader)
 * a turn of the stream each.
 */
export async function* chunkedText(pieces: AsyncIterable<string>, minChars: number): AsyncGenerator<string> {
  let chunk = '';
  for await (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= minChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
