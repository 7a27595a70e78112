import type { Logger } from 'pino';
import { OutboundAddressRefusedError } from '../shared/guarded-fetch.js';
import type { Clock } from '../shared/clock.js';
import { utcDay } from '../shared/clock.js';
import { CachedAccessTokenProvider } from '../zoom/access-token-provider.js';
import { ACTIVITY_STREAM, CLASSIC_REPORT_SCOPE, OPERATION_STREAM, REPORT_STREAMS, type ReportStream } from '../zoom/report-records.js';
import { LocalRequestBudget } from '../zoom/request-budget.js';
import { connectToZoom, type ZoomAuth } from '../zoom/zoom-client-factory.js';
import type { RetryPolicy, ZoomApiClient, ZoomRequestEvent } from '../zoom/zoom-api-client.js';
import type { ZoomEndpoints } from '../zoom/zoom-endpoints.js';
import { MissingScopeError, PermissionDeniedError, PlanRequiredError, ZoomError } from '../zoom/zoom-errors.js';

export type CheckStepName = 'token' | 'scopes' | 'plan' | 'activity_report' | 'operation_report';

export interface CheckStep {
  name: CheckStepName;
  ok: boolean;
  message: string;
  fix: string | null;
}

export interface SourceCheckOutcome {
  ok: boolean;
  steps: CheckStep[];
  /** The first failure as an error (for the CLI, which stops on it). */
  error?: Error;
}

/**
 * The check's patience with Zoom's transient faults (5xx, resets, unreadable
 * bodies, per-second 429s): retried with backoff as collection does, but
 * bounded to a few seconds per request, so one fault does not fail the check
 * and a person is not kept waiting. A 429's Retry-After is honoured when it
 * falls within the bound; a longer one fails the check with its wait.
 * Refusals (credentials, scope, plan, permission) are never retried.
 */
export const CHECK_RETRY: RetryPolicy = {
  maxAttempts: 4,
  backoff: { baseMs: 500, maxMs: 2_000 },
  maxRateLimitWaits: 4,
  maxRateLimitWaitMs: 5_000,
};

const STEP_ORDER: readonly CheckStepName[] = ['token', 'scopes', 'plan', 'activity_report', 'operation_report'];
export const NOT_CHECKED = 'not checked: fix the step above first';

const REPORT_NAMES: Record<string, string> = { [ACTIVITY_STREAM.logType]: 'Sign In/Sign Out report', [OPERATION_STREAM.logType]: 'Operation Logs report' };

/** Scopes of the token that do not allow reading `stream` (neither the classic nor the stream's granular scope). */
function lacksScopeFor(granted: readonly string[], stream: ReportStream): boolean {
  return !granted.includes(CLASSIC_REPORT_SCOPE) && !granted.includes(stream.granularScope);
}

/** Words for a retried request, or null for any other outcome. */
function retryNotice(event: ZoomRequestEvent): string | null {
  const report = REPORT_NAMES[REPORT_STREAMS.find((s) => s.path === event.endpoint)?.logType ?? ''] ?? event.endpoint;
  if (event.outcome === 'retried') return `Zoom did not answer the ${report} request (${event.status ? `HTTP ${event.status}` : (event.error ?? 'no answer')}); retrying`;
  if (event.outcome === 'rate_limited' && event.error === 'rate_limited') return `Zoom's per-second rate limit (HTTP 429) on the ${report} request; waiting, then retrying`;
  return null;
}

/** `report:read:admin`, `report:read:list_operation_logs:admin`: a Zoom scope name, nothing else. */
function isScopeName(text: string): boolean {
  return /^[a-z][a-z_]*(:[a-z_]+){1,4}$/.test(text);
}

/**
 * A failed step in our own words: the kind of failure, the HTTP status and,
 * for a missing scope, the scope names; never the text of the answer (an API
 * or OAuth URL aimed at another service must not read its answers back
 * through the check).
 */
export function checkMessage(error: unknown): string {
  if (!(error instanceof ZoomError)) return error instanceof OutboundAddressRefusedError ? error.message : 'The check failed unexpectedly.';
  const status = error.httpStatus !== undefined ? ` (HTTP ${error.httpStatus})` : '';
  if (error.httpStatus !== undefined && error.httpStatus >= 300 && error.httpStatus < 400) {
    return `The answer was a redirect${status}, which Zoomtrail does not follow: check the API URL and OAuth URL settings.`;
  }
  switch (error.code) {
    case 'missing_scope': {
      const scopes = (error as MissingScopeError).scopes.filter(isScopeName);
      return `The Zoom app lacks the scope needed for the reports: add ${scopes.length > 0 ? scopes.join(' or ') : CLASSIC_REPORT_SCOPE}.`;
    }
    case 'plan_required':
      return `Zoom refused the report for this account's plan${status}.`;
    case 'reauthorization_required':
      return `Zoom no longer accepts this source's authorization${status}.`;
    case 'invalid_access_token':
      return `Zoom rejected the access token twice in a row${status}.`;
    case 'date_out_of_range':
      return `Zoom refused the date range${status}.`;
    case 'malformed_response':
      return `The answer could not be read as Zoom's${status}.`;
    case 'request_rejected':
    case 'oauth_flow':
      return `Zoom refused the request${status}.`;
    // The others are our own words already (credentials, permission, limits, unreachable).
    default:
      return error.message;
  }
}

/**
 * A live check of a source's Zoom side, step by step: an access token, the
 * granted scopes, the plan (the first report request), and one small page of
 * each report for today. The first failing step says what is wrong and how to
 * fix it in Zoom; the steps after it are reported as not checked.
 */
export async function checkZoomSource(args: {
  endpoints: ZoomEndpoints;
  auth: ZoomAuth;
  clock: Clock;
  requestsPerSecond?: number;
  requestsPerDay?: number;
  logger?: Logger;
  fetchImpl?: typeof fetch;
  /** Told each time a transient fault is retried, in words (the CLI prints them on a terminal). */
  onRetry?: (notice: string) => void;
}): Promise<SourceCheckOutcome> {
  const onRetry = args.onRetry;
  const { client, tokens } = connectToZoom({
    endpoints: args.endpoints,
    auth: args.auth,
    budget: new LocalRequestBudget(args.clock, { requestsPerSecond: args.requestsPerSecond ?? 2, requestsPerDay: args.requestsPerDay ?? 3000 }),
    clock: args.clock,
    logger: args.logger,
    fetchImpl: args.fetchImpl,
    retry: CHECK_RETRY,
    ...(onRetry
      ? {
          onRequest: (event: ZoomRequestEvent) => {
            const notice = retryNotice(event);
            if (notice) onRetry(notice);
          },
        }
      : {}),
  });
  const steps: CheckStep[] = [];
  const finish = (error?: Error): SourceCheckOutcome => {
    for (const name of STEP_ORDER.slice(steps.length)) steps.push({ name, ok: false, message: NOT_CHECKED, fix: null });
    return { ok: steps.every((s) => s.ok), steps, ...(error ? { error } : {}) };
  };
  const fail = (name: CheckStepName, error: unknown): SourceCheckOutcome => {
    const e = error instanceof Error ? error : new Error(String(error));
    steps.push({
      name,
      ok: false,
      message: checkMessage(error),
      fix: error instanceof ZoomError ? error.fix : "Unexpected failure: check the URL settings and this machine's network, then try again.",
    });
    return finish(e);
  };

  // 1. token
  try {
    await tokens.getAccessToken();
  } catch (error) {
    return fail('token', error);
  }
  steps.push({ name: 'token', ok: true, message: `Zoom issued an access token (${args.auth.kind === 's2s' ? 'Server-to-Server OAuth' : 'OAuth app, refresh token'}).`, fix: null });

  // 2. scopes, from the token response when Zoom lists them
  // Only what looks like a Zoom scope name: the check repeats no other text from the answer.
  const granted = (tokens instanceof CachedAccessTokenProvider ? (tokens.grantedScopes() ?? []) : []).filter(isScopeName);
  const scopesListed = granted.length > 0;
  if (scopesListed) {
    const lacking = REPORT_STREAMS.filter((stream) => lacksScopeFor(granted, stream));
    if (lacking.length > 0) {
      const error = new MissingScopeError([CLASSIC_REPORT_SCOPE, ...lacking.map((s) => s.granularScope)], lacking.map((s) => s.path).join(' and '));
      steps.push({
        name: 'scopes',
        ok: false,
        message: `Missing scope ${CLASSIC_REPORT_SCOPE} (or the granular ${lacking.map((s) => s.granularScope).join(' and ')}). Granted scopes: ${granted.join(' ')}.`,
        fix: error.fix,
      });
      return finish(error);
    }
    steps.push({ name: 'scopes', ok: true, message: `Granted scopes: ${granted.join(' ')}`, fix: null });
  } else {
    steps.push({ name: 'scopes', ok: true, message: 'Zoom did not list the granted scopes; the report requests below test them.', fix: null });
  }

  // 3. plan + 4. activity report: the first report request answers both
  const today = utcDay(args.clock.now());
  const readOne = async (stream: ReportStream, c: ZoomApiClient) => c.getJson(stream, { from: today, to: today, page_size: '1' });
  try {
    await readOne(ACTIVITY_STREAM, client);
    steps.push({ name: 'plan', ok: true, message: "The account's plan includes the reports (a report request succeeded).", fix: null });
    steps.push({ name: 'activity_report', ok: true, message: `Read the ${REPORT_NAMES[ACTIVITY_STREAM.logType]} for ${today}.`, fix: null });
  } catch (error) {
    if (error instanceof MissingScopeError) {
      if (!scopesListed) {
        steps.pop();
        steps.push({ name: 'scopes', ok: false, message: `Missing scope: ${checkMessage(error)}`, fix: error.fix });
        return finish(error);
      }
      steps.push({ name: 'plan', ok: true, message: 'Not refused for the plan.', fix: null });
      return fail('activity_report', error);
    }
    if (error instanceof PlanRequiredError) {
      steps.push({
        name: 'plan',
        ok: false,
        message: `The Zoom account's plan does not include the Sign In/Sign Out and Operation Logs reports: reading them requires a Pro plan or higher. (${checkMessage(error)})`,
        fix: error.fix,
      });
      return finish(error);
    }
    if (error instanceof PermissionDeniedError) {
      steps.push({ name: 'plan', ok: true, message: "The account's plan includes the reports (Zoom refused for a permission, not the plan).", fix: null });
      return fail('activity_report', error);
    }
    return fail('plan', error);
  }

  // 5. operation report
  try {
    await readOne(OPERATION_STREAM, client);
    steps.push({ name: 'operation_report', ok: true, message: `Read the ${REPORT_NAMES[OPERATION_STREAM.logType]} for ${today}.`, fix: null });
  } catch (error) {
    return fail('operation_report', error);
  }
  return finish();
}
