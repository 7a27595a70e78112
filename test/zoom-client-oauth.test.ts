import { afterEach, describe, expect, it } from 'vitest';
import { AuthorizationCodeTokenProvider } from '../src/zoom/authorization-code-token-provider.js';
import { completeAuthorization, createAuthorizationRequest, revokeToken } from '../src/zoom/authorization-code-flow.js';
import { type PendingAuthorization } from '../src/domain/pending-authorization.js';
import type { TokenSet } from '../src/zoom/oauth-token-endpoint.js';
import { ACTIVITY_STREAM } from '../src/zoom/report-records.js';
import { SecretRedactor } from '../src/zoom/secret-redactor.js';
import { OAuthFlowError, ReauthorizationRequiredError, WrongCredentialsError } from '../src/zoom/zoom-errors.js';
import { approveInBrowser } from './support/approve-in-browser.js';
import { captureFetch, type WireEntry } from './support/capture-fetch.js';
import { multisetDiff } from './support/multiset.js';
import { ACCOUNT_ID, clientFor, drainWindow, type Harness, OAUTH_APP, s2sAuth, startHarness } from './support/sim-harness.js';

let h: Harness;
afterEach(async () => h?.close());

const endpoints = () => ({ apiUrl: h.sim.apiUrl, oauthUrl: h.sim.baseUrl });

async function authorize(): Promise<{ pending: PendingAuthorization; tokens: TokenSet }> {
  const pending = createAuthorizationRequest(endpoints(), OAUTH_APP.clientId, OAUTH_APP.redirectUri, h.clock);
  const callback = await approveInBrowser(pending.url);
  const tokens = await completeAuthorization({ endpoints: endpoints(), credentials: OAUTH_APP, pending, callback, clock: h.clock, redactor: new SecretRedactor() });
  return { pending, tokens };
}

describe('authorization-code flow (the account-level OAuth app of the seed)', () => {
  it('authorizes with state and PKCE, then reads a report with the tokens', async () => {
    h = await startHarness({ volume: { activities: 30, operations: 10 } });
    const { pending, tokens } = await authorize();
    expect(pending.url).toContain('code_challenge_method=S256');
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.scopes).toContain('report:read:admin');
    const persisted: TokenSet[] = [];
    const { client } = clientFor(h, {
      kind: 'authorization_code',
      ...OAUTH_APP,
      refreshToken: tokens.refreshToken!,
      initial: tokens,
      persist: async (t) => {
        persisted.push(t);
      },
    });
    const { records } = await drainWindow(client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' });
    expect(records.length).toBeGreaterThan(0);
    expect(persisted).toHaveLength(0); // the initial token was still fresh
  });

  it('rotates refresh tokens, storing each new one before the new access token is used', async () => {
    h = await startHarness({ accessTokenTtlSeconds: 60, volume: { activities: 30, operations: 10 } });
    const { tokens } = await authorize();
    const events: string[] = [];
    const wire: WireEntry[] = [];
    const { client } = clientFor(
      h,
      {
        kind: 'authorization_code',
        ...OAUTH_APP,
        refreshToken: tokens.refreshToken!,
        initial: tokens,
        persist: async (t) => {
          events.push(`persist ${t.accessToken}`);
        },
      },
      { fetchImpl: captureFetch(wire) },
    );
    for (let i = 0; i < 3; i++) {
      h.clock.advance(61_000);
      await drainWindow(client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' });
    }
    const refreshes = wire.filter((w) => w.url.endsWith('/oauth/token'));
    expect(refreshes).toHaveLength(3);
    const refreshTokensSent = refreshes.map((w) => new URLSearchParams(w.requestBody).get('refresh_token'));
    expect(new Set(refreshTokensSent).size).toBe(3); // each refresh used the newest refresh token
    for (const entry of wire.filter((w) => w.url.includes('/v2/report/'))) {
      const token = entry.authorization!.replace('Bearer ', '');
      if (token === tokens.accessToken) continue;
      const persistedAt = events.indexOf(`persist ${token}`);
      expect(persistedAt).toBeGreaterThanOrEqual(0);
    }
    expect(events).toHaveLength(3);
  });

  it('a reused (rotated-out) refresh token means re-authorization is required', async () => {
    h = await startHarness({ accessTokenTtlSeconds: 60 });
    const { tokens } = await authorize();
    const make = () =>
      new AuthorizationCodeTokenProvider({
        endpoints: endpoints(),
        credentials: OAUTH_APP,
        refreshToken: tokens.refreshToken!,
        persist: async () => {},
        clock: h.clock,
        redactor: new SecretRedactor(),
      });
    await make().getAccessToken(); // rotates: the original refresh token is now dead
    const error = await make()
      .getAccessToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthorizationRequiredError);
    expect((error as ReauthorizationRequiredError).fix).toMatch(/Re-authorize/);
  });

  it('runs at most one refresh at a time however many callers ask', async () => {
    h = await startHarness();
    const { tokens } = await authorize();
    const before = h.sim.requestCount({ pathPrefix: '/oauth/token' });
    const provider = new AuthorizationCodeTokenProvider({
      endpoints: endpoints(),
      credentials: OAUTH_APP,
      refreshToken: tokens.refreshToken!,
      persist: async () => {},
      clock: h.clock,
      redactor: new SecretRedactor(),
    });
    const got = await Promise.all(Array.from({ length: 10 }, () => provider.getAccessToken()));
    expect(new Set(got).size).toBe(1);
    expect(h.sim.requestCount({ pathPrefix: '/oauth/token' }) - before).toBe(1);
  });

  it('keeps a rotated refresh token whose persistence failed and stores it on the next try without refreshing again', async () => {
    h = await startHarness();
    const { tokens } = await authorize();
    let fail = true;
    const stored: string[] = [];
    const provider = new AuthorizationCodeTokenProvider({
      endpoints: endpoints(),
      credentials: OAUTH_APP,
      refreshToken: tokens.refreshToken!,
      clock: h.clock,
      redactor: new SecretRedactor(),
      persist: async (t) => {
        if (fail) throw new Error('disk full');
        stored.push(t.refreshToken!);
      },
    });
    await expect(provider.getAccessToken()).rejects.toThrow('disk full');
    const tokenRequests = h.sim.requestCount({ pathPrefix: '/oauth/token' });
    fail = false;
    await provider.getAccessToken();
    expect(stored).toHaveLength(1);
    expect(h.sim.requestCount({ pathPrefix: '/oauth/token' })).toBe(tokenRequests);
  });

  it('refuses a state that does not match, before asking Zoom', async () => {
    h = await startHarness();
    const pending = createAuthorizationRequest(endpoints(), OAUTH_APP.clientId, OAUTH_APP.redirectUri, h.clock);
    const callback = await approveInBrowser(pending.url);
    const tokenRequests = h.sim.requestCount({ pathPrefix: '/oauth/token' });
    for (const state of ['forged-state', undefined]) {
      const error = await completeAuthorization({
        endpoints: endpoints(),
        credentials: OAUTH_APP,
        pending,
        callback: { ...callback, state },
        clock: h.clock,
        redactor: new SecretRedactor(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OAuthFlowError);
      expect((error as Error).message).toMatch(/state/);
    }
    expect(h.sim.requestCount({ pathPrefix: '/oauth/token' })).toBe(tokenRequests);
  });

  it('fails the exchange when the PKCE verifier does not match the challenge', async () => {
    h = await startHarness();
    const pending = createAuthorizationRequest(endpoints(), OAUTH_APP.clientId, OAUTH_APP.redirectUri, h.clock);
    const callback = await approveInBrowser(pending.url);
    const error = await completeAuthorization({
      endpoints: endpoints(),
      credentials: OAUTH_APP,
      pending: { ...pending, codeVerifier: 'x'.repeat(64) },
      callback,
      clock: h.clock,
      redactor: new SecretRedactor(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthFlowError);
  });

  it('an authorization code works once only', async () => {
    h = await startHarness();
    const pending = createAuthorizationRequest(endpoints(), OAUTH_APP.clientId, OAUTH_APP.redirectUri, h.clock);
    const callback = await approveInBrowser(pending.url);
    const args = { endpoints: endpoints(), credentials: OAUTH_APP, pending, callback, clock: h.clock, redactor: new SecretRedactor() };
    await completeAuthorization(args);
    const error = await completeAuthorization(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthFlowError);
    expect((error as OAuthFlowError).fix).toMatch(/single-use/);
  });

  it('reports a denied consent as a flow error', async () => {
    h = await startHarness();
    const pending = createAuthorizationRequest(endpoints(), OAUTH_APP.clientId, OAUTH_APP.redirectUri, h.clock);
    const callback = await approveInBrowser(pending.url, 'deny');
    expect(callback.error).toBe('access_denied');
    await expect(
      completeAuthorization({ endpoints: endpoints(), credentials: OAUTH_APP, pending, callback, clock: h.clock, redactor: new SecretRedactor() }),
    ).rejects.toBeInstanceOf(OAuthFlowError);
  });

  it('a wrong client secret in the code exchange is a credentials error', async () => {
    h = await startHarness();
    const pending = createAuthorizationRequest(endpoints(), OAUTH_APP.clientId, OAUTH_APP.redirectUri, h.clock);
    const callback = await approveInBrowser(pending.url);
    const error = await completeAuthorization({
      endpoints: endpoints(),
      credentials: { ...OAUTH_APP, clientSecret: 'wrong-secret-000000' },
      pending,
      callback,
      clock: h.clock,
      redactor: new SecretRedactor(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongCredentialsError);
  });

  it('a revoked refresh token means re-authorization is required', async () => {
    h = await startHarness({ accessTokenTtlSeconds: 60 });
    const { tokens } = await authorize();
    expect(await revokeToken({ endpoints: endpoints(), credentials: OAUTH_APP, token: tokens.refreshToken! })).toBe(true);
    const { client } = clientFor(h, { kind: 'authorization_code', ...OAUTH_APP, refreshToken: tokens.refreshToken!, persist: async () => {} });
    await expect(drainWindow(client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' })).rejects.toBeInstanceOf(ReauthorizationRequiredError);
  });
});

describe('Server-to-Server OAuth', () => {
  it('caches one token and renews it only when due', async () => {
    h = await startHarness({ accessTokenTtlSeconds: 3600 });
    const { client } = clientFor(h, s2sAuth());
    for (let i = 0; i < 3; i++) await drainWindow(client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' });
    expect(h.sim.requestCount({ pathPrefix: '/oauth/token' })).toBe(1);
    h.clock.advance(3600_000);
    await drainWindow(client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' });
    expect(h.sim.requestCount({ pathPrefix: '/oauth/token' })).toBe(2);
  });

  it('renews once and goes on when Zoom revokes the token under it', async () => {
    h = await startHarness();
    const { client } = clientFor(h, s2sAuth());
    await drainWindow(client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' });
    h.sim.revokeAllTokens(s2sAuth().clientId);
    const { records } = await drainWindow(client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' });
    expect(records.length).toBeGreaterThan(0);
    expect(h.sim.requestCount({ pathPrefix: '/oauth/token' })).toBe(2);
  });

  it.each([
    // Zoom's historical behaviour: every new token kills the one before, so two caches of one app
    // (e.g. two processes) keep invalidating each other. Each drain gets a new token; every drain
    // after each cache's first meets its revoked token (401, code 124), renews once and succeeds.
    { invalidatesPrevious: true, tokenRequests: 6, refusals: 4 },
    // Today several tokens may coexist: each cache gets one token and keeps it.
    { invalidatesPrevious: false, tokenRequests: 2, refusals: 0 },
  ])('two caches of one S2S app read everything when a new token invalidates the previous one: $invalidatesPrevious', async ({ invalidatesPrevious, tokenRequests, refusals }) => {
    h = await startHarness({ s2sTokenInvalidatesPrevious: invalidatesPrevious, accessTokenTtlSeconds: 3600 });
    const window = { from: '2026-03-09', to: '2026-03-09' };
    const truth = h.sim.account(ACCOUNT_ID).groundTruth('Zoom.Activity', window.from, window.to);
    expect(truth.length).toBeGreaterThan(0);
    const a = clientFor(h, s2sAuth());
    const b = clientFor(h, s2sAuth());
    let pagesRead = 0;
    for (let i = 0; i < 3; i++) {
      for (const { client } of [a, b]) {
        const { records, pages } = await drainWindow(client, ACTIVITY_STREAM, window);
        expect(multisetDiff(records, truth)).toEqual([]);
        pagesRead += pages.length;
      }
    }
    expect(h.sim.requestCount({ pathPrefix: '/oauth/token' })).toBe(tokenRequests);
    expect(h.sim.requestCount({ pathPrefix: '/v2/report/activities', status: 401 })).toBe(refusals);
    expect(h.sim.requestCount({ pathPrefix: '/v2/report/activities', status: 200 })).toBe(pagesRead);
  });
});
