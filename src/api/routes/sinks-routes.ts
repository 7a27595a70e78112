import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import { replaySink, retryDeadLetters, sendTestEvent } from '../../forward/sink-actions.js';
import { sinkHealth } from '../../forward/sink-health.js';
import { sinkFor } from '../../forward/sink-registry.js';
import { parseStartPoint, startOption } from '../../forward/sink-start-point.js';
import { sinkFilterProblem, sinkTargetProblem, updateSink, type SinkEditProblem } from '../../forward/update-sink.js';
import type { SinkRecord } from '../../store/sink-store.js';
import type { ApiContext } from '../api-context.js';
import { errorResponses, IdParams, NoContent } from '../schemas/common.js';
import {
  CreateSinkRequestSchema,
  DeadLetterListSchema,
  DeadLetterRetryRequestSchema,
  DeadLetterRetryResultSchema,
  ReplayRequestSchema,
  ReplayResultSchema,
  SinkListSchema,
  SinkTestResultSchema,
  SinkViewSchema,
  UpdateSinkRequestSchema,
} from '../schemas/sinks.js';
import { ApiHttpError, installApiErrorHandler, invalidField, iso, isoOrNull, notFound } from './route-support.js';

type SinkView = Static<typeof SinkViewSchema>;

/** GET/POST /sinks, GET/PATCH/DELETE /sinks/:id, POST /sinks/:id/test|pause|resume|replay, GET /sinks/:id/dead-letters, POST /sinks/:id/dead-letters/retry. */
export const sinksRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock, logger } = context.app;
  const deps = () => ({ store, clock, logger, fetch: context.fetch, policy: context.app.outbound.policy });

  async function view(s: SinkRecord): Promise<SinkView> {
    const h = await sinkHealth(store, s);
    return {
      id: s.id,
      name: s.name,
      kind: s.kind as SinkView['kind'],
      format: s.format as SinkView['format'],
      url: s.url,
      settings: s.settings,
      logTypes: s.logTypes,
      fieldFilters: s.fieldFilters,
      paused: s.paused,
      hasSecret: s.hasSecret,
      createdAt: iso(s.createdAt),
      backlog: h.backlog,
      lagMs: h.lagMs,
      delivered: h.delivered,
      failed: h.failed,
      consecutiveFailures: h.consecutiveFailures,
      lastDeliveredAt: isoOrNull(h.lastDeliveredAt),
      nextAttemptAt: isoOrNull(h.nextAttemptAt),
      lastError: h.lastError,
    };
  }

  async function existing(id: string): Promise<SinkRecord> {
    const s = await store.getSink(id);
    if (!s || s.id !== id) throw notFound('sink', id); // by id only (the store also looks up names)
    return s;
  }

  async function nameFree(name: string): Promise<void> {
    const other = await store.getSink(name);
    if (other && other.name === name) throw new ApiHttpError(409, 'duplicate_sink', `A sink named "${name}" exists already.`, [{ field: 'name', message: 'name is taken' }]);
  }

  /** A refused change as the API answers it: the status of its kind, the field at fault, the fix. */
  function refused(problem: SinkEditProblem): ApiHttpError {
    const status = problem.code === 'duplicate_sink' ? 409 : 400;
    return new ApiHttpError(status, problem.code, problem.message, [{ field: problem.field, message: problem.message }], problem.fix);
  }

  fastify.get('/sinks', { config: { access: 'read' }, schema: { tags: ['sinks'], response: { 200: SinkListSchema } } }, async () => ({
    sinks: await Promise.all((await store.listSinks()).map(view)),
  }));

  fastify.get(
    '/sinks/:id',
    { config: { access: 'read' }, schema: { tags: ['sinks'], params: IdParams, response: { 200: SinkViewSchema, ...errorResponses(404) } } },
    async (request) => view(await existing(request.params.id)),
  );

  fastify.post(
    '/sinks',
    { config: { access: 'admin' }, schema: { tags: ['sinks'], body: CreateSinkRequestSchema, response: { 201: SinkViewSchema, ...errorResponses(400, 409) } } },
    async (request, reply) => {
      const body = request.body;
      const name = body.name.trim();
      if (name === '') throw invalidField('name', 'name must not be blank');
      const module = sinkFor(body.kind);
      const secret = body.secret ?? null;
      if (module.needsSecret && secret === null) throw invalidField('secret', `a ${body.kind} sink needs a secret`);
      const config = { url: body.url, settings: body.settings ?? {} };
      const problem = sinkTargetProblem(module, config, secret, context.app.outbound.policy) ?? sinkFilterProblem(body.logTypes, body.fieldFilters);
      if (problem) throw refused(problem);
      const point = parseStartPoint(body.from ?? 'all');
      if (typeof point === 'string') throw invalidField('from', point);
      await nameFree(name);
      const created = await store.createSink({
        name,
        kind: body.kind,
        format: body.format ?? 'panther',
        url: body.url,
        settings: config.settings,
        secret,
        logTypes: body.logTypes && body.logTypes.length > 0 ? body.logTypes : null,
        fieldFilters: body.fieldFilters ?? [],
        createdBy: request.user!.username,
        start: startOption(point),
      });
      return reply.code(201).send(await view(created));
    },
  );

  fastify.patch(
    '/sinks/:id',
    {
      config: { access: 'admin' },
      schema: { tags: ['sinks'], params: IdParams, body: UpdateSinkRequestSchema, response: { 200: SinkViewSchema, ...errorResponses(400, 404, 409) } },
    },
    async (request) => {
      const result = await updateSink(await existing(request.params.id), request.body, { store, policy: context.app.outbound.policy });
      if (!result.ok) throw refused(result.problem);
      return view(result.sink);
    },
  );

  fastify.delete(
    '/sinks/:id',
    { config: { access: 'admin' }, schema: { tags: ['sinks'], params: IdParams, response: { 204: NoContent, ...errorResponses(404) } } },
    async (request, reply) => {
      const s = await existing(request.params.id);
      if (!(await store.removeSink(s.id))) throw notFound('sink', s.id);
      return reply.code(204).send();
    },
  );

  fastify.post(
    '/sinks/:id/test',
    { config: { access: 'admin' }, schema: { tags: ['sinks'], params: IdParams, response: { 200: SinkTestResultSchema, ...errorResponses(404) } } },
    async (request) => {
      const s = await existing(request.params.id);
      const result = await sendTestEvent(s, deps());
      return result.ok
        ? { ok: true, message: `The ${s.kind} sink accepted the test event.` }
        : { ok: false, message: result.error.message, ...(result.error.fix ? { fix: result.error.fix } : {}) };
    },
  );

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    fastify.post(
      `/sinks/:id/${action}`,
      { config: { access: 'admin' }, schema: { tags: ['sinks'], params: IdParams, response: { 200: SinkViewSchema, ...errorResponses(404) } } },
      async (request) => view(await store.setSinkPaused((await existing(request.params.id)).id, paused)),
    );
  }

  fastify.post(
    '/sinks/:id/replay',
    { config: { access: 'admin' }, schema: { tags: ['sinks'], params: IdParams, body: ReplayRequestSchema, response: { 200: ReplayResultSchema, ...errorResponses(400, 404) } } },
    async (request) => {
      const s = await existing(request.params.id);
      const point = parseStartPoint(request.body.from);
      if (typeof point === 'string') throw invalidField('from', point);
      return { backlog: await replaySink(s, point, { store, clock }) };
    },
  );

  fastify.get(
    '/sinks/:id/dead-letters',
    { config: { access: 'read' }, schema: { tags: ['sinks'], params: IdParams, response: { 200: DeadLetterListSchema, ...errorResponses(404) } } },
    async (request) => {
      const s = await existing(request.params.id);
      return { deadLetters: (await store.listSinkDeadLetters(s.id, 500)).map((l) => ({ rowId: l.rowId, reason: l.reason, failedAt: iso(l.failedAt) })) };
    },
  );

  fastify.post(
    '/sinks/:id/dead-letters/retry',
    {
      config: { access: 'admin' },
      schema: { tags: ['sinks'], params: IdParams, body: DeadLetterRetryRequestSchema, response: { 200: DeadLetterRetryResultSchema, ...errorResponses(400, 404) } },
    },
    async (request) => {
      const s = await existing(request.params.id);
      const { all, rowIds } = request.body;
      if (!all === !rowIds) throw invalidField('all', 'give all: true or rowIds, not both');
      const result = await retryDeadLetters(s, all ? { all: true } : { rowIds: rowIds ?? [] }, deps());
      return { delivered: result.delivered, refused: result.refused, gone: result.gone, error: result.error ?? null };
    },
  );
};
