import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { authorize, basicAuth, getReport, pkcePair, postForm, s2sToken } from './sim-client.test-support.js';
import { ZoomSimulator } from './zoom-simulator.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ACCOUNT = 'acct-1';
const S2S = { clientId: 's2s-id', clientSecret: 's2s-secret' };
const OAUTH = { clientId: 'oauth-id', clientSecret: 'oauth-secret' };
const REDIRECT = 'http://127.0.0.1:8080/oauth/callback';
const Q = { from: '2026-03-09', to: '2026-03-10' };

let sim: ZoomSimulator;
let clock: ManualClock;

async function start(options: Parameters<typeof ZoomSimulator.start>[0] = {}): Promise<void> {
  clock = new ManualClock(NOW);
  sim = await ZoomSimulator.start({ clock, ...options });
  sim.addAccount({ accountId: ACCOUNT });
  sim.addAccount({ accountId: 'other-account' });
  sim.addApp({ ...S2S, accountId: ACCOUNT, kind: 's2s' });
  sim.addApp({ ...OAUTH, accountId: ACCOUNT, kind: 'oauth', redirectUris: [REDIRECT] });
}

async function authCode(extra: Record<string, string> = {}): Promise<string> {
  const { location } = await authorize(sim, {
    response_type: 'code',
    client_id: OAUTH.clientId,
    redirect_uri: REDIRECT,
    state: 'st-1',
    ...extra,
  });
  const code = location?.searchParams.get('code');
  if (!code) throw new Error('no code');
  return code;
}

async function apiStatus(token: string): Promise<number> {
  return (await getReport(sim, '/report/activities', Q, token)).status;
}

describe('simulator OAuth', () => {
  beforeEach(() => start());
  afterEach(() => sim.close());

  describe('authorize', () => {
    it('shows an escaped consent page whose form posts back with the request fields', async () => {
      const { page } = await authorize(sim, {
        response_type: 'code',
        client_id: OAUTH.clientId,
        redirect_uri: REDIRECT,
        state: '"><script>alert(1)</script>',
      });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.text).toContain('<form method="post" action="/oauth/authorize">');
      expect(page.text).toContain('name="decision" value="approve"');
      expect(page.text).toContain('name="decision" value="deny"');
      expect(page.text).not.toContain('<script>');
      expect(page.text).toContain('&quot;&gt;&lt;script&gt;');
    });

    it('redirects with code and state on approve, access_denied on deny', async () => {
      const params = { response_type: 'code', client_id: OAUTH.clientId, redirect_uri: REDIRECT, state: 'xyz' };
      const approved = await authorize(sim, params);
      expect(approved.status).toBe(302);
      expect(approved.location?.origin + approved.location!.pathname).toBe(REDIRECT);
      expect(approved.location?.searchParams.get('code')).toMatch(/.{20,}/);
      expect(approved.location?.searchParams.get('state')).toBe('xyz');
      const denied = await authorize(sim, params, 'deny');
      expect(denied.status).toBe(302);
      expect(denied.location?.searchParams.get('error')).toBe('access_denied');
      expect(denied.location?.searchParams.get('state')).toBe('xyz');
      expect(denied.location?.searchParams.get('code')).toBeNull();
    });

    it('refuses an unknown client or an unregistered redirect URI without redirecting', async () => {
      const unknown = await authorize(sim, { response_type: 'code', client_id: 'nope', redirect_uri: REDIRECT });
      expect(unknown.status).toBe(400);
      const s2sApp = await authorize(sim, { response_type: 'code', client_id: S2S.clientId, redirect_uri: REDIRECT });
      expect(s2sApp.status).toBe(400);
      const badRedirect = await authorize(sim, { response_type: 'code', client_id: OAUTH.clientId, redirect_uri: 'http://evil.example/cb' });
      expect(badRedirect.status).toBe(400);
      expect(badRedirect.page.text).toContain('redirect');
    });

    it('on an unregistered redirect URI, names it and the registered ones, says how to register it, and links back to the app home, never to the refused URI', async () => {
      sim.addApp({ clientId: 'with-home', clientSecret: 's', accountId: ACCOUNT, kind: 'oauth', redirectUris: [REDIRECT], homeUrl: 'http://127.0.0.1:8080/sources' });
      const refused = await authorize(sim, { response_type: 'code', client_id: 'with-home', redirect_uri: 'http://evil.example/cb?"><b>x</b>', state: 's' });
      expect(refused.status).toBe(400);
      expect(refused.location).toBeUndefined();
      expect(refused.page.text).toContain('Received redirect_uri: <code data-testid="received-redirect-uri">http://evil.example/cb?&quot;&gt;&lt;b&gt;x&lt;/b&gt;</code>');
      expect(refused.page.text).toContain(`<li><code>${REDIRECT}</code></li>`);
      expect(refused.page.text).toContain('zoomtrail simulate --redirect-uri');
      expect(refused.page.text).toContain('<a href="http://127.0.0.1:8080/sources" data-testid="back-link">');
      expect(refused.page.text).not.toContain('href="http://evil.example');
      // No home registered: the same explanation, no link.
      const noHome = await authorize(sim, { response_type: 'code', client_id: OAUTH.clientId, redirect_uri: 'http://evil.example/cb' });
      expect(noHome.page.text).toContain('Registered Redirect URLs');
      expect(noHome.page.text).not.toContain('<a href');
    });
  });

  describe('authorization_code grant', () => {
    it('exchanges a code for bearer tokens carrying the app scopes', async () => {
      const code = await authCode();
      const res = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, OAUTH);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'report:read:admin' });
      expect(typeof res.json?.['access_token']).toBe('string');
      expect(typeof res.json?.['refresh_token']).toBe('string');
      expect(await apiStatus(String(res.json?.['access_token']))).toBe(200);
    });

    it('accepts each code once', async () => {
      const code = await authCode();
      const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT };
      expect((await postForm(sim, '/oauth/token', form, OAUTH)).status).toBe(200);
      const again = await postForm(sim, '/oauth/token', form, OAUTH);
      expect(again.status).toBe(400);
      expect(again.json).toEqual({ reason: 'Invalid authorization code', error: 'invalid_grant' });
    });

    it('lets a code expire after 5 minutes', async () => {
      const code = await authCode();
      clock.advance(300_000);
      const res = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, OAUTH);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ reason: 'Invalid authorization code', error: 'invalid_grant' });
    });

    it('refuses an unknown code', async () => {
      const res = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code: 'made-up', redirect_uri: REDIRECT }, OAUTH);
      expect(res.status).toBe(400);
      expect(res.json?.['error']).toBe('invalid_grant');
    });

    it('requires the redirect_uri of the authorize request', async () => {
      sim.addApp({ clientId: 'two-uris', clientSecret: 's', accountId: ACCOUNT, kind: 'oauth', redirectUris: [REDIRECT, 'http://localhost:8080/oauth/callback'] });
      const { location } = await authorize(sim, { response_type: 'code', client_id: 'two-uris', redirect_uri: REDIRECT });
      const code = location!.searchParams.get('code')!;
      const creds = { clientId: 'two-uris', clientSecret: 's' };
      const res = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:8080/oauth/callback' }, creds);
      expect(res.status).toBe(400);
      expect(res.json?.['error']).toBe('invalid_request');
      expect(res.json?.['reason']).toMatch(/redirect/i);
      // A refused attempt does not burn the code.
      const ok = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, creds);
      expect(ok.status).toBe(200);
    });

    it('verifies PKCE S256', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await authCode({ code_challenge: challenge, code_challenge_method: 'S256' });
      const base = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT };
      const wrong = await postForm(sim, '/oauth/token', { ...base, code_verifier: pkcePair().verifier }, OAUTH);
      expect(wrong.status).toBe(400);
      expect(wrong.json?.['error']).toBe('invalid_request');
      const missing = await postForm(sim, '/oauth/token', base, OAUTH);
      expect(missing.status).toBe(400);
      const right = await postForm(sim, '/oauth/token', { ...base, code_verifier: verifier }, OAUTH);
      expect(right.status).toBe(200);
    });

    it('refuses a code redeemed by another client', async () => {
      sim.addApp({ clientId: 'other', clientSecret: 'o', accountId: ACCOUNT, kind: 'oauth', redirectUris: [REDIRECT] });
      const code = await authCode();
      const res = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { clientId: 'other', clientSecret: 'o' });
      expect(res.json?.['error']).toBe('invalid_grant');
    });
  });

  describe('refresh_token grant', () => {
    async function tokens(): Promise<{ access: string; refresh: string }> {
      const code = await authCode();
      const res = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, OAUTH);
      return { access: String(res.json?.['access_token']), refresh: String(res.json?.['refresh_token']) };
    }

    it('rotates: a new pair each time, the old refresh token then answers Invalid Token!', async () => {
      const first = await tokens();
      const res = await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: first.refresh }, OAUTH);
      expect(res.status).toBe(200);
      const refresh2 = String(res.json?.['refresh_token']);
      const access2 = String(res.json?.['access_token']);
      expect(refresh2).not.toBe(first.refresh);
      expect(access2).not.toBe(first.access);
      expect(res.json).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'report:read:admin' });
      expect(await apiStatus(access2)).toBe(200);

      const reused = await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: first.refresh }, OAUTH);
      expect(reused.status).toBe(400);
      expect(reused.json).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });

      const third = await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refresh2 }, OAUTH);
      expect(third.status).toBe(200);
    });

    it('stops working when the admin revokes the app', async () => {
      const t = await tokens();
      sim.revokeAllTokens(OAUTH.clientId);
      const res = await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: t.refresh }, OAUTH);
      expect(res.json).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });
      expect(await apiStatus(t.access)).toBe(401);
    });
  });

  describe('account_credentials grant', () => {
    it('issues a token without refresh token, with api_url', async () => {
      const res = await postForm(sim, '/oauth/token', { grant_type: 'account_credentials', account_id: ACCOUNT }, S2S);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'report:read:admin', api_url: sim.baseUrl });
      expect(res.json).not.toHaveProperty('refresh_token');
      expect(await apiStatus(String(res.json?.['access_token']))).toBe(200);
    });

    it('accepts the parameters in the query string, as in Zoom examples', async () => {
      const res = await fetch(`${sim.baseUrl}/oauth/token?grant_type=account_credentials&account_id=${ACCOUNT}`, {
        method: 'POST',
        headers: { authorization: basicAuth(S2S.clientId, S2S.clientSecret) },
      });
      expect(res.status).toBe(200);
    });

    it('refuses another account, a missing account_id, and an OAuth app', async () => {
      const other = await postForm(sim, '/oauth/token', { grant_type: 'account_credentials', account_id: 'other-account' }, S2S);
      expect(other.status).toBe(400);
      expect(other.json?.['error']).toBe('invalid_request');
      const missing = await postForm(sim, '/oauth/token', { grant_type: 'account_credentials' }, S2S);
      expect(missing.status).toBe(400);
      const oauthApp = await postForm(sim, '/oauth/token', { grant_type: 'account_credentials', account_id: ACCOUNT }, OAUTH);
      expect(oauthApp.status).toBe(400);
      expect(oauthApp.json?.['error']).toBe('unsupported_grant_type');
    });

    it('lets several tokens coexist by default', async () => {
      const a = await s2sToken(sim, S2S, ACCOUNT);
      const b = await s2sToken(sim, S2S, ACCOUNT);
      expect(await apiStatus(a)).toBe(200);
      expect(await apiStatus(b)).toBe(200);
    });
  });

  it('refuses wrong or missing client credentials with 401 invalid_client', async () => {
    const body = { reason: 'Invalid client_id or client_secret', error: 'invalid_client' };
    const wrong = await postForm(sim, '/oauth/token', { grant_type: 'account_credentials', account_id: ACCOUNT }, { ...S2S, clientSecret: 'bad' });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual(body);
    const missing = await postForm(sim, '/oauth/token', { grant_type: 'account_credentials', account_id: ACCOUNT });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual(body);
    const unknown = await postForm(sim, '/oauth/token', { grant_type: 'account_credentials', account_id: ACCOUNT }, { clientId: 'x', clientSecret: 'y' });
    expect(unknown.status).toBe(401);
  });

  it('answers unsupported_grant_type for an unknown grant', async () => {
    const res = await postForm(sim, '/oauth/token', { grant_type: 'password' }, S2S);
    expect(res.status).toBe(400);
    expect(res.json?.['error']).toBe('unsupported_grant_type');
  });

  describe('revoke', () => {
    it('revokes an access token', async () => {
      const token = await s2sToken(sim, S2S, ACCOUNT);
      const res = await postForm(sim, '/oauth/revoke', { token }, S2S);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'success' });
      const api = await getReport(sim, '/report/activities', Q, token);
      expect(api.status).toBe(401);
      expect(api.json).toEqual({ code: 124, message: 'Invalid access token.' });
    });

    it('revokes a refresh token with its access tokens', async () => {
      const code = await authCode();
      const t = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, OAUTH);
      const refresh = String(t.json?.['refresh_token']);
      expect((await postForm(sim, '/oauth/revoke', { token: refresh }, OAUTH)).status).toBe(200);
      expect(await apiStatus(String(t.json?.['access_token']))).toBe(401);
      const res = await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refresh }, OAUTH);
      expect(res.json?.['error']).toBe('invalid_grant');
    });

    it('needs the client credentials and a token of that client', async () => {
      const token = await s2sToken(sim, S2S, ACCOUNT);
      expect((await postForm(sim, '/oauth/revoke', { token }, { ...S2S, clientSecret: 'bad' })).status).toBe(401);
      expect((await postForm(sim, '/oauth/revoke', { token }, OAUTH)).status).toBe(400);
      expect(await apiStatus(token)).toBe(200);
    });
  });

  describe('access tokens on the API', () => {
    it('expire after accessTokenTtlSeconds with "Access token is expired."', async () => {
      const token = await s2sToken(sim, S2S, ACCOUNT);
      clock.advance(3_599_000);
      expect(await apiStatus(token)).toBe(200);
      clock.advance(1_000);
      const res = await getReport(sim, '/report/activities', Q, token);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ code: 124, message: 'Access token is expired.' });
    });

    it('are refused in the query string, even next to a valid header', async () => {
      const token = await s2sToken(sim, S2S, ACCOUNT);
      const inQuery = await getReport(sim, '/report/activities', { ...Q, access_token: token });
      expect(inQuery.status).toBe(401);
      expect(inQuery.json).toEqual({ code: 124, message: 'Invalid access token.' });
      const both = await getReport(sim, '/report/activities', { ...Q, access_token: token }, token);
      expect(both.status).toBe(401);
    });

    it('answer 124 Invalid access token. when missing or unknown', async () => {
      const none = await getReport(sim, '/report/activities', Q);
      expect(none.status).toBe(401);
      expect(none.json).toEqual({ code: 124, message: 'Invalid access token.' });
      const unknown = await getReport(sim, '/report/activities', Q, 'not-a-token');
      expect(unknown.json).toEqual({ code: 124, message: 'Invalid access token.' });
    });
  });
});

describe('simulator OAuth, historic S2S behaviour', () => {
  afterEach(() => sim.close());

  it('invalidates the previous S2S token when s2sTokenInvalidatesPrevious', async () => {
    await start({ s2sTokenInvalidatesPrevious: true });
    const a = await s2sToken(sim, S2S, ACCOUNT);
    const b = await s2sToken(sim, S2S, ACCOUNT);
    const res = await getReport(sim, '/report/activities', Q, a);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ code: 124, message: 'Invalid access token.' });
    expect(await apiStatus(b)).toBe(200);
  });

  it('uses the configured token and code lifetimes', async () => {
    await start({ accessTokenTtlSeconds: 60, authCodeTtlSeconds: 10 });
    const res = await postForm(sim, '/oauth/token', { grant_type: 'account_credentials', account_id: ACCOUNT }, S2S);
    expect(res.json?.['expires_in']).toBe(60);
    const code = await authCode();
    clock.advance(10_000);
    const late = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, OAUTH);
    expect(late.json?.['error']).toBe('invalid_grant');
  });
});
