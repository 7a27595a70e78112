/**
 * Every way a Zoom call can fail, as a value the user can act on. Each error
 * carries a stable `code`, whether retrying can help, and `fix`: what to change,
 * in words. Messages never contain a secret, a token or an Authorization header:
 * they are built only from our own words, the stream, and Zoom's error text
 * (which passes through the client's redactor first).
 */
export type ZoomErrorCode =
  | 'wrong_credentials'
  | 'reauthorization_required'
  | 'invalid_access_token'
  | 'missing_scope'
  | 'permission_denied'
  | 'plan_required'
  | 'date_out_of_range'
  | 'rate_limited'
  | 'daily_budget_exhausted'
  | 'zoom_unavailable'
  | 'malformed_response'
  | 'request_rejected'
  | 'page_token_expired'
  | 'oauth_flow';

export interface ZoomErrorDetails {
  /** Zoom's numeric `code` from the body, when there was one. */
  zoomCode?: number;
  httpStatus?: number;
  /** `x-zm-trackingid`, for Zoom support. */
  trackingId?: string;
  cause?: unknown;
}

export abstract class ZoomError extends Error {
  abstract readonly code: ZoomErrorCode;
  /** True when the same call may succeed later without the user changing anything. */
  abstract readonly retryable: boolean;
  readonly zoomCode?: number;
  readonly httpStatus?: number;
  readonly trackingId?: string;

  constructor(
    message: string,
    /** What the user should do, in words. */
    readonly fix: string,
    details: ZoomErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.zoomCode = details.zoomCode;
    this.httpStatus = details.httpStatus;
    this.trackingId = details.trackingId;
  }

  /** A plain object safe to log or return from the API. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      fix: this.fix,
      retryable: this.retryable,
      zoomCode: this.zoomCode,
      httpStatus: this.httpStatus,
      trackingId: this.trackingId,
    };
  }
}

/** The token endpoint refused the client id / client secret pair. */
export class WrongCredentialsError extends ZoomError {
  readonly code = 'wrong_credentials';
  readonly retryable = false;
  constructor(details: ZoomErrorDetails = {}) {
    super(
      'Zoom refused the Client ID and Client Secret (invalid_client).',
      'Copy the Client ID and Client Secret again from the app\'s "App Credentials" page in the Zoom App Marketplace and update the source. If the secret was regenerated in Zoom, the old one no longer works.',
      details,
    );
  }
}

/** The refresh token (or authorization) is no longer valid: a person must authorize again. */
export class ReauthorizationRequiredError extends ZoomError {
  readonly code = 'reauthorization_required';
  readonly retryable = false;
  constructor(reason: string, details: ZoomErrorDetails = {}) {
    super(
      `Zoom no longer accepts this source's authorization (${reason}).`,
      'Re-authorize the source: an admin with the report permissions must approve the app again. This happens when the app was removed or its authorization revoked in Zoom, the authorizing admin left or lost the role, or a rotated refresh token was lost. Server-to-Server OAuth avoids the dependency on one admin.',
      details,
    );
  }
}

/** Zoom rejected the access token even after a fresh one was obtained. */
export class InvalidAccessTokenError extends ZoomError {
  readonly code = 'invalid_access_token';
  readonly retryable = true;
  constructor(zoomMessage: string, details: ZoomErrorDetails = {}) {
    super(
      `Zoom rejected the access token twice in a row: ${zoomMessage}`,
      'Check that the API URL and OAuth URL settings belong to the same Zoom cloud (zoom.us or ZoomGov), and that the app is activated in the Zoom App Marketplace.',
      details,
    );
  }
}

export class MissingScopeError extends ZoomError {
  readonly code = 'missing_scope';
  readonly retryable = false;
  constructor(
    /** Scopes Zoom named as accepted for the call; granting one of them fixes it. */
    readonly scopes: string[],
    endpoint: string,
    details: ZoomErrorDetails = {},
  ) {
    const named = scopes.length > 0 ? scopes.join(' or ') : 'report:read:admin';
    super(
      `The Zoom app lacks the scope needed for ${endpoint}: add ${named}.`,
      `In the Zoom App Marketplace open the app, go to Scopes > Add Scopes > Report and tick "View report data" (${named}). An OAuth app must then be authorized again; a Server-to-Server app works on the next request.`,
      details,
    );
  }
}

/** The authorizing user lacks a role permission for the report. */
export class PermissionDeniedError extends ZoomError {
  readonly code = 'permission_denied';
  readonly retryable = false;
  constructor(
    /** The Zoom role permission to grant, e.g. `Reports > Sign In/Sign Out`. */
    readonly permission: string,
    endpoint: string,
    details: ZoomErrorDetails = {},
  ) {
    super(
      `Zoom answered "No permission." for ${endpoint}: the authorizing user's role lacks the permission ${permission}.`,
      `In Zoom, User Management > Roles: give the role of the user who authorized the app (or, for Server-to-Server OAuth, of the app's owner) the permission ${permission} (View), and make sure that user is an Admin. Retrying without that change cannot help.`,
      details,
    );
  }
}

/** The account's plan does not include the reports. */
export class PlanRequiredError extends ZoomError {
  readonly code = 'plan_required';
  readonly retryable = false;
  constructor(endpoint: string, zoomMessage: string, details: ZoomErrorDetails = {}) {
    super(
      `Zoom refused ${endpoint} for this account's plan: ${zoomMessage}`,
      'The Sign In/Sign Out and Operation Logs reports need a Pro plan or higher on the Zoom account. Upgrade the plan in Zoom (Account Management > Billing); retrying cannot help.',
      details,
    );
  }
}

export class DateOutOfRangeError extends ZoomError {
  readonly code = 'date_out_of_range';
  readonly retryable = false;
  constructor(window: { from: string; to: string }, zoomMessage: string, details: ZoomErrorDetails = {}) {
    super(
      `Zoom refused the window ${window.from}..${window.to}: ${zoomMessage}`,
      'Zoom keeps only the last 6 months of report data and accepts at most one month per request. Shorten the backfill; days older than 6 months cannot be collected any more.',
      details,
    );
  }
}

/** A per-second 429 that outlasted the client's retries. */
export class RateLimitedError extends ZoomError {
  readonly code = 'rate_limited';
  readonly retryable = true;
  constructor(
    readonly retryAt: number,
    details: ZoomErrorDetails = {},
  ) {
    super(
      'Zoom kept answering 429 (per-second rate limit) for this account.',
      "Other apps on the same Zoom account share its Heavy API budget. Lower this source's requests per second, or wait; collection resumes by itself.",
      details,
    );
  }
}

/** The daily Heavy budget is spent, at Zoom or by the client's own share. Nothing to do until `resetAt`. */
export class DailyBudgetExhaustedError extends ZoomError {
  readonly code = 'daily_budget_exhausted';
  readonly retryable = true;
  constructor(
    readonly resetAt: number,
    /** `zoom`: Zoom answered with its daily limit; `local`: this source's configured share is spent. */
    readonly by: 'zoom' | 'local',
    details: ZoomErrorDetails = {},
  ) {
    const until = new Date(resetAt).toISOString();
    super(
      by === 'zoom'
        ? `Zoom's daily rate limit for Heavy APIs on this account is exhausted until ${until}.`
        : `This source's daily share of the Zoom Heavy API budget is spent until ${until}.`,
      by === 'zoom'
        ? 'The daily cap is shared by every app on the Zoom account and resets at 00:00 UTC. Collection resumes then by itself; if it happens often, find the other app spending the budget or move to a plan with a higher cap.'
        : "Collection resumes at 00:00 UTC by itself. Raise the source's daily request share if backfills need more.",
      details,
    );
  }
}

export class ZoomUnavailableError extends ZoomError {
  readonly code = 'zoom_unavailable';
  readonly retryable = true;
  constructor(what: string, details: ZoomErrorDetails = {}) {
    super(
      `Zoom could not be reached or kept failing: ${what}`,
      "Usually transient: collection retries with backoff and resumes where it stopped. If it lasts, check the API URL setting, this machine's network and status.zoom.us.",
      details,
    );
  }
}

export class MalformedResponseError extends ZoomError {
  readonly code = 'malformed_response';
  readonly retryable = true;
  constructor(what: string, details: ZoomErrorDetails = {}) {
    super(
      `Zoom's response could not be read: ${what}`,
      "Usually a proxy or a transient fault: collection retries. If it persists, check that the API URL setting points at Zoom's API (e.g. https://api.zoom.us/v2) and not at a proxy page.",
      details,
    );
  }
}

/** Zoom refused the request as invalid (validation error, 404, other 4xx). */
export class ZoomRequestRejectedError extends ZoomError {
  readonly code = 'request_rejected';
  readonly retryable = false;
  constructor(what: string, fix: string, details: ZoomErrorDetails = {}) {
    super(what, fix, details);
  }
}

/** Internal to paging: the reader restarts the window when it sees this. */
export class PageTokenExpiredError extends ZoomError {
  readonly code = 'page_token_expired';
  readonly retryable = true;
  constructor(details: ZoomErrorDetails = {}) {
    super('The next page token is invalid or expired.', 'Zoom page tokens live 15 minutes: the window is read again from its first page.', details);
  }
}

/** A problem in the browser part of the authorization-code flow (state, PKCE, denied consent). */
export class OAuthFlowError extends ZoomError {
  readonly code = 'oauth_flow';
  readonly retryable = false;
  constructor(what: string, fix: string, details: ZoomErrorDetails = {}) {
    super(what, fix, details);
  }
}
