import type { Role, Scope } from '../domain/access-scope.js';
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
  role: Role;
  /** What this caller may do: the role's scopes, narrowed to the token's when `via` is `token`. */
  scopes: ReadonlySet<Scope>;
  /** The API token's name and id when `via` is `token`. */
  token: { id: string; name: string } | null;
}

/**
 * What a route needs, declared at registration as `config: { access }`: a scope
 * (see src/domain/access-scope.ts), or `signed-in` for what any authenticated
 * caller may do for themselves (sign out, own password, own tokens). A route
 * that is neither public nor declares one answers 403 to everyone.
 */
export type RouteAccess = Scope | 'signed-in';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every authenticated request; null only on public routes. */
    user: ApiUser | null;
  }
  interface FastifyContextConfig {
    /** Reachable without authentication (login, setup, the OAuth callback, the console's static files). */
    public?: boolean;
    /** What an authenticated caller needs to use this route (ignored on public routes). */
    access?: RouteAccess;
  }
}
