import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { SimAccountOptions } from './sim-account.js';
import { getReport, s2sToken, type RawResponse } from './sim-client.test-support.js';
import { ZoomSimulator, type ZoomSimulatorOptions } from './zoom-simulator.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ACCOUNT = 'acct-1';
const S2S = { clientId: 's2s-id', clientSecret: 's2s-secret' };
const Q = { from: '2026-03-09', to: '2026-03-09' };
const PER_SECOND_BODY = { code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' };

let sim: ZoomSimulator | undefined;
let clock: ManualClock;
let token: string;

async function start(options: ZoomSimulatorOptions = {}, account: Partial<SimAccountOptions> = {}): Promise<ZoomSimulator> {
  clock = new ManualClock(NOW);
  const s = await ZoomSimulator.start({ clock, ...options });
  sim = s;
  s.addAccount({ accountId: ACCOUNT, ...account });
  s.addApp({ ...S2S, accountId: ACCOUNT, kind: 's2s' });
  token = await s2sToken(s, S2S, ACCOUNT);
  return s;
}

async function burst(s: ZoomSimulator, n: number, t = token): Promise<RawResponse[]> {
  const out: RawResponse[] = [];
  for (let i = 0; i < n; i++) out.push(await getReport(s, '/report/activities', Q, t));
  return out;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator rate limits: per second', () => {
  it('allows 10 requests per clock second on Pro, then 429 with QPS headers', async () => {
    const s = await start();
    clock.advance(250);
    const responses = await burst(s, 11);
    expect(responses.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(200));
    const limited = responses[10]!;
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual(PER_SECOND_BODY);
    expect(limited.headers.get('x-ratelimit-category')).toBe('Heavy');
    expect(limited.headers.get('x-ratelimit-type')).toBe('QPS');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('10');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('retry-after')).toBe('1');
    clock.advance(750);
    expect((await burst(s, 1))[0]!.status).toBe(200);
  });

  it('writes Retry-After as an ISO date-time when asked', async () => {
    const s = await start({ retryAfterFormat: 'iso' });
    clock.advance(400);
    const limited = (await burst(s, 11))[10]!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2026-03-10T12:00:01Z');
  });

  it('allows 40 per second on Business', async () => {
    const s = await start({}, { plan: 'business' });
    const statuses = (await burst(s, 41)).map((r) => r.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(40);
    expect(statuses[40]).toBe(429);
  });

  it('shares the budget between the apps of one account, not across accounts', async () => {
    const s = await start();
    s.addApp({ clientId: 'second', clientSecret: 'x', accountId: ACCOUNT, kind: 's2s' });
    const second = await s2sToken(s, { clientId: 'second', clientSecret: 'x' }, ACCOUNT);
    s.addAccount({ accountId: 'other' });
    s.addApp({ clientId: 'other-app', clientSecret: 'y', accountId: 'other', kind: 's2s' });
    const other = await s2sToken(s, { clientId: 'other-app', clientSecret: 'y' }, 'other');
    await burst(s, 6);
    const secondStatuses = (await burst(s, 5, second)).map((r) => r.status);
    expect(secondStatuses).toEqual([200, 200, 200, 200, 429]);
    expect((await burst(s, 10, other)).every((r) => r.status === 200)).toBe(true);
  });

  it('does not count OAuth calls, and a refused request spends nothing', async () => {
    const s = await start();
    for (let i = 0; i < 20; i++) await s2sToken(s, S2S, ACCOUNT);
    await burst(s, 15);
    expect(s.account(ACCOUNT).usage()).toEqual({ today: 10, dailyLimit: 30_000 });
  });

  it('counts requests refused for other reasons (validation)', async () => {
    const s = await start();
    await getReport(s, '/report/activities', { from: 'bad' }, token);
    expect(s.account(ACCOUNT).usage().today).toBe(1);
  });
});

describe('simulator rate limits: daily', () => {
  it('refuses after the daily limit until 00:00 UTC, with the documented message and headers', async () => {
    const s = await start({}, { dailyLimit: 20, perSecondLimit: 1000 });
    const ok = await burst(s, 20);
    expect(ok.every((r) => r.status === 200)).toBe(true);
    expect(ok[19]!.headers.get('x-ratelimit-remaining')).toBe('0');
    const limited = (await burst(s, 1))[0]!;
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({
      code: 429,
      message: 'You have exceeded the daily rate limit (20) of Heavy APIs for your account. This limit resets at 00:00 UTC.',
    });
    expect(limited.headers.get('x-ratelimit-type')).toBe('Daily-limit');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('20');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('retry-after')).toBe(String(12 * 3600));

    clock.set(Date.parse('2026-03-10T23:59:59.500Z'));
    token = await s2sToken(s, S2S, ACCOUNT);
    const late = (await burst(s, 1))[0]!;
    expect(late.status).toBe(429);
    expect(late.headers.get('retry-after')).toBe('1');
    clock.set(Date.parse('2026-03-11T00:00:00Z'));
    expect((await burst(s, 1))[0]!.status).toBe(200);
    expect(s.account(ACCOUNT).usage()).toEqual({ today: 1, dailyLimit: 20 });
  });

  it('writes the daily Retry-After as the next midnight in ISO form', async () => {
    const s = await start({ retryAfterFormat: 'iso' }, { dailyLimit: 3 });
    const limited = (await burst(s, 4))[3]!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2026-03-11T00:00:00Z');
  });

  it('resets at 00:00 UTC even when days are cut in another zone', async () => {
    const s = await start({ dayCutOffsetMinutes: -300 }, { dailyLimit: 2 });
    await burst(s, 2);
    clock.set(Date.parse('2026-03-11T00:00:00Z'));
    token = await s2sToken(s, S2S, ACCOUNT);
    expect((await burst(s, 1))[0]!.status).toBe(200);
  });

  it('uses the plan limits by default', async () => {
    const s = await start();
    expect(s.account(ACCOUNT).usage().dailyLimit).toBe(30_000);
    s.account(ACCOUNT).setPlan('business');
    expect(s.account(ACCOUNT).usage().dailyLimit).toBe(60_000);
    const res = (await burst(s, 1))[0]!;
    expect(res.headers.get('x-ratelimit-limit')).toBe('60000');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('59999');
  });
});

describe('simulator rate limits: headers', () => {
  it('sends the Heavy headers and a tracking id on success', async () => {
    const s = await start();
    const res = (await burst(s, 1))[0]!;
    expect(res.headers.get('x-ratelimit-category')).toBe('Heavy');
    expect(res.headers.get('x-ratelimit-type')).toBe('Daily-limit');
    expect(res.headers.get('x-ratelimit-limit')).toBe('30000');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('29999');
    expect(res.headers.get('x-zm-trackingid')).toMatch(/\S+/);
  });

  it('omits X-RateLimit-* when rateLimitHeaders is false, and Retry-After when its format is none', async () => {
    const s = await start({ rateLimitHeaders: false, retryAfterFormat: 'none' });
    const responses = await burst(s, 11);
    for (const res of [responses[0]!, responses[10]!]) {
      for (const name of ['x-ratelimit-category', 'x-ratelimit-type', 'x-ratelimit-limit', 'x-ratelimit-remaining']) {
        expect(res.headers.get(name)).toBeNull();
      }
    }
    expect(responses[10]!.status).toBe(429);
    expect(responses[10]!.headers.get('retry-after')).toBeNull();
  });
});
