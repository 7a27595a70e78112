import type { Logger } from 'pino';
import { type Clock, nextUtcMidnight } from '../shared/clock.js';
import { metrics } from '../shared/metrics.js';
import type { AccessTokenProvider } from './access-token-provider.js';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import { BodyTooLargeError, describeNetworkError, MAX_REPORT_BODY_BYTES, parseJsonObject, readBodyText } from './http-body.js';
import type { ReportStream } from './report-records.js';
import type { RequestBudget } from './request-budget.js';
import { parseRetryAfter } from './retry-after.js';
import type { SecretRedactor } from './secret-redactor.js';
import { joinUrl, type ZoomEndpoints } from './zoom-endpoints.js';
import {
  DailyBudgetExhaustedError,
  DateOutOfRangeError,
  InvalidAccessTokenError,
  MalformedResponseError,
  MissingScopeError,
  PageTokenExpiredError,
  PermissionDeniedError,
  PlanRequiredError,
  RateLimitedError,
  type ZoomError,
  type ZoomErrorDetails,
  ZoomRequestRejectedError,
  ZoomUnavailableError,
} from './zoom-errors.js';

export interface RetryPolicy {
  /** Tries for transient faults (5xx, resets, timeouts, unreadable bodies) before giving up. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** Per-second 429s waited out before giving up with RateLimitedError. */
  maxRateLimitWaits: number;
  /** A per-second 429 asking for a longer wait than this is surfaced instead of slept through. */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  backoff: DEFAULT_BACKOFF,
  maxRateLimitWaits: 30,
  maxRateLimitWaitMs: 120_000,
};

/** One request's outcome, for metrics and health (never carries a secret). */
export interface ZoomRequestEvent {
  endpoint: string;
  outcome: 'ok' | 'retried' | 'rate_limited' | 'failed';
  status?: number;
  durationMs: number;
  error?: string;
}

export interface ZoomApiClientOptions {
  endpoints: ZoomEndpoints;
  tokens: AccessTokenProvider;
  /** The Zoom account's budget, shared by every stream on that account. */
  budget: RequestBudget;
  clock: Clock;
  redactor: SecretRedactor;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout (real time), default 60 s. */
  requestTimeoutMs?: number;
  fetchImpl?: typeof fetch;
  random?: () => number;
  onRequest?: (event: ZoomRequestEvent) => void;
}

export interface ZoomJsonResponse {
  body: Record<string, unknown>;
  trackingId?: string;
}

/**
 * GETs Zoom API endpoints with a Bearer token (Zoom refuses tokens in the
 * query string since 2023), spending the account's request budget, retrying
 * what can be retried and turning everything else into a ZoomError that says
 * what to fix.
 */
export class ZoomApiClient {
  readonly #o: ZoomApiClientOptions;
  readonly #retry: RetryPolicy;

  constructor(options: ZoomApiClientOptions) {
    this.#o = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  async getJson(stream: ReportStream, query: Record<string, string>, signal?: AbortSignal): Promise<ZoomJsonResponse> {
    const { clock, budget, tokens, redactor, logger } = this.#o;
    const url = new URL(joinUrl(this.#o.endpoints.apiUrl, stream.path));
    url.search = new URLSearchParams(query).toString();
    const endpoint = stream.path;
    let transientFailures = 0;
    let rateLimitWaits = 0;
    let renewedToken = false;

    const retryOrThrow = async (error: ZoomError, started: number): Promise<void> => {
      transientFailures += 1;
      if (transientFailures >= this.#retry.maxAttempts) {
        this.#emit({ endpoint, outcome: 'failed', status: error.httpStatus, durationMs: clock.now() - started, error: error.code });
        throw error;
      }
      const delay = backoffDelay(transientFailures, this.#retry.backoff, this.#o.random);
      this.#emit({ endpoint, outcome: 'retried', status: error.httpStatus, durationMs: clock.now() - started, error: error.code });
      logger?.warn({ endpoint, err_code: error.code, http_status: error.httpStatus, attempt: transientFailures, delay_ms: delay }, 'zoom request failed, retrying');
      await clock.sleep(delay, signal);
    };

    for (;;) {
      await budget.acquire(signal);
      const token = await tokens.getAccessToken(signal);
      const started = clock.now();
      let response: Response;
      let text: string;
      try {
        const timeout = AbortSignal.timeout(this.#o.requestTimeoutMs ?? 60_000);
        response = await (this.#o.fetchImpl ?? fetch)(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          // The bearer token must never be replayed to the host a redirect names.
          redirect: 'manual',
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        text = await readBodyText(response, MAX_REPORT_BODY_BYTES);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const failure =
          error instanceof BodyTooLargeError
            ? new MalformedResponseError(`${endpoint}: ${error.message}`)
            : new ZoomUnavailableError(`${endpoint}: ${describeNetworkError(error)}`);
        await retryOrThrow(failure, started);
        continue;
      }
      const details: ZoomErrorDetails = {
        httpStatus: response.status,
        trackingId: response.headers.get('x-zm-trackingid') ?? undefined,
      };
      const json = parseJsonObject(text);
      logger?.debug({ endpoint, http_status: response.status, duration_ms: clock.now() - started, tracking_id: details.trackingId }, 'zoom request');

      if (response.ok) {
        if (!json) {
          const what =
            text.length === 0 ? 'empty body' : looksLikeJson(response) ? 'truncated or invalid JSON' : `not JSON (${response.headers.get('content-type') ?? 'no content-type'})`;
          await retryOrThrow(new MalformedResponseError(`${endpoint} answered 200 with ${what}`, details), started);
          continue;
        }
        this.#emit({ endpoint, outcome: 'ok', status: response.status, durationMs: clock.now() - started });
        return { body: json, trackingId: details.trackingId };
      }

      const zoomCode = typeof json?.code === 'number' ? json.code : undefined;
      const message = redactor.redact(typeof json?.message === 'string' ? json.message : '');
      details.zoomCode = zoomCode;

      if (response.status === 429 || zoomCode === 429) {
        const now = clock.now();
        const retryAt = parseRetryAfter(response.headers.get('retry-after'), now);
        const limitType = response.headers.get('x-ratelimit-type') ?? '';
        if (/daily/i.test(limitType) || /daily rate limit/i.test(message)) {
          const resetAt = retryAt !== undefined && retryAt > now ? retryAt : nextUtcMidnight(now);
          budget.holdUntil(resetAt);
          this.#emit({ endpoint, outcome: 'rate_limited', status: 429, durationMs: now - started, error: 'daily_budget_exhausted' });
          throw new DailyBudgetExhaustedError(resetAt, 'zoom', details);
        }
        rateLimitWaits += 1;
        const waitUntil = retryAt !== undefined && retryAt > now ? retryAt : now + backoffDelay(rateLimitWaits, { baseMs: 1_000, maxMs: 30_000 }, this.#o.random);
        this.#emit({ endpoint, outcome: 'rate_limited', status: 429, durationMs: now - started, error: 'rate_limited' });
        if (rateLimitWaits > this.#retry.maxRateLimitWaits || waitUntil - now > this.#retry.maxRateLimitWaitMs) {
          throw new RateLimitedError(waitUntil, details);
        }
        logger?.info({ endpoint, wait_ms: waitUntil - now }, 'zoom per-second rate limit, waiting');
        metrics.rateLimitWait.inc({ endpoint }, (waitUntil - now) / 1000);
        budget.holdUntil(waitUntil);
        continue;
      }

      if (zoomCode === 4711 || zoomCode === 4700 || /does not contain scope/i.test(message)) {
        throw new MissingScopeError(parseScopes(message, stream), endpoint, details);
      }

      if (response.status >= 500) {
        await retryOrThrow(new ZoomUnavailableError(`${endpoint} answered HTTP ${response.status}`, details), started);
        continue;
      }

      if (response.status === 401 || zoomCode === 124) {
        if (!renewedToken) {
          // Expired or revoked under us: renew once, then give up.
          renewedToken = true;
          tokens.invalidate(token);
          continue;
        }
        throw new InvalidAccessTokenError(message || `HTTP ${response.status}`, details);
      }

      this.#emit({ endpoint, outcome: 'failed', status: response.status, durationMs: clock.now() - started, error: String(zoomCode ?? response.status) });
      throw classifyRejection(stream, response.status, zoomCode, message, query, json, details);
    }
  }

  #emit(event: ZoomRequestEvent): void {
    metrics.zoomRequests.inc({ endpoint: event.endpoint, outcome: event.outcome });
    metrics.zoomRequestDuration.observe({ endpoint: event.endpoint }, event.durationMs / 1000);
    if (event.error === 'daily_budget_exhausted') metrics.dailyBudgetExhausted.inc({ endpoint: event.endpoint });
    this.#o.onRequest?.(event);
  }
}

function classifyRejection(
  stream: ReportStream,
  status: number,
  zoomCode: number | undefined,
  message: string,
  query: Record<string, string>,
  json: Record<string, unknown> | undefined,
  details: ZoomErrorDetails,
): ZoomError {
  const endpoint = stream.path;
  if (zoomCode === 200) {
    if (/paid|plan|upgrade/i.test(message)) return new PlanRequiredError(endpoint, message, details);
    return new PermissionDeniedError(stream.rolePermission, endpoint, details);
  }
  if (zoomCode === 300) {
    if (refusesPageToken(message, json, query)) return new PageTokenExpiredError(details);
    if (/month|range|date|from|to\b/i.test(message) && !Array.isArray(json?.errors)) {
      return new DateOutOfRangeError({ from: query.from ?? '?', to: query.to ?? '?' }, message, details);
    }
  }
  if (status === 404) {
    return new ZoomRequestRejectedError(
      `Zoom answered 404 for ${endpoint}${message ? `: ${message}` : ''}.`,
      'Check the API URL setting: it must be the API base including /v2, e.g. https://api.zoom.us/v2 (https://api.zoomgov.com/v2 for ZoomGov).',
      details,
    );
  }
  const fieldErrors = Array.isArray(json?.errors)
    ? (json.errors as Array<{ field?: unknown; message?: unknown }>).map((e) => `${String(e.field)}: ${String(e.message)}`).join('; ')
    : '';
  return new ZoomRequestRejectedError(
    `Zoom refused ${endpoint} (HTTP ${status}${zoomCode === undefined ? '' : `, code ${zoomCode}`}): ${message || 'no message'}${fieldErrors ? ` [${fieldErrors}]` : ''}`,
    'This request cannot succeed as sent. If it persists after an upgrade of Zoomtrail, report it with the tracking id.',
    details,
  );
}

/**
 * Code 300 about the page token: Zoom words it "The next page token is
 * invalid or expired."; a request that carried a token also takes another
 * wording naming it (`next_page_token`), or a field error on it.
 */
function refusesPageToken(message: string, json: Record<string, unknown> | undefined, query: Record<string, string>): boolean {
  if (/page token/i.test(message)) return true;
  if (!query.next_page_token) return false;
  if (/page_?token/i.test(message)) return true;
  return Array.isArray(json?.errors) && (json.errors as Array<{ field?: unknown }>).some((e) => e?.field === 'next_page_token');
}

/** Zoom names the accepted scopes in the message: `does not contain scopes:[a, b]`. */
function parseScopes(message: string, stream: ReportStream): string[] {
  const match = /scopes?\s*:\s*\[([^\]]*)\]/i.exec(message);
  const named = match?.[1]?.split(/[\s,]+/).filter(Boolean) ?? [];
  return named.length > 0 ? named : [stream.granularScope, 'report:read:admin'];
}

function looksLikeJson(response: Response): boolean {
  return /json/i.test(response.headers.get('content-type') ?? '');
}
