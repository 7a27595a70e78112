/** Reading what Zoom answered, shared by the OAuth and API calls. */

/** Most bytes read of a report page: 300 records, even with huge fields, are far below it. */
export const MAX_REPORT_BODY_BYTES = 64 * 1024 * 1024;
/** Most bytes read of an OAuth answer (a token set is about 2 KB). */
export const MAX_OAUTH_BODY_BYTES = 1024 * 1024;

/** The answer was longer than Zoomtrail reads from that endpoint; what was read is dropped. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the answer is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
  }
}

/**
 * The body as text, reading at most `maxBytes` (a hostile or broken server
 * cannot make Zoomtrail hold an endless answer in memory): past it, the
 * stream is cancelled and BodyTooLargeError thrown. A Content-Length above
 * the cap fails before reading.
 */
export async function readBodyText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes);
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** The body as a JSON object, or undefined when it is not one (HTML error page, truncated JSON, array). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A short, secret-free description of a fetch failure (connection reset, refused, timeout). */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  if (error instanceof Error) return error.message;
  return 'unknown network error';
}
