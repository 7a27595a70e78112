/** Reading what Zoom answered, shared by the OAuth and API calls. */

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
