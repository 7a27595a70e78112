import type { FastifyRequest } from 'fastify';
import type { SimApp } from './sim-app.js';

/** The app named by `Authorization: Basic base64(client_id:client_secret)`, if the secret is right. */
export function authenticateClient(request: FastifyRequest, apps: ReadonlyMap<string, SimApp>): SimApp | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const app = apps.get(decoded.slice(0, colon));
  return app && app.clientSecret === decoded.slice(colon + 1) ? app : undefined;
}
