import type { AppContext } from '../app/app-context.js';
import type { Pipeline } from '../app/pipeline.js';

/**
 * What every route plugin is registered with. Route plugins never deal with
 * authentication or CSRF: the server (build-server.ts) enforces both for every
 * route, except those declaring `config: { public: true }`.
 */
export interface ApiContext {
  app: AppContext;
  /** Detection and delivery, for routes that test a destination or run the rules. */
  pipeline: Pipeline;
  /** Base URL the browser reaches Zoomtrail at, no trailing slash (e.g. `http://localhost:8080`): the OAuth Redirect URL is `${publicUrl}/oauth/callback`. */
  publicUrl: string;
  /** `fetch` for outbound calls (Zoom, destinations); tests inject one. */
  fetch: typeof fetch;
}

/** The authenticated caller, set by the server's auth hook before any non-public route runs. */
export interface ApiUser {
  /** User id, or the API token's owner. */
  id: string;
  username: string;
  /** `session` (browser, cookie + CSRF token) or `token` (Authorization: Bearer). */
  via: 'session' | 'token';
  /** The session id when `via` is `session` (OAuth `state` is bound to it). */
  sessionId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every authenticated request; null only on public routes. */
    user: ApiUser | null;
  }
  interface FastifyContextConfig {
    /** Reachable without authentication (login, setup, the OAuth callback, the console's static files). */
    public?: boolean;
  }
}
