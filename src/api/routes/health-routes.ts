import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../api-context.js';
import type { HealthView } from '../api-types.js';
import { deriveSourceState, loadStreams } from '../source-view.js';
import { sourceStateSchema } from './source-schemas.js';

/** Counting more pending deliveries than this says nothing more: the number is capped. */
export const PENDING_DELIVERIES_CAP = 1000;
const VERSION = '0.1.0';

const healthViewSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    version: { type: 'string' },
    pendingDetections: { type: 'integer' },
    pendingDeliveries: { type: 'integer' },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string' }, state: sourceStateSchema, stateDetail: { type: 'string' } },
        required: ['id', 'name', 'state', 'stateDetail'],
      },
    },
  },
  required: ['ok', 'version', 'pendingDetections', 'pendingDeliveries', 'sources'],
} as const;

/** GET /api/health (authenticated): the detection and delivery backlog, and each source's state. ok = no source in error. */
export const healthRoutes: FastifyPluginAsync<ApiContext> = async (fastify, ctx) => {
  const { store } = ctx.app;
  fastify.get('/health', { schema: { response: { 200: healthViewSchema } } }, async (): Promise<HealthView> => {
    const [pendingDetections, pending, sources] = await Promise.all([
      store.countPendingDetection(),
      store.listDeliveries({ state: 'pending', limit: PENDING_DELIVERIES_CAP }),
      store.listSources(),
    ]);
    const views = await Promise.all(sources.map(async (source) => ({ id: source.id, name: source.name, ...deriveSourceState(source, await loadStreams(store, source.id)) })));
    return {
      ok: views.every((v) => v.state !== 'error'),
      version: VERSION,
      pendingDetections,
      pendingDeliveries: Math.min(pending.length, PENDING_DELIVERIES_CAP),
      sources: views.map((v) => ({ id: v.id, name: v.name, state: v.state, stateDetail: v.stateDetail })),
    };
  });
};
