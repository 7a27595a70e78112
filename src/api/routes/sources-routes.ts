import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isInternalSource } from '../../domain/internal-source.js';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../api-context.js';
import type { CoverageView, LogTypeName, SetupInfo, SourceView } from '../api-types.js';
import { buildSourceDetail, buildSourceView } from '../source-view.js';
import { checkStoredSource } from '../source-check.js';
import { sessionIdHash } from '../session-id.js';
import { startSourceAuthorization } from '../../app/source-authorization.js';
import { removeSource } from '../../app/source-service.js';
import { SOURCE_DEFAULTS } from '../../collect/source-defaults.js';
import { addDays } from '../../domain/utc-days.js';
import { utcDay } from '../../shared/clock.js';
import type { DayCoverage, DayUpdate, SourcePatch, SourceRecord } from '../../store/store.js';
import { CLASSIC_REPORT_SCOPE, REPORT_STREAMS } from '../../zoom/report-records.js';
import { checkEndpointUrl, ZOOM_COMMERCIAL } from '../../zoom/zoom-endpoints.js';
import { parseQuietSchedule, QuietScheduleError } from '../../health/quiet-schedule.js';
import type { QuietSchedule } from '../../store/store.js';
import { errorResponses, NoContent } from '../schemas/common.js';
import {
  AuthorizeResponseSchema,
  BackfillRequestSchema,
  CheckResultSchema,
  CoverageQuerySchema,
  CoverageViewSchema,
  CreateSourceRequestSchema,
  FinishSetupRequestSchema,
  SetupInfoSchema,
  SourceDetailSchema,
  SourceIdParams,
  SourceListSchema,
  SourceViewSchema,
  UpdateSourceRequestSchema,
} from '../schemas/sources.js';
import { ApiHttpError, installValidationErrors, sourceFieldError } from './route-support.js';

/** The callback path registered in Zoom (Redirect URL and OAuth allow list). */
export const OAUTH_CALLBACK_PATH = '/oauth/callback';
const errors = errorResponses(400, 404, 409);

/** The quiet schedule of a request checked (time zone, days, window), or a 400 naming it. */
function quietScheduleOf(value: unknown): QuietSchedule | null {
  if (value === null) return null;
  try {
    return parseQuietSchedule(value);
  } catch (error) {
    if (error instanceof QuietScheduleError) throw sourceFieldError('quietSchedule', error.message);
    throw error;
  }
}

function notFound(id: string): ApiHttpError {
  return new ApiHttpError(404, 'not_found', `There is no source with id "${id}".`, undefined, 'Reload the list of sources; it may have been deleted.');
}

function notAuthorized(): ApiHttpError {
  return new ApiHttpError(
    409,
    'setup_incomplete',
    'The source is not authorized in Zoom yet, so it cannot collect.',
    undefined,
    'Finish the setup first: authorize the app (an admin with the report permissions approves it in Zoom), then run the check.',
  );
}

const isUnauthorized = (source: SourceRecord) => source.authKind === 'authorization_code' && !source.hasRefreshToken;

/** Sources: CRUD, pause/resume, backfill, coverage, and the setup wizard (setup info, authorize, check, finish). */
export const sourcesRoutes: FastifyPluginAsync<ApiContext> = async (plugin, ctx) => {
  installValidationErrors(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = ctx.app;

  const load = async (id: string): Promise<SourceRecord> => {
    const source = isInternalSource(id) ? undefined : await store.getSource(id);
    if (!source) throw notFound(id);
    return source;
  };
  const view = (source: SourceRecord): Promise<SourceView> => buildSourceView(store, source, clock.now());

  fastify.get('/sources', { config: { access: 'read' }, schema: { response: { 200: SourceListSchema } } }, async () => {
    const sources = await store.listSources();
    return { sources: await Promise.all(sources.map(view)) };
  });

  fastify.post('/sources', { config: { access: 'admin' }, schema: { body: CreateSourceRequestSchema, response: { 201: SourceViewSchema, ...errors } } }, async (request, reply) => {
    const body = request.body;
    const name = body.name.trim();
    if (!name) throw sourceFieldError('name', 'must not be blank');
    if (body.authKind === 's2s' && !body.zoomAccountId?.trim()) {
      throw sourceFieldError('zoomAccountId', "is required for Server-to-Server OAuth: copy the Account ID from the app's App Credentials page in the Zoom App Marketplace");
    }
    const quietSchedule = body.quietSchedule !== undefined ? quietScheduleOf(body.quietSchedule) : null;
    const apiUrl = body.apiUrl ?? ZOOM_COMMERCIAL.apiUrl;
    const oauthUrl = body.oauthUrl ?? ZOOM_COMMERCIAL.oauthUrl;
    for (const [field, label, value] of [
      ['apiUrl', 'API URL', apiUrl],
      ['oauthUrl', 'OAuth URL', oauthUrl],
    ] as const) {
      const problem = checkEndpointUrl(label, value, ctx.app.outbound.policy);
      if (problem) throw sourceFieldError(field, problem);
    }
    const created = await store.createSource({
      name,
      authKind: body.authKind,
      zoomAccountId: body.zoomAccountId?.trim() || null,
      clientId: body.clientId.trim(),
      apiUrl,
      oauthUrl,
      backfillDays: body.backfillDays ?? SOURCE_DEFAULTS.backfillDays,
      pollIntervalMs: body.pollIntervalMs ?? SOURCE_DEFAULTS.pollIntervalMs,
      settleDays: SOURCE_DEFAULTS.settleDays,
      reconcileIntervalMs: SOURCE_DEFAULTS.reconcileIntervalMs,
      requestsPerSecond: SOURCE_DEFAULTS.requestsPerSecond,
      requestsPerDay: SOURCE_DEFAULTS.requestsPerDay,
      // An OAuth app cannot collect before an admin has authorized it: it starts paused. The
      // wizard also creates S2S sources paused, until its check passes and the user finishes.
      paused: body.authKind === 'authorization_code' || body.paused === true,
      // Such a draft is `setup_incomplete` (not `paused`) until Finish Setup, or a resume.
      setupFinished: !(body.authKind === 'authorization_code' || body.paused === true),
      dropOffAlarmMinutes: body.dropOffAlarmMinutes ?? null,
      quietSchedule,
      credentials: { clientSecret: body.clientSecret },
    });
    return reply.code(201).send(await view(created));
  });

  fastify.get('/sources/:id', { config: { access: 'read' }, schema: { params: SourceIdParams, response: { 200: SourceDetailSchema, ...errors } } }, async (request) => {
    const source = await load(request.params.id);
    return buildSourceDetail(store, source, clock.now());
  });

  fastify.patch(
    '/sources/:id',
    { config: { access: 'admin' }, schema: { params: SourceIdParams, body: UpdateSourceRequestSchema, response: { 200: SourceViewSchema, ...errors } } },
    async (request) => {
      const source = await load(request.params.id);
      const body = request.body;
      const patch: SourcePatch = {};
      if (body.name !== undefined) {
        if (!body.name.trim()) throw sourceFieldError('name', 'must not be blank');
        patch.name = body.name.trim();
      }
      if (body.clientId !== undefined) patch.clientId = body.clientId.trim();
      if (body.zoomAccountId !== undefined) patch.zoomAccountId = body.zoomAccountId.trim();
      if (body.backfillDays !== undefined) patch.backfillDays = body.backfillDays;
      if (body.pollIntervalMs !== undefined) patch.pollIntervalMs = body.pollIntervalMs;
      if (body.dropOffAlarmMinutes !== undefined) patch.dropOffAlarmMinutes = body.dropOffAlarmMinutes;
      if (body.quietSchedule !== undefined) patch.quietSchedule = quietScheduleOf(body.quietSchedule);
      if (body.paused !== undefined) {
        if (!body.paused && isUnauthorized(source)) throw notAuthorized();
        patch.paused = body.paused;
        // Collecting is the end of the setup, whichever way it was asked for.
        if (!body.paused) patch.setupFinished = true;
      }
      if (body.clientSecret !== undefined) await store.setSourceCredentials(source.id, { clientSecret: body.clientSecret });
      const updated = Object.keys(patch).length > 0 ? await store.updateSource(source.id, patch) : ((await store.getSource(source.id)) ?? source);
      return view(updated);
    },
  );

  fastify.delete('/sources/:id', { config: { access: 'admin' }, schema: { params: SourceIdParams, response: { 204: NoContent, ...errors } } }, async (request, reply) => {
    const source = await load(request.params.id);
    await removeSource({ store, fetch: ctx.fetch, logger: request.log }, source.id);
    return reply.code(204).send();
  });

  for (const action of ['pause', 'resume'] as const) {
    fastify.post(`/sources/:id/${action}`, { config: { access: 'admin' }, schema: { params: SourceIdParams, response: { 200: SourceViewSchema, ...errors } } }, async (request) => {
      const source = await load(request.params.id);
      if (action === 'resume' && isUnauthorized(source)) throw notAuthorized();
      return view(await store.updateSource(source.id, action === 'pause' ? { paused: true } : { paused: false, setupFinished: true }));
    });
  }

  fastify.post(
    '/sources/:id/backfill',
    { config: { access: 'admin' }, schema: { params: SourceIdParams, body: BackfillRequestSchema, response: { 200: SourceViewSchema, ...errors } } },
    async (request) => {
      const source = await load(request.params.id);
      const { days } = request.body;
      const updated = await store.updateSource(source.id, { backfillDays: days });
      // The planner reads every day in the backfill range that has no full read
      // (new days) or is not complete: reopening the complete days makes the
      // collector read the whole range again on its next cycle. Re-reading is
      // idempotent (events are stored by row identity).
      const today = utcDay(clock.now());
      const first = addDays(today, -(days - 1));
      for (const stream of REPORT_STREAMS) {
        const rows = await store.listDayCoverage(source.id, stream.logType, first, today);
        const reopen: DayUpdate[] = rows.filter((row) => row.state === 'complete').map((row) => ({ day: row.day, state: 'open' }));
        if (reopen.length > 0) await store.updateStream(source.id, stream.logType, {}, reopen);
      }
      return view(updated);
    },
  );

  fastify.get(
    '/sources/:id/coverage',
    { config: { access: 'read' }, schema: { params: SourceIdParams, querystring: CoverageQuerySchema, response: { 200: CoverageViewSchema, ...errors } } },
    async (request): Promise<CoverageView> => {
      const source = await load(request.params.id);
      const days = request.query.days ?? 180;
      const today = utcDay(clock.now());
      const first = addDays(today, -(days - 1));
      const byStream = new Map<LogTypeName, Map<string, DayCoverage>>();
      for (const stream of REPORT_STREAMS) {
        const rows = await store.listDayCoverage(source.id, stream.logType, first, today);
        byStream.set(stream.logType, new Map(rows.map((row) => [row.day, row])));
      }
      const cell = (row: DayCoverage | undefined): CoverageView['days'][number]['streams']['Zoom.Activity'] => ({
        state: row ? row.state : 'missing',
        records: row?.records ?? 0,
        ambiguous: row?.ambiguous ?? false,
        gainedAfterComplete: row?.gainedAfterComplete ?? 0,
        lastError: row?.lastError ?? null,
      });
      const out: CoverageView['days'] = [];
      for (let day = first; day <= today; day = addDays(day, 1)) {
        out.push({
          day,
          streams: {
            'Zoom.Activity': cell(byStream.get('Zoom.Activity')?.get(day)),
            'Zoom.Operation': cell(byStream.get('Zoom.Operation')?.get(day)),
          },
        });
      }
      return { days: out };
    },
  );

  fastify.get('/setup-info', { config: { access: 'read' }, schema: { response: { 200: SetupInfoSchema } } }, async (): Promise<SetupInfo> => ({
    redirectUrl: `${ctx.publicUrl}${OAUTH_CALLBACK_PATH}`,
    publicUrl: ctx.publicUrl,
    scopes: { classic: [CLASSIC_REPORT_SCOPE], granular: REPORT_STREAMS.map((s) => s.granularScope) },
  }));

  fastify.post(
    '/sources/:id/authorize',
    { config: { access: 'admin' }, schema: { params: SourceIdParams, response: { 200: AuthorizeResponseSchema, ...errors } } },
    async (request) => {
      const source = await load(request.params.id);
      const sessionId = request.user?.sessionId;
      return startSourceAuthorization(
        { store, clock, fetch: ctx.fetch, logger: request.log },
        source,
        sessionId ? sessionIdHash(sessionId) : undefined,
        `${ctx.publicUrl}${OAUTH_CALLBACK_PATH}`,
      );
    },
  );

  fastify.post('/sources/:id/check', { config: { access: 'admin' }, schema: { params: SourceIdParams, response: { 200: CheckResultSchema, ...errors } } }, async (request) => {
    const source = await load(request.params.id);
    return checkStoredSource(ctx, source);
  });

  fastify.post(
    '/sources/:id/finish',
    { config: { access: 'admin' }, schema: { params: SourceIdParams, body: FinishSetupRequestSchema, response: { 200: SourceViewSchema, ...errors } } },
    async (request) => {
      const source = await load(request.params.id);
      if (isUnauthorized(source)) throw notAuthorized();
      const patch: SourcePatch = { dropOffAlarmMinutes: request.body.dropOffAlarmMinutes, paused: false, setupFinished: true };
      if (request.body.quietSchedule !== undefined) patch.quietSchedule = quietScheduleOf(request.body.quietSchedule);
      return view(await store.updateSource(source.id, patch));
    },
  );
};
