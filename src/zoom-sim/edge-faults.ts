import type { FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import type { RequestContext } from './request-log.js';
import { sendEdgeFault, sendPerSecondLimit, type ResponseDeps } from './sim-responses.js';
import type { SimState } from './sim-state.js';

export interface EdgeFaultRequest {
  isReport: boolean;
  hasPageToken: boolean;
  /** For the X-RateLimit-Limit of an injected 429, when the caller is known. */
  perSecondLimit?: number;
}

/**
 * Draws this request's fault and plays the ones that happen before Zoom's API
 * sees the request (reset, 5xx, HTML page, injected 429). Returns true when the
 * request has been answered. `truncated` and `expirePageToken` are only recorded
 * in the context: the route plays them on its real answer.
 */
export async function playEdgeFault(request: FastifyRequest, reply: FastifyReply, context: RequestContext, state: SimState, edge: EdgeFaultRequest): Promise<boolean> {
  const fault = state.faults.take({ path: context.entry.path, isReport: edge.isReport, hasPageToken: edge.hasPageToken });
  if (fault) context.entry.fault = fault;
  const latencyMs = state.faults.settings.latencyMs;
  if (edge.isReport && latencyMs > 0) await delay(latencyMs);
  if (edge.isReport && latencyMs > 0 && request.raw.socket.destroyed) {
    // The client gave up while the latency ran: nothing left to answer.
    reply.hijack();
    state.log.finish(context, 0);
    return true;
  }
  switch (fault) {
    case 'reset':
    case 'http5xx':
    case 'nonJson':
      sendEdgeFault(fault, reply, context, state.log, () => state.faults.pick5xxStatus());
      return true;
    case 'http429': {
      const nowMs = state.clock.now();
      sendPerSecondLimit(reply, context, edgeDeps(state, nowMs), edge.perSecondLimit ?? 10, (Math.floor(nowMs / 1000) + 1) * 1000);
      return true;
    }
    default:
      return false;
  }
}

export function edgeDeps(state: SimState, nowMs: number): ResponseDeps {
  return {
    log: state.log,
    nowMs,
    retryAfterFormat: state.options.retryAfterFormat,
    rateLimitHeaders: state.options.rateLimitHeaders,
  };
}
