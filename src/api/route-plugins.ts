import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from './api-context.js';
import { alertsRoutes } from './routes/alerts-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { destinationsRoutes } from './routes/destinations-routes.js';
import { sinksRoutes } from './routes/sinks-routes.js';
import { eventsRoutes } from './routes/events-routes.js';
import { failuresRoutes } from './routes/failures-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { rulesRoutes } from './routes/rules-routes.js';
import { oauthCallbackRoutes } from './routes/oauth-callback-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { sourcesRoutes } from './routes/sources-routes.js';
import { signInsRoutes } from './routes/sign-ins-routes.js';
import { suppressionsRoutes } from './routes/suppressions-routes.js';
import { savedSearchesRoutes } from './routes/saved-searches-routes.js';
import { usersRoutes } from './routes/users-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { oidcRoutes } from './routes/oidc-routes.js';
import { overviewRoutes } from './routes/overview-routes.js';

/**
 * Every resource's route plugin, registered in this one list (under `/api`
 * unless the plugin says otherwise). A plugin declares JSON schemas for its
 * input and output; the OpenAPI document is built from them.
 */
export const ROUTE_PLUGINS: ReadonlyArray<{ name: string; plugin: FastifyPluginAsync<ApiContext>; prefix: string }> = [
  { name: 'auth', plugin: authRoutes, prefix: '/api' },
  { name: 'oidc', plugin: oidcRoutes, prefix: '/api' },
  { name: 'sources', plugin: sourcesRoutes, prefix: '/api' },
  { name: 'oauth-callback', plugin: oauthCallbackRoutes, prefix: '' },
  { name: 'health', plugin: healthRoutes, prefix: '/api' },
  { name: 'events', plugin: eventsRoutes, prefix: '/api' },
  { name: 'failures', plugin: failuresRoutes, prefix: '/api' },
  { name: 'rules', plugin: rulesRoutes, prefix: '/api' },
  { name: 'suppressions', plugin: suppressionsRoutes, prefix: '/api' },
  { name: 'saved-searches', plugin: savedSearchesRoutes, prefix: '/api' },
  { name: 'alerts', plugin: alertsRoutes, prefix: '/api' },
  { name: 'overview', plugin: overviewRoutes, prefix: '/api' },
  { name: 'sign-ins', plugin: signInsRoutes, prefix: '/api' },
  { name: 'destinations', plugin: destinationsRoutes, prefix: '/api' },
  { name: 'sinks', plugin: sinksRoutes, prefix: '/api' },
  { name: 'users', plugin: usersRoutes, prefix: '/api' },
  { name: 'audit', plugin: auditRoutes, prefix: '/api' },
  { name: 'metrics', plugin: metricsRoutes, prefix: '' },
];
