import type { FastifyRequest } from 'fastify';

/**
 * Parameters of an OAuth call. Zoom's own examples put them in the query string
 * of the POST (`/oauth/token?grant_type=...`) while RFC 6749 clients send a
 * form body; both are accepted, the body winning.
 */
export function requestParams(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [request.query, request.body]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      const first = Array.isArray(value) ? (value as unknown[])[0] : value;
      if (typeof first === 'string') out[name] = first;
    }
  }
  return out;
}
