import { describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { AccessTokenProvider } from './access-token-provider.js';
import { readReportWindow } from './report-reader.js';
import { ACTIVITY_STREAM } from './report-records.js';
import { LocalRequestBudget } from './request-budget.js';
import { SecretRedactor } from './secret-redactor.js';
import { ZoomApiClient } from './zoom-api-client.js';
import {
  DailyBudgetExhaustedError,
  InvalidAccessTokenError,
  MissingScopeError,
  PageTokenExpiredError,
  PermissionDeniedError,
  PlanRequiredError,
  type ZoomError,
} from './zoom-errors.js';

/**
 * The client against scripted answers: each reading of what zoom-api.md leaves
 * open (which code, which status, which headers, which Retry-After form) that
 * the simulator does not play, one answer at a time.
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const QUERY = { from: '2026-03-09', to: '2026-03-09', page_size: '300' };

interface Scripted {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const ok = (records: unknown[] = [], next = ''): Scripted => ({
  status: 200,
  body: { from: '2026-03-09', to: '2026-03-09', page_size: 300, next_page_token: next, activity_logs: records },
});

function harness(script: Scripted[]) {
  const clock = new ManualClock(NOW);
  const requests: URL[] = [];
  const invalidated: string[] = [];
  let issued = 0;
  const tokens: AccessTokenProvider = {
    getAccessToken: async () => `access-token-${issued}`,
    invalidate: (token) => {
      invalidated.push(token);
      issued += 1;
    },
  };
  const fetchImpl: typeof fetch = async (input) => {
    requests.push(new URL(input instanceof Request ? input.url : input));
    const next = script.shift();
    if (!next) throw new Error('no scripted answer left');
    return new Response(JSON.stringify(next.body), { status: next.status, headers: { 'content-type': 'application/json', ...next.headers } });
  };
  const client = new ZoomApiClient({
    endpoints: { apiUrl: 'https://api.zoom.example/v2', oauthUrl: 'https://zoom.example' },
    tokens,
    budget: new LocalRequestBudget(clock, { requestsPerSecond: 1000, requestsPerDay: 100_000 }),
    clock,
    redactor: new SecretRedactor(),
    fetchImpl,
    random: () => 0.5,
  });
  return { client, clock, requests, invalidated, script };
}

async function failure(promise: Promise<unknown>): Promise<ZoomError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as ZoomError;
}

describe('ZoomApiClient: every reading of an error answer', () => {
  it.each([
    [400, 4711],
    [400, 4700],
    [401, 4700],
    [401, 124],
    [403, 0],
  ])('a missing scope (HTTP %i, code %i) is matched on the text: a scope error at once, no token renewal', async (status, code) => {
    const h = harness([{ status, body: { code, message: 'Invalid access token, does not contain scopes:[report:read:user_activities:admin, report:read:admin].' } }]);
    const error = await failure(h.client.getJson(ACTIVITY_STREAM, QUERY));
    expect(error).toBeInstanceOf(MissingScopeError);
    expect((error as MissingScopeError).scopes).toEqual(['report:read:user_activities:admin', 'report:read:admin']);
    expect(h.invalidated).toEqual([]);
    expect(h.requests).toHaveLength(1);
  });

  it.each(['Invalid access token.', 'Access token is expired.'])('401 code 124 "%s": one new token, then the request goes through', async (message) => {
    const h = harness([{ status: 401, body: { code: 124, message } }, ok([{ email: 'a@example.com', time: '2026-03-09T10:00:00Z', type: 'Sign in' }])]);
    const { body } = await h.client.getJson(ACTIVITY_STREAM, QUERY);
    expect(body.activity_logs).toHaveLength(1);
    expect(h.invalidated).toEqual(['access-token-0']);
  });

  it.each(['Invalid access token.', 'Access token is expired.'])('401 code 124 "%s" again after the renewal: an invalid-token error, one renewal only', async (message) => {
    const h = harness([
      { status: 401, body: { code: 124, message } },
      { status: 401, body: { code: 124, message } },
    ]);
    const error = await failure(h.client.getJson(ACTIVITY_STREAM, QUERY));
    expect(error).toBeInstanceOf(InvalidAccessTokenError);
    expect(error.message).toContain(message);
    expect(h.invalidated).toHaveLength(1);
    expect(h.requests).toHaveLength(2);
  });

  it.each([
    ['No permission.', PermissionDeniedError],
    ['This report is only available for the paid account.', PlanRequiredError],
    ['Only available for the Paid account.', PlanRequiredError],
  ] as const)('HTTP 400 code 200 "%s" stops at once with a fix, never retried', async (message, type) => {
    const h = harness([{ status: 400, body: { code: 200, message } }]);
    const error = await failure(h.client.getJson(ACTIVITY_STREAM, QUERY));
    expect(error).toBeInstanceOf(type);
    expect(error.retryable).toBe(false);
    expect(error.fix).toMatch(/Retrying|retrying/);
    expect(h.requests).toHaveLength(1);
  });
});

describe('ZoomApiClient: every form of a 429', () => {
  const daily = { code: 429, message: 'You have exceeded the daily rate limit (30000) of Heavy APIs for your account. This limit resets at 00:00 UTC.' };
  const perSecond = { code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' };

  it('the daily limit without any header: known by its message, held until 00:00 UTC', async () => {
    const h = harness([{ status: 429, body: daily }]);
    const error = await failure(h.client.getJson(ACTIVITY_STREAM, QUERY));
    expect(error).toBeInstanceOf(DailyBudgetExhaustedError);
    expect((error as DailyBudgetExhaustedError).resetAt).toBe(Date.parse('2026-03-11T00:00:00Z'));
    expect(h.requests).toHaveLength(1);
  });

  it.each([
    [
      { 'X-RateLimit-Type': 'Daily-limit', 'Retry-After': '2026-03-11T00:00:00Z' },
      { code: 429, message: 'Too many requests.' },
    ],
    [{ 'X-RateLimit-Category': 'Heavy', 'X-RateLimit-Type': 'Daily-limit', 'Retry-After': '43200' }, daily],
    [{ 'Retry-After': '2026-03-11T00:00:00Z' }, daily],
  ])('the daily limit with headers %j: held until the time Zoom names', async (headers, body) => {
    const h = harness([{ status: 429, body, headers }]);
    const error = await failure(h.client.getJson(ACTIVITY_STREAM, QUERY));
    expect(error).toBeInstanceOf(DailyBudgetExhaustedError);
    expect((error as DailyBudgetExhaustedError).resetAt).toBe(Date.parse('2026-03-11T00:00:00Z'));
  });

  it.each<[Record<string, string>, string]>([
    [{}, 'no header at all'],
    [{ 'Retry-After': '2' }, 'Retry-After in seconds'],
    [{ 'Retry-After': '2026-03-10T12:00:02Z', 'X-RateLimit-Type': 'QPS' }, 'Retry-After as an ISO date-time'],
    [{ 'Retry-After': 'soon' }, 'an unreadable Retry-After'],
  ])('a per-second 429 with %j (%s) is waited out, then the request goes through', async (headers, _form) => {
    const h = harness([{ status: 429, body: perSecond, headers }, ok()]);
    await h.client.getJson(ACTIVITY_STREAM, QUERY);
    expect(h.requests).toHaveLength(2);
    expect(h.clock.now()).toBeGreaterThan(NOW);
    expect(h.clock.now()).toBeLessThanOrEqual(NOW + 2_000);
  });
});

describe('readReportWindow: an expired page token', () => {
  it.each(['The next page token is invalid or expired.', 'Invalid next_page_token.', 'The next page token has expired.'])(
    'code 300 "%s" restarts the window from its first page',
    async (message) => {
      const first = { email: 'a@example.com', time: '2026-03-09T10:00:00Z', type: 'Sign in' };
      const second = { email: 'b@example.com', time: '2026-03-09T09:00:00Z', type: 'Sign in' };
      const h = harness([ok([first], 'token-1'), { status: 400, body: { code: 300, message } }, ok([first], 'token-2'), ok([second])]);
      const pages = [];
      for await (const page of readReportWindow(h.client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' })) pages.push(page);
      expect(pages.map((p) => [p.pass, p.index, p.records.length])).toEqual([
        [1, 0, 1],
        [2, 0, 1],
        [2, 1, 1],
      ]);
      expect(h.requests.map((u) => u.searchParams.get('next_page_token'))).toEqual([null, 'token-1', null, 'token-2']);
    },
  );

  it('code 300 naming next_page_token only in its field errors is an expired token too', async () => {
    const h = harness([ok([], 'token-1'), { status: 400, body: { code: 300, message: 'Validation Failed.', errors: [{ field: 'next_page_token', message: 'Invalid field.' }] } }]);
    const error = await failure(h.client.getJson(ACTIVITY_STREAM, QUERY).then(() => h.client.getJson(ACTIVITY_STREAM, { ...QUERY, next_page_token: 'token-1' })));
    expect(error).toBeInstanceOf(PageTokenExpiredError);
  });
});

describe('readReportWindow: the last page in every form', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ next_page_token: '' }, 'an empty token'],
    [{ next_page_token: null }, 'a null token'],
    [{}, 'no token at all'],
  ])('%j (%s), with or without the records key, ends the window', async (tail, _form) => {
    const h = harness([{ status: 200, body: { from: '2026-03-09', to: '2026-03-09', page_size: 300, ...tail } }]);
    const pages = [];
    for await (const page of readReportWindow(h.client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' })) pages.push(page);
    expect(pages.map((p) => [p.last, p.records.length])).toEqual([[true, 0]]);
    expect(h.requests).toHaveLength(1);
  });
});
