import type { Clock } from '../shared/clock.js';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import type { SecretRedactor } from './secret-redactor.js';
import { BodyTooLargeError, describeNetworkError, MAX_OAUTH_BODY_BYTES, parseJsonObject, readBodyText } from './http-body.js';
import { joinUrl, type ZoomEndpoints } from './zoom-endpoints.js';
import {
  MalformedResponseError,
  OAuthFlowError,
  ReauthorizationRequiredError,
  WrongCredentialsError,
  ZoomError,
  ZoomRequestRejectedError,
  ZoomUnavailableError,
} from './zoom-errors.js';

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** What Zoom's token endpoint hands out. */
export interface TokenSet {
  accessToken: string;
  /** Epoch ms after which Zoom refuses the access token. */
  expiresAt: number;
  /** Only for the authorization-code grant; it rotates on every refresh. */
  refreshToken?: string;
  scopes: string[];
  /** Server-to-Server responses may name the account's API host. */
  apiUrl?: string;
}

export interface TokenEndpointContext {
  endpoints: ZoomEndpoints;
  credentials: OAuthClientCredentials;
  clock: Clock;
  redactor: SecretRedactor;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
}

type Grant = 'account_credentials' | 'authorization_code' | 'refresh_token';

const TRANSIENT_ATTEMPTS = 4;

/**
 * POSTs to `/oauth/token` with Basic client authentication and maps every
 * refusal to an error that says what to fix. Transient faults (network, 5xx,
 * 429, unreadable body) are retried a few times with backoff.
 */
export async function requestToken(ctx: TokenEndpointContext, grant: Grant, params: Record<string, string>): Promise<TokenSet> {
  const { credentials, redactor } = ctx;
  redactor.add(credentials.clientSecret);
  for (const key of ['refresh_token', 'code', 'code_verifier']) redactor.add(params[key]);
  let lastError: ZoomError | undefined;
  for (let attempt = 1; attempt <= TRANSIENT_ATTEMPTS; attempt++) {
    if (attempt > 1) await ctx.clock.sleep(backoffDelay(attempt - 1, DEFAULT_BACKOFF), ctx.signal);
    try {
      return await requestTokenOnce(ctx, grant, params);
    } catch (error) {
      if (error instanceof ZoomError && error.retryable) {
        lastError = error;
        continue;
      }
      throw error;
    }
  }
  throw lastError ?? new ZoomUnavailableError('token endpoint');
}

async function requestTokenOnce(ctx: TokenEndpointContext, grant: Grant, params: Record<string, string>): Promise<TokenSet> {
  const { endpoints, credentials, clock, redactor } = ctx;
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
  redactor.add(basic);
  const body = new URLSearchParams({ grant_type: grant, ...params });
  const sentAt = clock.now();
  let response: Response;
  let text: string;
  try {
    response = await (ctx.fetchImpl ?? fetch)(joinUrl(endpoints.oauthUrl, '/oauth/token'), {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      // The client secret must never be replayed to the host a redirect names.
      redirect: 'manual',
      signal: ctx.signal,
    });
    text = await readBodyText(response, MAX_OAUTH_BODY_BYTES);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    if (error instanceof BodyTooLargeError) throw new MalformedResponseError(`the token endpoint's ${error.message}`);
    throw new ZoomUnavailableError(`the token endpoint did not answer (${describeNetworkError(error)})`);
  }
  const trackingId = response.headers.get('x-zm-trackingid') ?? undefined;
  const details = { httpStatus: response.status, trackingId };
  const json = parseJsonObject(text);

  if (response.status >= 500 || response.status === 429) {
    throw new ZoomUnavailableError(`the token endpoint answered HTTP ${response.status}`, details);
  }
  if (response.ok) {
    if (!json || typeof json.access_token !== 'string' || json.access_token === '') {
      throw new MalformedResponseError('the token endpoint answered 200 without an access_token', details);
    }
    // Documented as a number of seconds (about 3600); accept a numeric string too, and assume an hour if absent.
    const expiresIn = Number(json.expires_in) > 0 ? Number(json.expires_in) : 3600;
    const tokens: TokenSet = {
      accessToken: json.access_token,
      expiresAt: sentAt + expiresIn * 1000,
      scopes: typeof json.scope === 'string' ? json.scope.split(/[\s,]+/).filter(Boolean) : [],
    };
    if (typeof json.refresh_token === 'string' && json.refresh_token !== '') tokens.refreshToken = json.refresh_token;
    if (typeof json.api_url === 'string' && json.api_url !== '') tokens.apiUrl = json.api_url;
    redactor.add(tokens.accessToken);
    redactor.add(tokens.refreshToken);
    return tokens;
  }

  const error = typeof json?.error === 'string' ? json.error : '';
  const reason = redactor.redact(typeof json?.reason === 'string' ? json.reason : typeof json?.message === 'string' ? json.message : text.slice(0, 200));
  if (error === 'invalid_grant') {
    if (grant === 'refresh_token') throw new ReauthorizationRequiredError(`refresh token refused: ${reason || 'invalid_grant'}`, details);
    if (grant === 'authorization_code') {
      throw new OAuthFlowError(
        `Zoom refused the authorization code: ${reason || 'invalid_grant'}.`,
        'Authorization codes are single-use and live 5 minutes: start the authorization again from the source page.',
        details,
      );
    }
  }
  if (response.status === 401 || error === 'invalid_client') throw new WrongCredentialsError(details);
  if (grant === 'account_credentials') {
    throw new ZoomRequestRejectedError(
      `Zoom refused the Server-to-Server token request: ${reason || error || `HTTP ${response.status}`}.`,
      'Check the Account ID on the app\'s "App Credentials" page, that the app is a Server-to-Server OAuth app, and that it is activated in the Zoom App Marketplace.',
      details,
    );
  }
  throw new OAuthFlowError(
    `Zoom refused the token request: ${reason || error || `HTTP ${response.status}`}.`,
    'Check that the Redirect URL in the Zoom app is exactly the one Zoomtrail shows, then authorize again.',
    details,
  );
}
