import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditList, SessionInfo } from '../src/api/api-types.js';
import { buildApiServer } from '../src/api/build-server.js';
import type { AppContext } from '../src/app/app-context.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';
import { outboundAccessFor } from '../src/app/outbound-access.js';
import { createPipeline } from '../src/app/pipeline.js';
import type { OidcSettings } from '../src/config/runtime-config.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { ManualClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';

/**
 * Single sign-on (issue 17, part 2) end to end against a real OpenID provider (`oidc-provider`) on
 * 127.0.0.1: authorization code + PKCE + state + nonce through openid-client and the guarded fetch.
 */

const PUBLIC_URL = 'http://localhost:8080';
const CALLBACK = `${PUBLIC_URL}/api/auth/oidc/callback`;
const CLIENT_SECRET = 'oidc-client-secret-never-logged-0123456789';
const OTHER_SECRET = 'other-app-secret-0123456789-abcdefghij';

const accounts: Record<string, Record<string, unknown>> = {
  alice: { preferred_username: 'alice', email: 'alice@example.com', zoomtrail_role: 'analyst' },
  ada: { preferred_username: 'ada', zoomtrail_role: ['staff', 'zoomtrail-admins'] },
  bob: { preferred_username: 'bob' },
  carol: { preferred_username: 'carol', zoomtrail_role: 'superuser' },
};
let signInAs = 'alice';
let idTokenTtl = 3600;
/** When set, the token request is sent as this client (an ID token issued to another client reaches Zoomtrail). */
let tokenRequestAs: { id: string; secret: string } | undefined;

let idp: Server;
let issuer: string;

beforeAll(async () => {
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const client = (id: string, secret: string) => ({
    client_id: id,
    client_secret: secret,
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code'],
    response_types: ['code' as const],
    token_endpoint_auth_method: 'client_secret_post' as const,
  });
  const provider = new Provider(issuer, {
    clients: [client('zoomtrail', CLIENT_SECRET), client('other-app', OTHER_SECRET)],
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, ...accounts[sub] }) }),
    claims: { openid: ['sub'], profile: ['preferred_username', 'zoomtrail_role'], email: ['email'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    cookies: { keys: ['a-test-cookie-signing-key'] },
    ttl: { IdToken: () => idTokenTtl },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });
  const callback = provider.callback();
  idp.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    // The user signs in as `signInAs` and consents to everything asked.
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: signInAs } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
      grant.addOIDCScope('openid profile email');
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
});
afterAll(async () => {
  await new Promise((resolve) => idp.close(resolve));
});

let server: FastifyInstance;
let store: Store;
let clock: ManualClock;

async function startApp(outbound = loopbackOutbound()): Promise<void> {
  clock = new ManualClock(Date.now());
  store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {} });
  const guarded = outbound.fetch;
  // The network between Zoomtrail and the provider; a test may re-send the token request as another client.
  const fetchThrough: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (tokenRequestAs && url.endsWith('/token') && init?.body instanceof URLSearchParams) {
      const body = new URLSearchParams(init.body);
      body.set('client_id', tokenRequestAs.id);
      body.set('client_secret', tokenRequestAs.secret);
      return guarded(input, { ...init, body });
    }
    return guarded(input, init);
  };
  const oidc: OidcSettings = {
    issuer,
    clientId: 'zoomtrail',
    clientSecret: CLIENT_SECRET,
    roleClaim: 'zoomtrail_role',
    roleMap: { admin: 'admin', analyst: 'analyst', viewer: 'viewer', 'zoomtrail-admins': 'admin' },
  };
  const app: AppContext = {
    config: { dataDir: ':memory:', databaseUrl: undefined, logLevel: 'silent', configFile: undefined, port: 0, publicUrl: PUBLIC_URL, oidc },
    store,
    normalizers: loadNormalizers(),
    logger: pino({ level: 'silent' }),
    clock,
    outbound: { ...outbound, fetch: fetchThrough },
    close: () => store.close(),
  };
  server = await buildApiServer({ app, pipeline: createPipeline(app), publicUrl: PUBLIC_URL, fetch: fetchThrough }, { consoleDir: null });
  await server.ready();
}

beforeEach(async () => {
  signInAs = 'alice';
  idTokenTtl = 3600;
  tokenRequestAs = undefined;
  await startApp();
  return async () => {
    await server.close();
    await store.close();
  };
});

/** The browser at the provider: follows its redirects (keeping its cookies) until it is sent back to Zoomtrail. */
async function atProvider(url: string): Promise<string> {
  const jar = new Map<string, string>();
  let next = url;
  for (let hop = 0; hop < 12; hop++) {
    if (next.startsWith(PUBLIC_URL)) return next;
    const response = await fetch(next, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`the provider did not redirect from ${next}: ${response.status} ${await response.text()}`);
    next = new URL(location, next).href;
  }
  throw new Error('too many redirects at the provider');
}

/** GET /api/auth/oidc/start: the provider URL and the browser-binding cookie. */
async function start(): Promise<{ providerUrl: string; binding: string }> {
  const response = await server.inject({ method: 'GET', url: '/api/auth/oidc/start' });
  expect(response.statusCode, response.body).toBe(302);
  const binding = response.cookies.find((c) => c.name === 'zt_oidc');
  expect(binding).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  return { providerUrl: response.headers.location as string, binding: binding!.value };
}

async function callback(url: string, binding: string) {
  return server.inject({ method: 'GET', url: url.slice(PUBLIC_URL.length), cookies: { zt_oidc: binding } });
}

async function signIn(): Promise<{ response: Awaited<ReturnType<typeof callback>>; callbackUrl: string; binding: string }> {
  const { providerUrl, binding } = await start();
  const callbackUrl = await atProvider(providerUrl);
  return { response: await callback(callbackUrl, binding), callbackUrl, binding };
}

async function sessionOf(response: Awaited<ReturnType<typeof callback>>): Promise<SessionInfo> {
  const cookie = response.cookies.find((c) => c.name === 'zt_session');
  expect(cookie, 'a session cookie').toBeDefined();
  return (await server.inject({ method: 'GET', url: '/api/session', cookies: { zt_session: cookie!.value } })).json<SessionInfo>();
}

function refusedWith(response: Awaited<ReturnType<typeof callback>>, reason: string): void {
  expect(response.statusCode).toBe(403);
  expect(response.body, response.body).toContain(`/login?sso_error=${reason}`);
  expect(response.cookies.find((c) => c.name === 'zt_session')).toBeUndefined();
}

describe('single sign-on with OpenID Connect', () => {
  it('signs in with the role from the claim (PKCE S256, state, nonce), as the same user next time; audited', async () => {
    expect((await server.inject({ method: 'GET', url: '/api/session' })).json<SessionInfo>().sso).toBe(true);
    const { providerUrl } = await start();
    const asked = new URL(providerUrl);
    expect(asked.origin).toBe(issuer);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({ client_id: 'zoomtrail', response_type: 'code', code_challenge_method: 'S256', redirect_uri: CALLBACK });
    for (const param of ['state', 'nonce', 'code_challenge']) expect(asked.searchParams.get(param)?.length).toBeGreaterThanOrEqual(43);

    const { response } = await signIn();
    expect(response.statusCode, response.body).toBe(200);
    expect(await sessionOf(response)).toMatchObject({ authenticated: true, username: 'alice', role: 'analyst' });
    const cookie = response.cookies.find((c) => c.name === 'zt_session')!.value;
    // An analyst: no changes to sources.
    const refused = await server.inject({ method: 'POST', url: '/api/sources', cookies: { zt_session: cookie }, payload: { name: 'x' } });
    expect(refused.statusCode).toBe(403);

    // Next time: the same user (issuer + subject), the role as the claim says now.
    accounts.alice!.zoomtrail_role = 'viewer';
    try {
      const again = await signIn();
      expect(await sessionOf(again.response)).toMatchObject({ username: 'alice', role: 'viewer' });
    } finally {
      accounts.alice!.zoomtrail_role = 'analyst';
    }
    expect((await store.listUsers()).map((u) => u.username)).toEqual(['alice']);

    // The strongest role of a list claim (groups).
    signInAs = 'ada';
    expect(await sessionOf((await signIn()).response)).toMatchObject({ username: 'ada', role: 'admin' });

    const trail = await store.listAudit();
    expect(trail.filter((e) => e.action === 'auth.oidc.login').map((e) => [e.actor, (e.after as { role: string }).role])).toEqual([
      ['ada', 'admin'],
      ['alice', 'viewer'],
      ['alice', 'analyst'],
    ]);
    expect(await store.countEvents({ logType: 'Zoomtrail.Audit' })).toBe(trail.length);
    expect(JSON.stringify(trail)).not.toContain(CLIENT_SECRET);
  });

  it('refuses a replayed state (the callback used twice) and a callback from another browser', async () => {
    const { response, callbackUrl, binding } = await signIn();
    expect(response.statusCode).toBe(200);
    refusedWith(await callback(callbackUrl, binding), 'unknown_state');

    const other = await start();
    const otherCallback = await atProvider(other.providerUrl);
    refusedWith(await callback(otherCallback, 'not-this-browser'), 'wrong_browser');
    // The login was used up by that attempt too.
    refusedWith(await callback(otherCallback, other.binding), 'unknown_state');
    const failed = (await store.listAudit()).filter((e) => e.action === 'auth.oidc.login.failed');
    expect(failed.map((e) => (e.change as { reason: string }).reason)).toEqual(['unknown_state', 'wrong_browser', 'unknown_state']);
  });

  it('refuses an ID token issued to another client (wrong audience)', async () => {
    const { providerUrl, binding } = await start();
    // The provider issues the code to other-app (same redirect URI, Zoomtrail's state, nonce and PKCE challenge),
    // and the token request reaches it as other-app: a real, well-signed ID token whose audience is not Zoomtrail.
    const asOther = new URL(providerUrl);
    asOther.searchParams.set('client_id', 'other-app');
    const callbackUrl = await atProvider(asOther.href);
    tokenRequestAs = { id: 'other-app', secret: OTHER_SECRET };
    refusedWith(await callback(callbackUrl, binding), 'wrong_audience');
    expect(await store.countUsers()).toBe(0);
  });

  it('refuses an expired ID token', async () => {
    idTokenTtl = 60;
    const { providerUrl, binding } = await start();
    const callbackUrl = await atProvider(providerUrl);
    clock.advance(5 * 60_000);
    refusedWith(await callback(callbackUrl, binding), 'expired_token');
    expect(await store.countUsers()).toBe(0);
  });

  it('refuses a user whose role claim is missing or unknown; no user is created', async () => {
    signInAs = 'bob';
    refusedWith((await signIn()).response, 'no_role');
    signInAs = 'carol';
    refusedWith((await signIn()).response, 'no_role');
    expect(await store.countUsers()).toBe(0);
    const audit = (await server.inject({ method: 'GET', url: '/api/audit' })).statusCode;
    expect(audit).toBe(401);
    const failed = (await store.listAudit()).filter((e) => e.action === 'auth.oidc.login.failed');
    expect(failed).toHaveLength(2);
  });

  it('the issuer is outbound: without an allowed network for it, the address policy refuses it', async () => {
    await server.close();
    await store.close();
    await startApp(outboundAccessFor({ allowedNetworks: undefined }));
    const response = await server.inject({ method: 'GET', url: '/api/auth/oidc/start' });
    expect(response.statusCode).toBe(502);
    expect(response.body).toContain('/login?sso_error=provider_unreachable');
  });
});

describe('audit entries of single sign-on', () => {
  it('are listed by GET /api/audit for an admin', async () => {
    signInAs = 'ada';
    const { response } = await signIn();
    const cookie = response.cookies.find((c) => c.name === 'zt_session')!.value;
    const entries = (await server.inject({ method: 'GET', url: '/api/audit?action=auth.oidc.login', cookies: { zt_session: cookie } })).json<AuditList>().entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'ada', actorKind: 'user', outcome: 'ok' });
  });
});
