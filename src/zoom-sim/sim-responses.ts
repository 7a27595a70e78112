import type { FastifyReply } from 'fastify';
import { STATUS_CODES, type OutgoingHttpHeaders } from 'node:http';
import type { FaultKind } from './fault-injector.js';
import type { RequestContext, RequestLog } from './request-log.js';
import { zoomErrors } from './zoom-errors.js';

export const JSON_TYPE = 'application/json;charset=UTF-8';
const HTML_TYPE = 'text/html;charset=UTF-8';

export type RetryAfterFormat = 'seconds' | 'iso' | 'none';

export interface RateLimitState {
  type: 'QPS' | 'Daily-limit';
  limit: number;
  remaining: number;
}

/** Zoom sends these on Heavy responses, but any of them may be missing, hence the switch. */
export function setRateLimitHeaders(reply: FastifyReply, state: RateLimitState, enabled: boolean): void {
  if (!enabled) return;
  reply.header('X-RateLimit-Category', 'Heavy');
  reply.header('X-RateLimit-Type', state.type);
  reply.header('X-RateLimit-Limit', String(state.limit));
  reply.header('X-RateLimit-Remaining', String(Math.max(0, state.remaining)));
}

/**
 * Zoom writes Retry-After either as seconds or as an ISO date-time without
 * milliseconds (`2020-05-31T00:00:00Z`); collectors that only parse one form
 * crash on the other, so both are served.
 */
export function setRetryAfter(reply: FastifyReply, retryAtMs: number, nowMs: number, format: RetryAfterFormat): void {
  if (format === 'none') return;
  if (format === 'iso') {
    reply.header('Retry-After', new Date(Math.ceil(retryAtMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  } else {
    reply.header('Retry-After', String(Math.max(1, Math.ceil((retryAtMs - nowMs) / 1000))));
  }
}

export interface ResponseDeps {
  log: RequestLog;
  nowMs: number;
  retryAfterFormat: RetryAfterFormat;
  rateLimitHeaders: boolean;
}

/** The per-second 429, from a real limit or played as a fault. */
export function sendPerSecondLimit(reply: FastifyReply, context: RequestContext, deps: ResponseDeps, limit: number, retryAtMs: number): void {
  setRateLimitHeaders(reply, { type: 'QPS', limit, remaining: 0 }, deps.rateLimitHeaders);
  setRetryAfter(reply, retryAtMs, deps.nowMs, deps.retryAfterFormat);
  sendJson(reply, context, deps.log, 429, zoomErrors.perSecondLimit());
}

/**
 * Sends a JSON answer; when the request drew the `truncated` fault, only the
 * first half of the body goes out and the connection ends. The body is framed
 * by the connection close (no Content-Length, no chunking), as when a proxy or
 * Zoom's edge drops mid-response: the client reads a complete-looking 200 whose
 * JSON is cut, the case a collector must not mistake for an empty page.
 */
export function sendJson(reply: FastifyReply, context: RequestContext, log: RequestLog, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  if (context.entry.fault !== 'truncated') {
    reply.code(status).type(JSON_TYPE).send(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name.toLowerCase()] = value;
  headers['content-type'] = JSON_TYPE;
  headers['connection'] = 'close';
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  reply.hijack();
  const socket = reply.raw.socket;
  if (socket) {
    const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
    for (const [name, value] of Object.entries(headers)) {
      for (const v of Array.isArray(value) ? value : [value]) head.push(`${name}: ${String(v)}`);
    }
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    socket.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
  }
  log.finish(context, status);
}

function html(title: string): string {
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`;
}

/**
 * Faults played at Zoom's edge, before the request reaches the API: they do not
 * touch the account's budget (the injected 429 included).
 */
export function sendEdgeFault(
  kind: Extract<FaultKind, 'http5xx' | 'reset' | 'nonJson'>,
  reply: FastifyReply,
  context: RequestContext,
  log: RequestLog,
  status5xx: () => number,
): void {
  switch (kind) {
    case 'reset': {
      reply.hijack();
      reply.raw.socket?.destroy();
      log.finish(context, 0);
      return;
    }
    case 'http5xx': {
      const status = status5xx();
      const title = status === 502 ? '502 Bad Gateway' : status === 503 ? '503 Service Temporarily Unavailable' : '500 Internal Server Error';
      reply.code(status).type(HTML_TYPE).send(html(title));
      return;
    }
    case 'nonJson': {
      reply.code(200).type(HTML_TYPE).send(html('Zoom is under scheduled maintenance'));
      return;
    }
  }
}
