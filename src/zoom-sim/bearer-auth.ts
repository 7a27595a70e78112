import type { FastifyRequest } from 'fastify';
import type { SimAccount } from './sim-account.js';
import type { SimApp } from './sim-app.js';
import type { SimState } from './sim-state.js';
import { zoomErrors, type ZoomErrorBody } from './zoom-errors.js';

export type BearerAuth = { ok: true; app: SimApp; account: SimAccount } | { ok: false; body: ZoomErrorBody };

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * API authentication. Zoom stopped accepting `access_token` in the query string
 * in 2023: such a request is refused even when a valid header is also present.
 */
export function authenticateBearer(request: FastifyRequest, state: SimState): BearerAuth {
  const query = request.query as Record<string, unknown> | undefined;
  if (query && query['access_token'] !== undefined) return { ok: false, body: zoomErrors.invalidAccessToken() };
  const token = bearerToken(request);
  if (token === undefined) return { ok: false, body: zoomErrors.invalidAccessToken() };
  const check = state.tokens.check(token);
  if (!check.ok) {
    return { ok: false, body: check.reason === 'expired' ? zoomErrors.expiredAccessToken() : zoomErrors.invalidAccessToken() };
  }
  const app = state.apps.get(check.record.clientId);
  const account = state.accounts.get(check.record.accountId);
  if (!app || !account) return { ok: false, body: zoomErrors.invalidAccessToken() };
  return { ok: true, app, account };
}

/** Who is calling, for the request log and fault headers only: no verdict. */
export function peekCaller(request: FastifyRequest, state: SimState): { clientId: string; accountId: string } | undefined {
  const token = bearerToken(request);
  if (token === undefined) return undefined;
  const check = state.tokens.check(token);
  return check.ok ? { clientId: check.record.clientId, accountId: check.record.accountId } : undefined;
}
