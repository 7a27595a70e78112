import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { getReport, postForm, s2sToken } from './sim-client.test-support.js';
import { ZoomSimulator, type ZoomSimulatorOptions } from './zoom-simulator.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ACCOUNT = 'acct-1';
const S2S = { clientId: 's2s-id', clientSecret: 's2s-secret' };
const Q = { from: '2026-03-09', to: '2026-03-09', page_size: 50 };
const ACT = '/report/activities';

let sims: ZoomSimulator[] = [];
let token: string;

async function start(options: ZoomSimulatorOptions = {}): Promise<ZoomSimulator> {
  const sim = await ZoomSimulator.start({ clock: new ManualClock(NOW), ...options });
  sims.push(sim);
  sim.addAccount({
    accountId: ACCOUNT,
    perSecondLimit: 1000,
    generated: { seed: 5, fromDay: '2026-03-01', toDay: '2026-03-10', volume: { activities: 200, operations: 40 } },
  });
  sim.addApp({ ...S2S, accountId: ACCOUNT, kind: 's2s' });
  token = await s2sToken(sim, S2S, ACCOUNT);
  return sim;
}

afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function rawFetch(sim: ZoomSimulator, query: Record<string, string | number> = Q): Promise<Response> {
  const url = new URL(`${sim.apiUrl}${ACT}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  return fetch(url, { headers: { authorization: `Bearer ${token}` } });
}

describe('simulator faults, one-shot', () => {
  it('http5xx: an HTML 500/502/503, then normal service; no budget spent', async () => {
    const sim = await start();
    sim.failNext('http5xx');
    const failed = await getReport(sim, ACT, Q, token);
    expect([500, 502, 503]).toContain(failed.status);
    expect(failed.headers.get('content-type')).toMatch(/^text\/html/);
    expect(failed.json).toBeUndefined();
    expect((await getReport(sim, ACT, Q, token)).status).toBe(200);
    expect(sim.account(ACCOUNT).usage().today).toBe(1);
    expect(sim.requests.at(-2)).toMatchObject({ path: '/v2/report/activities', status: failed.status, fault: 'http5xx', clientId: S2S.clientId });
  });

  it('http429: a per-second 429 with headers, not counted against the budget', async () => {
    const sim = await start({ retryAfterFormat: 'iso' });
    sim.failNext('http429', 2);
    for (let i = 0; i < 2; i++) {
      const res = await getReport(sim, ACT, Q, token);
      expect(res.status).toBe(429);
      expect(res.json).toEqual({ code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' });
      expect(res.headers.get('x-ratelimit-type')).toBe('QPS');
      expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
      expect(res.headers.get('retry-after')).toBe('2026-03-10T12:00:01Z');
    }
    expect((await getReport(sim, ACT, Q, token)).status).toBe(200);
    expect(sim.account(ACCOUNT).usage().today).toBe(1);
  });

  it('reset: the connection dies without a response', async () => {
    const sim = await start();
    sim.failNext('reset');
    await expect(rawFetch(sim)).rejects.toThrow();
    expect((await getReport(sim, ACT, Q, token)).status).toBe(200);
    expect(sim.requests.find((r) => r.fault === 'reset')).toMatchObject({ status: 0, path: '/v2/report/activities' });
  });

  it('truncated: a 200 JSON response whose body stops halfway, then the connection ends', async () => {
    const sim = await start();
    const whole = await getReport(sim, ACT, Q, token);
    sim.failNext('truncated');
    const res = await rawFetch(sim);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-ratelimit-category')).toBe('Heavy');
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text.length).toBe(Math.floor(whole.text.length / 2));
    expect(text.startsWith('{"from":"2026-03-09","to":"2026-03-09","page_size":50,')).toBe(true);
    expect((await getReport(sim, ACT, Q, token)).status).toBe(200);
    expect(sim.requests.find((r) => r.fault === 'truncated')?.status).toBe(200);
  });

  it('nonJson: 200 with an HTML body', async () => {
    const sim = await start();
    sim.failNext('nonJson');
    const res = await getReport(sim, ACT, Q, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html/);
    expect(res.json).toBeUndefined();
  });

  it('expirePageToken: a fresh page token answers the expired error; waits for a request with a token', async () => {
    const sim = await start();
    sim.failNext('expirePageToken');
    const first = await getReport(sim, ACT, Q, token);
    expect(first.status).toBe(200);
    const next = String(first.json?.['next_page_token']);
    const expired = await getReport(sim, ACT, { ...Q, next_page_token: next }, token);
    expect(expired.status).toBe(400);
    expect(expired.json).toEqual({ code: 300, message: 'The next page token is invalid or expired.' });
    expect((await getReport(sim, ACT, { ...Q, next_page_token: next }, token)).status).toBe(200);
  });

  it('can target the token endpoint', async () => {
    const sim = await start();
    sim.failNext('http5xx', 1, { path: '/oauth/token' });
    sim.failNext('nonJson', 1, { path: '/oauth/token' });
    // Report requests are not hit by faults queued for another path.
    expect((await getReport(sim, ACT, Q, token)).status).toBe(200);
    const form = { grant_type: 'account_credentials', account_id: ACCOUNT };
    expect([500, 502, 503]).toContain((await postForm(sim, '/oauth/token', form, S2S)).status);
    const html = await postForm(sim, '/oauth/token', form, S2S);
    expect(html.status).toBe(200);
    expect(html.json).toBeUndefined();
    expect((await postForm(sim, '/oauth/token', form, S2S)).status).toBe(200);
  });

  it('a truncated token response still issues the token (a rotated refresh token can be lost this way)', async () => {
    const sim = await start();
    sim.failNext('truncated', 1, { path: '/oauth/token' });
    const res = await fetch(`${sim.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${S2S.clientId}:${S2S.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'account_credentials', account_id: ACCOUNT }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^\{"access_token":/);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('one-shot faults go ahead of random ones, in order', async () => {
    const sim = await start();
    sim.faults.http5xx = 1;
    sim.failNext('nonJson');
    const first = await getReport(sim, ACT, Q, token);
    expect(first.status).toBe(200);
    expect(first.json).toBeUndefined();
    expect((await getReport(sim, ACT, Q, token)).status).toBeGreaterThanOrEqual(500);
  });
});

describe('simulator faults, random', () => {
  async function pattern(seed: number, n: number): Promise<(string | undefined)[]> {
    const sim = await start({ seed, faults: { http5xx: 0.3, nonJson: 0.2 } });
    for (let i = 0; i < n; i++) await getReport(sim, ACT, Q, token);
    return sim.requests.filter((r) => r.path === '/v2/report/activities').map((r) => r.fault);
  }

  it('draws faults with the seeded RNG: same seed, same faults', async () => {
    const a = await pattern(11, 40);
    const b = await pattern(11, 40);
    expect(a).toEqual(b);
    const drawn = a.filter(Boolean).length;
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(35);
    expect(new Set(a)).toEqual(new Set([undefined, 'http5xx', 'nonJson']));
  });

  it('reads the rates at runtime', async () => {
    const sim = await start();
    sim.faults.nonJson = 1;
    expect((await getReport(sim, ACT, Q, token)).json).toBeUndefined();
    sim.faults.nonJson = 0;
    expect((await getReport(sim, ACT, Q, token)).status).toBe(200);
    sim.faults = { reset: 1 };
    await expect(rawFetch(sim)).rejects.toThrow();
    sim.faults = {};
    expect(sim.faults).toEqual({ http5xx: 0, http429: 0, reset: 0, truncated: 0, nonJson: 0, expirePageToken: 0, latencyMs: 0 });
  });

  it('expirePageToken only hits requests that carry a page token', async () => {
    const sim = await start();
    sim.faults.expirePageToken = 1;
    const first = await getReport(sim, ACT, Q, token);
    expect(first.status).toBe(200);
    const second = await getReport(sim, ACT, { ...Q, next_page_token: String(first.json?.['next_page_token']) }, token);
    expect(second.json).toEqual({ code: 300, message: 'The next page token is invalid or expired.' });
  });

  it('adds latencyMs of real time to report requests', async () => {
    const sim = await start();
    sim.faults.latencyMs = 150;
    const started = performance.now();
    expect((await getReport(sim, ACT, Q, token)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
