import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { FailureQuery } from '../../store/store.js';
import type { ApiContext } from '../api-context.js';
import type { FailureView } from '../api-types.js';
import { errorResponses } from '../schemas/common.js';
import { FailureListSchema, FailureQuerySchema } from '../schemas/events.js';
import { installApiErrorHandler, iso } from './route-support.js';

/** GET /failures?sourceId&logType&limit -> { failures (oldest first), total (all matching) } */
export const failuresRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = context.app;

  fastify.get(
    '/failures',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        querystring: FailureQuerySchema,
        response: {
          200: FailureListSchema,
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { sourceId, logType, limit } = request.query;
      const filter: Omit<FailureQuery, 'limit'> = {};
      if (sourceId !== undefined) filter.sourceId = sourceId;
      if (logType !== undefined) filter.logType = logType;
      const failures: FailureView[] = [];
      for await (const f of store.listFailures({ ...filter, limit })) {
        failures.push({ rowId: f.rowId, sourceId: f.sourceId, logType: f.logType, day: f.day, raw: f.raw, reason: f.reason, field: f.field, failedAt: iso(f.failedAt) });
      }
      return { failures, total: await store.countFailures(filter) };
    },
  );
};
