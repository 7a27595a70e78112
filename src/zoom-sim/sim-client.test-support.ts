import { createHash, randomBytes } from 'node:crypto';
import type { ZoomSimulator } from './zoom-simulator.js';

/**
 * A deliberately raw HTTP client for the simulator's own tests (and anyone
 * poking at it by hand): no retries, no parsing beyond JSON, so every status,
 * header and body the simulator sends stays visible.
 */

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: Record<string, unknown> | undefined;
}

export function basicAuth(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

async function toRaw(response: Response): Promise<RawResponse> {
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POST a form to an OAuth endpoint (`/oauth/token`, `/oauth/revoke`). */
export async function postForm(sim: ZoomSimulator, path: string, form: Record<string, string>, auth?: { clientId: string; clientSecret: string } | string): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (typeof auth === 'string') headers.authorization = auth;
  else if (auth) headers.authorization = basicAuth(auth.clientId, auth.clientSecret);
  return toRaw(await fetch(`${sim.baseUrl}${path}`, { method: 'POST', headers, body: new URLSearchParams(form) }));
}

export async function s2sToken(sim: ZoomSimulator, app: { clientId: string; clientSecret: string }, accountId: string): Promise<string> {
  const response = await postForm(sim, '/oauth/token', { grant_type: 'account_credentials', account_id: accountId }, app);
  const token = response.json?.['access_token'];
  if (response.status !== 200 || typeof token !== 'string') throw new Error(`token request failed: ${response.status} ${response.text}`);
  return token;
}

/** GET a report path below the API URL (`/report/activities`) with a bearer token. */
export async function getReport(sim: ZoomSimulator, path: string, query: Record<string, string | number | undefined>, token?: string): Promise<RawResponse> {
  const url = new URL(`${sim.apiUrl}${path}`);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return toRaw(await fetch(url, { headers }));
}

/** Follows next_page_token to the end; throws on any non-200 page. */
export async function drainReport(
  sim: ZoomSimulator,
  path: string,
  query: Record<string, string | number | undefined>,
  token: string,
): Promise<{ records: unknown[]; pages: number }> {
  const key = path.endsWith('/activities') ? 'activity_logs' : 'operation_logs';
  const records: unknown[] = [];
  let pages = 0;
  let next = '';
  do {
    const response = await getReport(sim, path, { ...query, next_page_token: next || undefined }, token);
    if (response.status !== 200 || !response.json) throw new Error(`page ${pages + 1}: ${response.status} ${response.text}`);
    const items = response.json[key];
    if (!Array.isArray(items)) throw new Error(`page ${pages + 1}: no ${key}`);
    records.push(...(items as unknown[]));
    pages += 1;
    const nextToken = response.json['next_page_token'];
    next = typeof nextToken === 'string' ? nextToken : '';
  } while (next !== '');
  return { records, pages };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * Walks the authorization-code consent: GET the page, then POST the decision
 * the way the page's form would. Returns the redirect's Location.
 */
export async function authorize(
  sim: ZoomSimulator,
  params: Record<string, string>,
  decision: 'approve' | 'deny' = 'approve',
): Promise<{ page: RawResponse; location: URL | undefined; status: number }> {
  const url = new URL(`${sim.baseUrl}/oauth/authorize`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const page = await toRaw(await fetch(url));
  if (page.status !== 200) return { page, location: undefined, status: page.status };
  const response = await fetch(`${sim.baseUrl}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, decision }),
  });
  await response.text();
  const location = response.headers.get('location');
  return { page, location: location ? new URL(location) : undefined, status: response.status };
}
