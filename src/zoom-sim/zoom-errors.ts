/**
 * Bodies of the errors Zoom answers, kept in one place so every route words
 * them identically. Collectors match on `code` and on the message text (Zoom
 * itself tells integrators to match the scope error on text), so the wording is
 * part of the contract.
 */

export interface ZoomFieldError {
  field: string;
  message: string;
}

export interface ZoomErrorBody {
  code: number;
  message: string;
  errors?: ZoomFieldError[];
}

/** OAuth endpoints answer in a different shape from the API. */
export interface OAuthErrorBody {
  reason: string;
  error: string;
}

export const zoomErrors = {
  invalidAccessToken: (): ZoomErrorBody => ({ code: 124, message: 'Invalid access token.' }),
  expiredAccessToken: (): ZoomErrorBody => ({ code: 124, message: 'Access token is expired.' }),
  missingScopes: (accepted: readonly string[]): ZoomErrorBody => ({
    code: 4711,
    message: `Invalid access token, does not contain scopes:[${accepted.join(', ')}].`,
  }),
  paidAccountOnly: (): ZoomErrorBody => ({
    code: 200,
    message: 'This report is only available for the paid account.',
  }),
  noPermission: (): ZoomErrorBody => ({ code: 200, message: 'No permission.' }),
  validation: (errors: ZoomFieldError[]): ZoomErrorBody => ({ code: 300, message: 'Validation Failed.', errors }),
  fromAfterTo: (): ZoomErrorBody => ({ code: 300, message: 'The from date should be before the to date.' }),
  outOfRange: (): ZoomErrorBody => ({
    code: 300,
    message: 'The date range you requested is out of range. Only the last 6 months of data can be queried.',
  }),
  invalidPageToken: (): ZoomErrorBody => ({ code: 300, message: 'The next page token is invalid or expired.' }),
  perSecondLimit: (): ZoomErrorBody => ({
    code: 429,
    message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
  }),
  dailyLimit: (limit: number): ZoomErrorBody => ({
    code: 429,
    message: `You have exceeded the daily rate limit (${limit}) of Heavy APIs for your account. This limit resets at 00:00 UTC.`,
  }),
  notFound: (): ZoomErrorBody => ({ code: 404, message: 'The requested resource does not exist.' }),
};

export const oauthErrors = {
  invalidClient: (): OAuthErrorBody => ({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' }),
  invalidCode: (): OAuthErrorBody => ({ reason: 'Invalid authorization code', error: 'invalid_grant' }),
  invalidRefreshToken: (): OAuthErrorBody => ({ reason: 'Invalid Token!', error: 'invalid_grant' }),
  redirectMismatch: (): OAuthErrorBody => ({ reason: 'Redirect URI mismatch.', error: 'invalid_request' }),
  invalidCodeVerifier: (): OAuthErrorBody => ({ reason: 'Invalid code_verifier.', error: 'invalid_request' }),
  invalidAccountId: (): OAuthErrorBody => ({ reason: 'Invalid account_id.', error: 'invalid_request' }),
  missingParameter: (name: string): OAuthErrorBody => ({ reason: `Missing parameter ${name}.`, error: 'invalid_request' }),
  unsupportedGrant: (): OAuthErrorBody => ({ reason: 'Unsupported grant type', error: 'unsupported_grant_type' }),
  invalidRevokeToken: (): OAuthErrorBody => ({ reason: 'Invalid Token!', error: 'invalid_request' }),
};
