import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { compileExpressionList, MatchExpressionError } from '../../detect/match-expression.js';
import type { SuppressionRecord } from '../../store/suppression-store.js';
import type { ApiContext } from '../api-context.js';
import type { SuppressionView } from '../api-types.js';
import { errorResponses, IdParams, NoContent } from '../schemas/common.js';
import { CreateSuppressionSchema, SuppressionListSchema, SuppressionQuerySchema, SuppressionViewSchema } from '../schemas/rules.js';
import { ApiHttpError, installApiErrorHandler, invalidField, iso, isoOrNull, notFound } from './route-support.js';

export function suppressionView(s: SuppressionRecord, nowMs: number): SuppressionView {
  return {
    id: s.id,
    ruleId: s.ruleId,
    match: s.match,
    reason: s.reason,
    until: isoOrNull(s.untilMs),
    createdBy: s.createdBy,
    createdAt: iso(s.createdAt),
    suppressedCount: s.suppressedCount,
    lastSuppressedAt: isoOrNull(s.lastSuppressedMs),
    active: s.untilMs === null || nowMs < s.untilMs,
  };
}

/**
 * GET /suppressions?ruleId, POST /suppressions, DELETE /suppressions/:id: rule
 * suppressions (Panther's Inline Filters, as tuning), with the matches each
 * held back. The match expressions are checked as YAML rules' are.
 */
export const suppressionsRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = context.app;
  const { rules } = context.pipeline;

  fastify.get(
    '/suppressions',
    { config: { access: 'read' }, schema: { tags: ['rules'], querystring: SuppressionQuerySchema, response: { 200: SuppressionListSchema, ...errorResponses(400) } } },
    async (request) => {
      const { ruleId } = request.query;
      const list = await store.listSuppressions(ruleId !== undefined ? { ruleId } : {});
      const now = clock.now();
      return { suppressions: list.map((s) => suppressionView(s, now)) };
    },
  );

  fastify.post(
    '/suppressions',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['rules'],
        summary: 'Stop a rule alerting on the events its match expressions select (counted, never silently dropped)',
        body: CreateSuppressionSchema,
        response: { 201: SuppressionViewSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { ruleId, match, reason, until } = request.body;
      const rule = rules.find(ruleId);
      if (!rule) throw invalidField('ruleId', `There is no rule "${ruleId}".`);
      try {
        compileExpressionList(match, ['match']);
      } catch (error) {
        if (!(error instanceof MatchExpressionError)) throw error;
        const field = error.path.join('.');
        throw new ApiHttpError(400, 'invalid_request', `${field}: ${error.message}`, [{ field, message: error.message }], error.fix);
      }
      const now = clock.now();
      const untilMs = until === undefined || until === null ? null : Date.parse(until);
      if (untilMs !== null && untilMs <= now) throw invalidField('until', 'until is in the past: the suppression would never apply.');
      const created = await store.createSuppression({ ruleId: rule.meta.id, match, reason, untilMs, createdBy: request.user?.username ?? 'unknown' });
      return reply.code(201).send(suppressionView(created, now));
    },
  );

  fastify.delete(
    '/suppressions/:id',
    { config: { access: 'admin' }, schema: { tags: ['rules'], params: IdParams, response: { 204: NoContent, ...errorResponses(404) } } },
    async (request, reply) => {
      if (!(await store.deleteSuppression(request.params.id))) throw notFound('suppression', request.params.id);
      return reply.code(204).send();
    },
  );
};
