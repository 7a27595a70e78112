import type { FastifyPluginAsync } from 'fastify';
import type { FailureQuery } from '../../store/store.js';
import type { LogType } from '../../zoom/report-records.js';
import type { ApiContext } from '../api-context.js';
import type { FailureView } from '../api-types.js';
import { errorResponses, installApiErrorHandler, iso, isoTimeSchema, logTypeSchema } from './route-support.js';

export const failureViewSchema = {
  type: 'object',
  properties: {
    rowId: { type: 'string' },
    sourceId: { type: 'string' },
    logType: logTypeSchema,
    day: { type: 'string' },
    raw: { type: 'string' },
    reason: { type: 'string' },
    field: { type: ['string', 'null'] },
    failedAt: isoTimeSchema,
  },
  required: ['rowId', 'sourceId', 'logType', 'day', 'raw', 'reason', 'field', 'failedAt'],
} as const;

/** GET /failures?sourceId&logType&limit -> { failures (oldest first), total (all matching) } */
export const failuresRoutes: FastifyPluginAsync<ApiContext> = async (fastify, context) => {
  installApiErrorHandler(fastify);
  const { store } = context.app;

  fastify.get<{ Querystring: { sourceId?: string; logType?: LogType; limit: number } }>(
    '/failures',
    {
      schema: {
        tags: ['events'],
        querystring: {
          type: 'object',
          properties: { sourceId: { type: 'string', minLength: 1 }, logType: logTypeSchema, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        },
        response: {
          200: { type: 'object', properties: { failures: { type: 'array', items: failureViewSchema }, total: { type: 'integer' } }, required: ['failures', 'total'] },
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
