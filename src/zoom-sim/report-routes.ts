import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CLASSIC_REPORT_SCOPE, REPORT_STREAMS, type ReportStream } from '../zoom/report-records.js';
import { authenticateBearer, peekCaller } from './bearer-auth.js';
import type { StoredRecord } from './day-bucket-store.js';
import { playEdgeFault } from './edge-faults.js';
import type { PageCursor } from './page-token-store.js';
import { parseReportQuery, type ReportQuery } from './report-query.js';
import type { SimAccount } from './sim-account.js';
import { sendJson, setRateLimitHeaders, setRetryAfter } from './sim-responses.js';
import type { SimState } from './sim-state.js';
import { shuffleTies } from './tie-order.js';
import { collectWindow, sliceWindow } from './window-reader.js';
import { zoomErrors } from './zoom-errors.js';

/** GET /v2/report/activities and /v2/report/operationlogs. */
export function registerReportRoutes(app: FastifyInstance, state: SimState): void {
  for (const stream of REPORT_STREAMS) {
    app.get(`/v2${stream.path}`, (request, reply) => handleReport(stream, request, reply, state));
  }
}

/**
 * The order of checks is the simulator's choice where Zoom is silent: edge
 * faults, then authentication, then the rate limit (every authenticated request
 * spends budget, even one refused below), then scope, plan, permission, query.
 */
async function handleReport(stream: ReportStream, request: FastifyRequest, reply: FastifyReply, state: SimState): Promise<FastifyReply> {
  const context = state.log.context(request.raw);
  if (!context) throw new Error('request without a log context');
  const query = (request.query ?? {}) as Record<string, unknown>;
  const caller = peekCaller(request, state);
  if (caller) Object.assign(context.entry, caller);
  const callerAccount = caller ? state.accounts.get(caller.accountId) : undefined;
  const answered = await playEdgeFault(request, reply, context, state, {
    isReport: true,
    hasPageToken: typeof query['next_page_token'] === 'string' && query['next_page_token'] !== '',
    ...(callerAccount ? { perSecondLimit: callerAccount.limits().perSecond } : {}),
  });
  if (answered) return reply;

  const send = (status: number, body: unknown) => {
    sendJson(reply, context, state.log, status, body);
    return reply;
  };

  const auth = authenticateBearer(request, state);
  if (!auth.ok) return send(401, auth.body);
  const { app, account } = auth;
  context.entry.clientId = app.clientId;
  context.entry.accountId = account.accountId;

  const nowMs = state.clock.now();
  const limits = account.limits();
  const decision = account.rateLimiter.tryConsume(nowMs, limits);
  if (!decision.allowed) {
    setRateLimitHeaders(reply, { type: decision.type, limit: decision.limit, remaining: 0 }, state.options.rateLimitHeaders);
    setRetryAfter(reply, decision.retryAtMs, nowMs, state.options.retryAfterFormat);
    return send(429, decision.type === 'QPS' ? zoomErrors.perSecondLimit() : zoomErrors.dailyLimit(decision.limit));
  }
  setRateLimitHeaders(reply, { type: 'Daily-limit', limit: limits.daily, remaining: decision.dailyRemaining }, state.options.rateLimitHeaders);

  const accepted = [stream.granularScope, CLASSIC_REPORT_SCOPE];
  if (!accepted.some((scope) => app.scopes.includes(scope))) return send(400, zoomErrors.missingScopes(accepted));
  if (account.plan === 'free') return send(400, zoomErrors.paidAccountOnly());
  if (!account.hasPermission(stream.rolePermission)) return send(400, zoomErrors.noPermission());

  const parsed = parseReportQuery(stream, query, {
    calendar: state.calendar,
    toInclusive: state.options.toInclusive,
    refuseFutureTo: state.options.refuseFutureTo,
    clampFutureTo: state.options.clampFutureTo,
    refuseLongRange: state.options.refuseLongRange,
    nowMs,
  });
  if (!parsed.ok) return send(400, parsed.body);
  if (context.entry.fault === 'expirePageToken') return send(400, zoomErrors.invalidPageToken());

  const page = readPage(stream, parsed.query, account, state);
  if (!page) return send(400, zoomErrors.invalidPageToken());
  const echo = (day: string) => (state.options.echoedDateForm === 'dateTime' ? `${day}T00:00:00Z` : day);
  return send(200, {
    from: echo(parsed.query.from),
    to: echo(parsed.query.to),
    page_size: parsed.query.pageSize,
    next_page_token: page.nextPageToken,
    [stream.recordsKey]: page.items.map((r) => r.value),
  });
}

interface Page {
  items: readonly StoredRecord[];
  nextPageToken: string;
}

/** One page of the window, or undefined when the page token is not valid for this query. */
function readPage(stream: ReportStream, query: ReportQuery, account: SimAccount, state: SimState): Page | undefined {
  // A token is bound to the endpoint, the effective window and the filter;
  // page_size may change between pages (paging is by position).
  const scope = [stream.logType, query.from, query.to, query.categoryType ?? 'all'].join('|');
  let cursor: PageCursor = { scope, accountId: account.accountId, offset: 0 };
  if (query.nextPageToken !== undefined) {
    const resolved = state.pageTokens.resolve(query.nextPageToken, scope, account.accountId);
    if (!resolved) return undefined;
    cursor = resolved;
  }
  const source = account.daySource(stream.logType);
  const spec = account.windowSpec(query.startMs, query.endMs, query.categoryType);
  const shuffled = state.options.tieOrder === 'shuffled';
  const oldestFirst = state.options.recordOrder === 'oldestFirst';
  const end = cursor.offset + query.pageSize;
  /** The whole window in the order served: newest first, ties shuffled, or turned around. */
  const wholeWindow = (): StoredRecord[] => {
    const all = collectWindow(source, spec);
    if (shuffled) shuffleTies(all, state.tieRandom);
    if (oldestFirst) all.reverse();
    return all;
  };

  let items: readonly StoredRecord[];
  let hasMore: boolean;
  let snapshot = cursor.snapshot;
  if (state.options.pagingConsistency === 'snapshot') {
    snapshot ??= wholeWindow();
    items = snapshot.slice(cursor.offset, end);
    hasMore = end < snapshot.length;
  } else if (shuffled || oldestFirst) {
    // Live: the whole list is built again on every request, so a run of
    // shuffled ties straddling a page boundary can repeat or skip records.
    const all = wholeWindow();
    items = all.slice(cursor.offset, end);
    hasMore = end < all.length;
  } else {
    ({ items, hasMore } = sliceWindow(source, spec, cursor.offset, query.pageSize));
  }

  const nextPageToken = hasMore
    ? state.pageTokens.issue({
        scope,
        accountId: account.accountId,
        offset: cursor.offset + items.length,
        ...(snapshot ? { snapshot } : {}),
      })
    : '';
  return { items, nextPageToken };
}
