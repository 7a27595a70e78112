import { Readable } from 'node:stream';

/** The parts of an AWS SDK (smithy) HTTP request this handler reads. */
export interface SdkHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** An AWS SDK (smithy) HTTP response: status, headers and the whole body, as bytes or (readBack) a stream of them. */
export interface SdkHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array | Readable;
}

/** Answers larger than this are cut (an S3 PutObject answer is headers and a short XML error at most). */
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface FetchRequestHandlerOptions {
  /**
   * Reading back (S3 GetObject, ListObjectsV2): the SDK needs each answer as
   * a stream, and an answer larger than `maxAnswerBytes` is an error rather
   * than cut (a cut object would read as fewer events).
   */
  readBack?: { maxAnswerBytes: number };
}

function queryString(query: SdkHttpRequest['query']): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    const name = encodeURIComponent(key);
    if (value === null) parts.push(name);
    else for (const v of Array.isArray(value) ? value : [value]) parts.push(`${name}=${encodeURIComponent(v)}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** The URL an SDK request goes to. */
export function sdkRequestUrl(request: SdkHttpRequest): string {
  const port = request.port ? `:${request.port}` : '';
  return `${request.protocol}//${request.hostname}${port}${request.path}${queryString(request.query)}`;
}

/**
 * An AWS SDK v3 request handler that sends through a given fetch (the app's
 * guarded fetch: the outbound address policy checks the endpoint's host and
 * every address it resolves to on each request; redirects are not followed).
 * Request bodies must be bytes or strings (the S3 sink sends a gzip buffer).
 */
export class FetchRequestHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(
    private readonly send: typeof fetch,
    private readonly timeoutMs: number,
    private readonly options: FetchRequestHandlerOptions = {},
  ) {}

  async handle(request: SdkHttpRequest, options?: { abortSignal?: unknown }): Promise<{ response: SdkHttpResponse }> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'content-length') continue; // set by fetch, to the same values the signature covers
      headers.set(name, value);
    }
    const body = request.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))
      throw new TypeError('the fetch request handler sends only byte or string bodies');
    // The SDK's own (deprecated) signal type is not a DOM AbortSignal; only a real one is followed.
    const signals = [AbortSignal.timeout(this.timeoutMs), ...(options?.abortSignal instanceof AbortSignal ? [options.abortSignal] : [])];
    const response = await this.send(sdkRequestUrl(request), {
      method: request.method,
      headers,
      ...(body === undefined || body === null ? {} : { body: body as string | Uint8Array<ArrayBuffer> }),
      redirect: 'manual',
      signal: AbortSignal.any(signals),
    });
    const readBack = this.options.readBack;
    const bytes = readBack ? await boundedBytes(response, readBack.maxAnswerBytes) : new Uint8Array(await response.arrayBuffer()).subarray(0, MAX_ANSWER_BYTES);
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => (responseHeaders[name] = value));
    return { response: { statusCode: response.status, reason: response.statusText, headers: responseHeaders, body: readBack ? Readable.from([bytes]) : bytes } };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/** The whole answer, or an error when it is larger than `max` bytes (read no further than that). */
async function boundedBytes(response: Response, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      // Leaving the loop cancels the rest of the body.
      if (total > max) throw new RangeError(`an answer of the S3 endpoint is larger than ${max} bytes`);
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}
