import type { ApiError, SessionInfo } from './types.ts';
import { navigate, currentPathWithQuery } from './router.tsx';

/** An error answered by the API (or a network failure), with the `fix` in words. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fix: string | undefined;
  readonly fields: ApiError['fields'];
  constructor(status: number, body: ApiError) {
    super(body.message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = body.code;
    this.fix = body.fix;
    this.fields = body.fields;
  }
}

let csrfToken: string | null = null;
let lastSession: SessionInfo | null = null;
let sessionListeners: ((s: SessionInfo) => void)[] = [];

/** Called by the App to learn about sign-in / sign-out. */
export function onSession(fn: (s: SessionInfo) => void): () => void {
  sessionListeners.push(fn);
  return () => {
    sessionListeners = sessionListeners.filter((f) => f !== fn);
  };
}
/** The session as last answered (null before the first answer). */
export function currentSession(): SessionInfo | null {
  return lastSession;
}
function publishSession(s: SessionInfo): void {
  csrfToken = s.csrfToken;
  lastSession = s;
  for (const fn of sessionListeners) fn(s);
}

/** GET /api/session (public). Also refreshes the CSRF token used by every non-GET. */
export async function fetchSession(): Promise<SessionInfo> {
  const s = await request<SessionInfo>('GET', '/api/session', undefined, { noAuthRedirect: true });
  publishSession(s);
  return s;
}

async function csrf(): Promise<string | null> {
  if (csrfToken) return csrfToken;
  const s = await fetchSession();
  return s.csrfToken;
}

interface RequestOptions {
  /** Do not send to /login on 401 (login, setup, session). */
  noAuthRedirect?: boolean;
  retried?: boolean;
}

function isPublicPath(path: string): boolean {
  return path === '/login' || path === '/setup';
}

async function request<T>(method: string, url: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = await csrf();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiRequestError(0, {
      code: 'network_error',
      message: `Could not reach the Zoomtrail server (${err instanceof Error ? err.message : String(err)}).`,
      fix: 'Check that the server is running and reachable, then try again.',
    });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const errBody: ApiError =
      data && typeof data === 'object' && 'message' in data
        ? (data as ApiError)
        : { code: `http_${res.status}`, message: `The server answered ${res.status} ${res.statusText}.`, fix: 'Try again; if it persists, look at the server log.' };
    if (res.status === 401 && !opts.noAuthRedirect) {
      csrfToken = null;
      const here = window.location.pathname;
      if (!isPublicPath(here)) navigate(`/login?next=${encodeURIComponent(currentPathWithQuery())}`, { replace: true });
    }
    // A stale CSRF token (e.g. after the server restarted): refresh it once and retry.
    if (res.status === 403 && method !== 'GET' && !opts.retried && /csrf/i.test(`${errBody.code} ${errBody.message}`)) {
      csrfToken = null;
      return request<T>(method, url, body, { ...opts, retried: true });
    }
    throw new ApiRequestError(res.status, errBody);
  }
  return data as T;
}

export const api = {
  get: <T>(url: string) => request<T>('GET', url),
  post: <T>(url: string, body?: unknown) => request<T>('POST', url, body ?? {}),
  patch: <T>(url: string, body: unknown) => request<T>('PATCH', url, body),
  put: <T>(url: string, body: unknown) => request<T>('PUT', url, body),
  del: (url: string) => request<void>('DELETE', url),
  /** Login / setup: public endpoints that answer a SessionInfo. */
  async signIn(url: '/api/login' | '/api/setup', body: unknown): Promise<SessionInfo> {
    const s = await request<SessionInfo>('POST', url, body, { noAuthRedirect: true });
    publishSession(s);
    return s;
  },
  async signOut(): Promise<void> {
    try {
      await request<void>('POST', '/api/logout', {}, { noAuthRedirect: true });
    } finally {
      publishSession({ authenticated: false, username: null, role: null, csrfToken: null, setupRequired: false });
    }
  },
};

/** Builds `?a=b&c=d`, leaving out empty values. */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function enc(id: string): string {
  return encodeURIComponent(id);
}
