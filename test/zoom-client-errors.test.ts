import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVITY_STREAM, OPERATION_STREAM } from '../src/zoom/report-records.js';
import {
  DailyBudgetExhaustedError,
  DateOutOfRangeError,
  InvalidAccessTokenError,
  MalformedResponseError,
  MissingScopeError,
  PermissionDeniedError,
  PlanRequiredError,
  RateLimitedError,
  WrongCredentialsError,
  ZoomError,
  ZoomRequestRejectedError,
  ZoomUnavailableError,
} from '../src/zoom/zoom-errors.js';
import { ACCOUNT_ID, clientFor, drainWindow, type Harness, S2S, s2sAuth, startHarness } from './support/sim-harness.js';

let h: Harness;
afterEach(async () => h?.close());

const DAY = { from: '2026-03-09', to: '2026-03-09' };

async function failure(promise: Promise<unknown>): Promise<ZoomError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ZoomError);
  return error as ZoomError;
}

describe('typed errors that name the fix', () => {
  it('wrong client secret', async () => {
    h = await startHarness();
    const { client } = clientFor(h, s2sAuth({ clientSecret: 'not-the-secret-123' }));
    const error = await failure(drainWindow(client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(WrongCredentialsError);
    expect(error.message).toMatch(/Client ID and Client Secret/);
    expect(error.fix).toMatch(/App Credentials/);
    expect(error.retryable).toBe(false);
  });

  it('wrong account id', async () => {
    h = await startHarness();
    const { client } = clientFor(h, s2sAuth({ accountId: 'someone-else' }));
    const error = await failure(drainWindow(client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(ZoomRequestRejectedError);
    expect(error.fix).toMatch(/Account ID/);
  });

  it('missing scope names the scope to add, for each report', async () => {
    h = await startHarness();
    h.sim.account(ACCOUNT_ID).setScopes(S2S.clientId, ['report:read:operation_logs:admin']);
    const { client } = clientFor(h);
    const error = await failure(drainWindow(client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(MissingScopeError);
    expect((error as MissingScopeError).scopes).toContain('report:read:user_activities:admin');
    expect(error.message).toContain('report:read:user_activities:admin');
    expect(error.fix).toMatch(/Scopes > Add Scopes > Report/);
    // the other report still works with the granular scope it has
    await expect(drainWindow(client, OPERATION_STREAM, DAY)).resolves.toBeDefined();
  });

  it('free plan: the reports need a paid plan', async () => {
    h = await startHarness();
    h.sim.account(ACCOUNT_ID).setPlan('free');
    const error = await failure(drainWindow(clientFor(h).client, OPERATION_STREAM, DAY));
    expect(error).toBeInstanceOf(PlanRequiredError);
    expect(error.code).toBe('plan_required');
    expect(error.fix).toMatch(/Pro plan or higher/);
  });

  it('role permission missing names the permission', async () => {
    h = await startHarness();
    h.sim.account(ACCOUNT_ID).setAdminPermissions(['Admin Activity Logs']);
    const { client } = clientFor(h);
    const error = await failure(drainWindow(client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).permission).toBe(ACTIVITY_STREAM.rolePermission);
    expect(error.message).toContain('Sign In/Sign Out');
    await expect(drainWindow(client, OPERATION_STREAM, DAY)).resolves.toBeDefined();
  });

  it('dates older than six months', async () => {
    h = await startHarness();
    const error = await failure(drainWindow(clientFor(h).client, ACTIVITY_STREAM, { from: '2025-08-01', to: '2025-08-05' }));
    expect(error).toBeInstanceOf(DateOutOfRangeError);
    expect(error.fix).toMatch(/6 months/);
  });

  it.each(['seconds', 'iso', 'none'] as const)("Zoom's daily cap (Retry-After %s) surfaces as budget exhausted until 00:00 UTC", async (retryAfterFormat) => {
    h = await startHarness({ retryAfterFormat });
    h.sim.addAccount({
      accountId: 'small',
      plan: 'pro',
      dailyLimit: 3,
      generated: { seed: 1, fromDay: '2026-03-01', toDay: '2026-03-10', volume: { activities: 2000, operations: 10 } },
    });
    h.sim.addApp({ clientId: 'SMALL_APP', clientSecret: 'small-app-secret-42', accountId: 'small', kind: 's2s' });
    const { client } = clientFor(h, s2sAuth({ accountId: 'small', clientId: 'SMALL_APP', clientSecret: 'small-app-secret-42' }));
    const error = await failure(drainWindow(client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(DailyBudgetExhaustedError);
    expect((error as DailyBudgetExhaustedError).by).toBe('zoom');
    // Zoom's word is kept: Retry-After in whole seconds may land just after midnight.
    const midnight = Date.parse('2026-03-11T00:00:00Z');
    expect((error as DailyBudgetExhaustedError).resetAt).toBeGreaterThanOrEqual(midnight);
    expect((error as DailyBudgetExhaustedError).resetAt).toBeLessThan(midnight + 1_000);
    expect(error.message).toMatch(/daily rate limit/);
    h.clock.set(Date.parse('2026-03-11T00:00:05Z'));
    await expect(drainWindow(client, OPERATION_STREAM, { from: '2026-03-10', to: '2026-03-10' })).resolves.toBeDefined();
  });

  it.each(['seconds', 'iso', 'none'] as const)('per-second 429s (Retry-After %s) are waited out, not surfaced', async (retryAfterFormat) => {
    h = await startHarness({ retryAfterFormat });
    h.sim.failNext('http429', 3);
    const { records } = await drainWindow(clientFor(h).client, ACTIVITY_STREAM, DAY);
    expect(records.length).toBeGreaterThan(0);
    expect(h.sim.requestCount({ pathPrefix: '/v2/report', status: 429 })).toBe(3);
  });

  it('a client faster than the account allows is slowed by Zoom and still finishes', async () => {
    h = await startHarness();
    h.sim.addAccount({
      accountId: 'slow',
      plan: 'pro',
      perSecondLimit: 1,
      generated: { seed: 3, fromDay: '2026-03-01', toDay: '2026-03-10', volume: { activities: 3000, operations: 10 } },
    });
    h.sim.addApp({ clientId: 'SLOW_APP', clientSecret: 'slow-app-secret-42', accountId: 'slow', kind: 's2s' });
    const { client } = clientFor(h, s2sAuth({ accountId: 'slow', clientId: 'SLOW_APP', clientSecret: 'slow-app-secret-42' }), { rps: 40 });
    const { records } = await drainWindow(client, ACTIVITY_STREAM, { from: '2026-03-01', to: '2026-03-03' });
    expect(records.length).toBe(h.sim.account('slow').groundTruth('Zoom.Activity', '2026-03-01', '2026-03-03').length);
  });

  it('endless per-second 429s give a rate-limited error', async () => {
    h = await startHarness();
    h.sim.faults.http429 = 1;
    const error = await failure(drainWindow(clientFor(h, undefined, { retry: { maxRateLimitWaits: 5 } }).client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryable).toBe(true);
  });

  it.each([
    ['http5xx', ZoomUnavailableError],
    ['reset', ZoomUnavailableError],
    ['truncated', MalformedResponseError],
    ['nonJson', MalformedResponseError],
  ] as const)('a lasting %s fault ends in %s after the retries', async (kind, type) => {
    h = await startHarness();
    h.sim.faults[kind] = 1;
    const error = await failure(drainWindow(clientFor(h, undefined, { retry: { maxAttempts: 4 } }).client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(type);
    expect(error.retryable).toBe(true);
    expect(h.sim.requestCount({ pathPrefix: '/v2/report' })).toBe(4);
  });

  it.each(['http5xx', 'reset', 'truncated', 'nonJson'] as const)('a passing %s fault is retried transparently', async (kind) => {
    h = await startHarness();
    h.sim.failNext(kind, 2);
    const { records } = await drainWindow(clientFor(h).client, ACTIVITY_STREAM, DAY);
    expect(records.length).toBe(h.sim.account(ACCOUNT_ID).groundTruth('Zoom.Activity', DAY.from, DAY.to).length);
  });

  it('latency is only slower, never wrong', async () => {
    h = await startHarness({ volume: { activities: 20, operations: 5 } });
    h.sim.faults.latencyMs = 50;
    const { records } = await drainWindow(clientFor(h).client, ACTIVITY_STREAM, DAY);
    expect(records.length).toBe(h.sim.account(ACCOUNT_ID).groundTruth('Zoom.Activity', DAY.from, DAY.to).length);
  });

  it('a wrong API URL says to check the setting', async () => {
    h = await startHarness();
    const { connectToZoom } = await import('../src/zoom/zoom-client-factory.js');
    const { LocalRequestBudget } = await import('../src/zoom/request-budget.js');
    const { client } = connectToZoom({
      endpoints: { apiUrl: `${h.sim.baseUrl}/v1`, oauthUrl: h.sim.baseUrl },
      auth: s2sAuth(),
      budget: new LocalRequestBudget(h.clock),
      clock: h.clock,
    });
    const error = await failure(drainWindow(client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(ZoomRequestRejectedError);
    expect(error.fix).toMatch(/API URL/);
  });

  it('an access token refused even after renewal is an invalid-token error, after exactly one renewal', async () => {
    h = await startHarness();
    // Something between us and Zoom mangles the token (a proxy, a mixed-up API URL).
    const mangling: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/v2/report/')) return fetch(input, { ...init, headers: { authorization: 'Bearer not-a-token-from-this-zoom' } });
      return fetch(input, init);
    };
    const error = await failure(drainWindow(clientFor(h, undefined, { fetchImpl: mangling }).client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(InvalidAccessTokenError);
    expect(error.fix).toMatch(/API URL and OAuth URL/);
    expect(h.sim.requestCount({ pathPrefix: '/v2/report', status: 401 })).toBe(2);
    expect(h.sim.requestCount({ pathPrefix: '/oauth/token' })).toBe(2);
  });

  it('an endless answer (a hostile server) is read only up to the cap, then a malformed-response error; the token endpoint is capped too', async () => {
    h = await startHarness();
    let pulledBytes = 0;
    const endless = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            pulledBytes += 1024 * 1024;
            controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    const reports: typeof fetch = async (input, init) => (String(input instanceof Request ? input.url : input).includes('/v2/report/') ? endless() : fetch(input, init));
    const error = await failure(drainWindow(clientFor(h, undefined, { fetchImpl: reports }).client, ACTIVITY_STREAM, DAY));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toMatch(/larger than 64 MB/);
    // Every attempt stopped at the cap (retries included), never read the stream to its (absent) end.
    expect(pulledBytes).toBeLessThan(20 * 66 * 1024 * 1024);
    pulledBytes = 0;
    const tokens: typeof fetch = async (input, init) => (String(input instanceof Request ? input.url : input).includes('/oauth/token') ? endless() : fetch(input, init));
    const tokenError = await failure(drainWindow(clientFor(h, undefined, { fetchImpl: tokens }).client, ACTIVITY_STREAM, DAY));
    expect(tokenError).toBeInstanceOf(MalformedResponseError);
    expect(pulledBytes).toBeLessThanOrEqual(2 * 1024 * 1024 * 10);
  });
});
