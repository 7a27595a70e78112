import * as oidc from 'openid-client';
import type { OidcSettings } from '../config/runtime-config.js';
import type { Role } from '../domain/access-scope.js';
import type { Clock } from '../shared/clock.js';
import type { OidcPendingLogin } from '../store/oidc-store.js';

/** Why a single sign-on was refused: a short code for the console and the audit trail (never a token or a secret). */
export type OidcRefusal =
  | 'not_configured'
  | 'provider_unreachable'
  | 'unknown_state'
  | 'wrong_browser'
  | 'provider_error'
  | 'wrong_audience'
  | 'expired_token'
  | 'invalid_token'
  | 'no_role'
  | 'disabled_user';

export class OidcRefusedError extends Error {
  override readonly name = 'OidcRefusedError';
  constructor(
    readonly reason: OidcRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** What a successful sign-in proved. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** preferred_username, else email, else undefined. */
  name: string | undefined;
  role: Role;
}

const ROLE_ORDER: readonly Role[] = ['admin', 'analyst', 'viewer'];

/** The strongest role the claim's value(s) map to, or undefined (refuse). */
export function roleFromClaim(value: unknown, roleMap: OidcSettings['roleMap']): Role | undefined {
  const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  const roles = new Set(values.flatMap((v) => (Object.hasOwn(roleMap, v) ? [roleMap[v]!] : [])));
  return ROLE_ORDER.find((role) => roles.has(role));
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * The OpenID Connect relying party (openid-client): authorization code with PKCE (S256), state and
 * nonce; every request through the guarded fetch (the outbound address policy applies to the issuer);
 * plain http only for a loopback issuer; times checked against the injected clock.
 */
export class OidcClient {
  #server: Promise<oidc.ServerMetadata> | undefined;

  constructor(
    private readonly settings: OidcSettings,
    private readonly deps: { fetch: typeof fetch; clock: Clock; redirectUri: string },
  ) {}

  /** The provider URL to send the browser to, and what the callback needs back. */
  async start(): Promise<{ url: string; state: string; pending: OidcPendingLogin }> {
    const config = await this.#configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.deps.redirectUri,
      scope: 'openid profile email',
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, pending: { codeVerifier, nonce } };
  }

  /** Exchanges the code and checks the ID token (issuer, audience, signature, expiry, nonce); throws OidcRefusedError. */
  async finish(callbackUrl: URL, state: string, pending: OidcPendingLogin): Promise<OidcIdentity> {
    const config = await this.#configuration();
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      throw refusalOf(error);
    }
    if (!claims) throw new OidcRefusedError('invalid_token', 'The identity provider returned no ID token.');
    const role = roleFromClaim(claims[this.settings.roleClaim], this.settings.roleMap);
    if (!role) throw new OidcRefusedError('no_role', `The ID token's "${this.settings.roleClaim}" claim gives no Zoomtrail role.`);
    const name = [claims.preferred_username, claims.email].find((v): v is string => typeof v === 'string' && v.trim() !== '');
    return { issuer: claims.iss, subject: claims.sub, name: name?.trim(), role };
  }

  async #configuration(): Promise<oidc.Configuration> {
    const issuer = new URL(this.settings.issuer);
    if (issuer.protocol === 'http:' && !isLoopbackHost(issuer.hostname)) {
      throw new OidcRefusedError('provider_unreachable', 'The OpenID Connect issuer must use https (plain http only on this machine).');
    }
    this.#server ??= (async () => {
      const found = await oidc.discovery(issuer, this.settings.clientId, undefined, undefined, {
        [oidc.customFetch]: this.deps.fetch,
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
        timeout: 10,
      });
      return found.serverMetadata();
    })();
    let server: oidc.ServerMetadata;
    try {
      server = await this.#server;
    } catch (error) {
      this.#server = undefined;
      throw new OidcRefusedError('provider_unreachable', `The OpenID Connect issuer could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    // A configuration per use: the clock's offset from the system's (tests, ZOOMTRAIL_CLOCK_START) is its clock skew.
    const skew = Math.round((this.deps.clock.now() - Date.now()) / 1000);
    const secret = this.settings.clientSecret;
    const config = new oidc.Configuration(server, this.settings.clientId, { [oidc.clockSkew]: skew }, secret === undefined ? oidc.None() : oidc.ClientSecretPost(secret));
    config[oidc.customFetch] = this.deps.fetch;
    if (issuer.protocol === 'http:') oidc.allowInsecureRequests(config);
    return config;
  }
}

function refusalOf(error: unknown): OidcRefusedError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return new OidcRefusedError('provider_error', `The identity provider refused: ${error.error}.`);
  }
  // oauth4webapi names the claim (or parameter) that failed in a cause, which openid-client wraps once more.
  let claim: unknown;
  let parameter: unknown;
  for (let cause: unknown = error, depth = 0; cause !== null && typeof cause === 'object' && depth < 4; depth++) {
    const fields = cause as { claim?: unknown; parameter?: unknown; cause?: unknown };
    claim ??= fields.claim;
    parameter ??= fields.parameter;
    cause = fields.cause;
  }
  if (claim === 'aud' || claim === 'azp') return new OidcRefusedError('wrong_audience', 'The ID token was issued to another client (audience).');
  if (claim === 'exp' || claim === 'iat' || claim === 'nbf') return new OidcRefusedError('expired_token', 'The ID token has expired (or is not valid yet).');
  if (parameter === 'state') return new OidcRefusedError('unknown_state', 'The sign-in state does not match.');
  return new OidcRefusedError('invalid_token', `The ID token was refused: ${message.slice(0, 200)}`);
}
