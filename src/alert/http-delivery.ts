import type { DeliveryResult, SendContext } from './destination.js';

const DEFAULT_TIMEOUT_MS = 10_000;

export interface PostOptions {
  /** Values that must never appear in a result message: the secret, and for Slack the URL and its path. */
  redact?: readonly (string | null | undefined)[];
}

/** Which plain-http URLs a destination accepts: any (webhooks), or only loopback (local test receivers). */
export type HttpPolicy = 'any' | 'loopback' | 'never';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks that `raw` is an absolute http(s) URL usable as a destination, or
 * returns what is wrong. Never echoes the URL: for Slack it is the secret.
 * Credentials in the URL are refused so they do not end up in non-secret settings.
 */
export function checkDestinationUrl(raw: string, what: string, http: HttpPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${what} is not a valid absolute URL`;
  }
  if (url.protocol === 'http:') {
    if (http === 'never' || (http === 'loopback' && !LOOPBACK_HOSTS.has(url.hostname))) {
      return `${what} must use https://${http === 'loopback' ? ' (plain http:// only to 127.0.0.1 or localhost)' : ''}`;
    }
  } else if (url.protocol !== 'https:') {
    return `${what} must be an http:// or https:// URL`;
  }
  if (url.username || url.password) return `${what} must not contain a user name or password`;
  return null;
}

/**
 * POSTs `body` once and classifies the outcome for the outbox: 2xx ok;
 * 408, 429 and 5xx retryable; other statuses not; network failures and
 * timeouts retryable. Messages name only the host, never the path or query
 * (a Slack URL's path is its secret), and have `options.redact` values removed.
 * They hold the status and our own words, never the receiver's answer: a URL
 * pointed at an internal service must not read it back through the test button.
 * Redirects are not followed: a signed body must not be replayed to another host.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, context: SendContext, options: PostOptions = {}): Promise<DeliveryResult> {
  const redact = (text: string) => redactAll(text, options.redact ?? []);
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return { ok: false, retryable: false, status: null, message: 'the destination URL is not a valid absolute URL' };
  }
  const timeoutMs = context.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await context.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    return networkFailure(error, host, timeoutMs, redact);
  }
  const status = response.status;
  // The body is never read: only the status counts, and nothing of the answer is repeated.
  await response.body?.cancel().catch(() => undefined);
  context.logger.debug({ host, status }, 'alert delivery response');
  if (status >= 200 && status < 300) return { ok: true, status, message: `HTTP ${status} from ${host}` };
  if (status >= 300 && status < 400) {
    return { ok: false, retryable: false, status, message: `HTTP ${status} from ${host}: redirects are not followed; configure the final URL` };
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  const message = `HTTP ${status} from ${host}: ${retryable ? 'the receiver failed or is busy' : 'the receiver refused the alert; check the URL and the secret'}`;
  const retryAfterMs = retryable ? parseRetryAfter(response.headers.get('retry-after'), context.clock.now()) : undefined;
  return retryAfterMs === undefined ? { ok: false, retryable, status, message } : { ok: false, retryable, status, message, retryAfterMs };
}

/** Retry-After as milliseconds from `nowMs`: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse also takes bare numbers such as "-5" as years; an HTTP date always names a day or month.
  const at = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function redactAll(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  // Longest first, so a secret containing another is removed whole.
  for (const secret of [...secrets].filter((s): s is string => !!s).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

const CAUSE_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the receiver',
};

function networkFailure(error: unknown, host: string, timeoutMs: number, redact: (text: string) => string): DeliveryResult {
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === 'TimeoutError' || err.name === 'AbortError') {
    return { ok: false, retryable: true, status: null, message: `POST to ${host} timed out after ${timeoutMs} ms` };
  }
  const cause = err.cause instanceof Error ? (err.cause as Error & { code?: unknown }) : undefined;
  if (!cause) {
    // fetch rejects without a cause when the request itself cannot be built (e.g. a bad header value).
    return { ok: false, retryable: false, status: null, message: `POST to ${host} could not be sent: ${redact(err.message)}` };
  }
  const code = typeof cause.code === 'string' ? cause.code : undefined;
  const words = (code && CAUSE_WORDS[code]) ?? redact(cause.message);
  return { ok: false, retryable: true, status: null, message: `POST to ${host} failed: ${words}${code ? ` (${code})` : ''}` };
}
