import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../metrics-snapshot.js';

/**
 * GET /metrics: Prometheus text format. Authenticated like every route: give
 * Prometheus an API token (`authorization: { credentials: zt_... }` in its
 * scrape config).
 */
export const metricsRoutes: FastifyPluginAsync<ApiContext> = async (fastify, ctx) => {
  fastify.get('/metrics', { config: { access: 'metrics' }, schema: { hide: true } }, async (_request, reply) => {
    const text = await renderMetrics(ctx.app.store);
    return reply.header('content-type', METRICS_CONTENT_TYPE).header('cache-control', 'no-store').send(text);
  });
};
