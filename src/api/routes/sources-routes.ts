import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ApiContext } from '../api-context.js';
import type {
  AuthorizeResponse,
  BackfillRequest,
  CheckResult,
  CoverageView,
  CreateSourceRequest,
  FinishSetupRequest,
  LogTypeName,
  SetupInfo,
  SourceDetail,
  SourceView,
  UpdateSourceRequest,
} from '../api-types.js';
import { buildSourceDetail, buildSourceView } from '../source-view.js';
import { checkStoredSource } from '../source-check.js';
import { sessionIdHash } from '../session-id.js';
import { SOURCE_DEFAULTS } from '../../collect/source-defaults.js';
import { addDays } from '../../domain/utc-days.js';
import { utcDay } from '../../shared/clock.js';
import type { DayCoverage, DayUpdate, SourcePatch, SourceRecord } from '../../store/store.js';
import { createAuthorizationRequest, PENDING_AUTHORIZATION_TTL_MS, revokeToken } from '../../zoom/authorization-code-flow.js';
import { CLASSIC_REPORT_SCOPE, REPORT_STREAMS } from '../../zoom/report-records.js';
import { checkEndpointUrl, ZOOM_COMMERCIAL } from '../../zoom/zoom-endpoints.js';
import { parseQuietSchedule, QuietScheduleError } from '../../health/quiet-schedule.js';
import type { QuietSchedule } from '../../store/store.js';
import {
  apiErrorSchema,
  checkResultSchema,
  coverageViewSchema,
  dropOffAlarmSchema,
  idParamsSchema,
  quietScheduleSchema,
  installValidationErrors,
  sendApiError,
  setupInfoSchema,
  sourceDetailSchema,
  sourceViewSchema,
  validationError,
} from './source-schemas.js';

/** The callback path registered in Zoom (Redirect URL and OAuth allow list). */
export const OAUTH_CALLBACK_PATH = '/oauth/callback';
/** Revoking at Zoom when a source is deleted is best effort: never hold the delete longer than this. */
const REVOKE_TIMEOUT_MS = 10_000;
const MIN_POLL_INTERVAL_MS = 60_000;
const MAX_POLL_INTERVAL_MS = 86_400_000;

const errors = { 400: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };

const sourceSettingsProperties = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  clientId: { type: 'string', minLength: 1, maxLength: 200 },
  clientSecret: { type: 'string', minLength: 1, maxLength: 1000 },
  zoomAccountId: { type: 'string', minLength: 1, maxLength: 200 },
  backfillDays: { type: 'integer', minimum: 1, maximum: 180 },
  pollIntervalMs: { type: 'integer', minimum: MIN_POLL_INTERVAL_MS, maximum: MAX_POLL_INTERVAL_MS },
  dropOffAlarmMinutes: dropOffAlarmSchema,
  quietSchedule: quietScheduleSchema,
} as const;

/** The quiet schedule of a request checked (time zone, days, window), or the 400 sent. */
function quietScheduleOf(reply: FastifyReply, value: unknown): { ok: true; value: QuietSchedule | null } | { ok: false; reply: FastifyReply } {
  if (value === null) return { ok: true, value: null };
  try {
    return { ok: true, value: parseQuietSchedule(value) };
  } catch (error) {
    if (error instanceof QuietScheduleError) return { ok: false, reply: validationError(reply, 'quietSchedule', error.message) };
    throw error;
  }
}

const createSourceBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...sourceSettingsProperties,
    authKind: { type: 'string', enum: ['s2s', 'authorization_code'] },
    paused: { type: 'boolean' },
    apiUrl: { type: 'string', minLength: 1, maxLength: 500 },
    oauthUrl: { type: 'string', minLength: 1, maxLength: 500 },
  },
  required: ['name', 'authKind', 'clientId', 'clientSecret'],
} as const;

const updateSourceBody = {
  type: 'object',
  additionalProperties: false,
  properties: { ...sourceSettingsProperties, paused: { type: 'boolean' } },
} as const;

function notFound(reply: FastifyReply, id: string): FastifyReply {
  return sendApiError(reply, 404, { code: 'not_found', message: `There is no source with id "${id}".`, fix: 'Reload the list of sources; it may have been deleted.' });
}

function notAuthorized(reply: FastifyReply): FastifyReply {
  return sendApiError(reply, 409, {
    code: 'setup_incomplete',
    message: 'The source is not authorized in Zoom yet, so it cannot collect.',
    fix: 'Finish the setup first: authorize the app (an admin with the report permissions approves it in Zoom), then run the check.',
  });
}

const isUnauthorized = (source: SourceRecord) => source.authKind === 'authorization_code' && !source.hasRefreshToken;

/** Sources: CRUD, pause/resume, backfill, coverage, and the setup wizard (setup info, authorize, check, finish). */
export const sourcesRoutes: FastifyPluginAsync<ApiContext> = async (fastify, ctx) => {
  installValidationErrors(fastify);
  const { store, clock } = ctx.app;

  const load = async (id: string, reply: FastifyReply): Promise<SourceRecord | undefined> => {
    const source = await store.getSource(id);
    if (!source) notFound(reply, id);
    return source;
  };
  const view = (source: SourceRecord): Promise<SourceView> => buildSourceView(store, source, clock.now());

  fastify.get(
    '/sources',
    { schema: { response: { 200: { type: 'object', properties: { sources: { type: 'array', items: sourceViewSchema } }, required: ['sources'] } } } },
    async () => {
      const sources = await store.listSources();
      return { sources: await Promise.all(sources.map(view)) };
    },
  );

  fastify.post<{ Body: CreateSourceRequest }>('/sources', { schema: { body: createSourceBody, response: { 201: sourceViewSchema, ...errors } } }, async (request, reply) => {
    const body = request.body;
    const name = body.name.trim();
    if (!name) return validationError(reply, 'name', 'must not be blank');
    if (body.authKind === 's2s' && !body.zoomAccountId?.trim()) {
      return validationError(reply, 'zoomAccountId', "is required for Server-to-Server OAuth: copy the Account ID from the app's App Credentials page in the Zoom App Marketplace");
    }
    let quietSchedule: QuietSchedule | null = null;
    if (body.quietSchedule !== undefined) {
      const checked = quietScheduleOf(reply, body.quietSchedule);
      if (!checked.ok) return checked.reply;
      quietSchedule = checked.value;
    }
    const apiUrl = body.apiUrl ?? ZOOM_COMMERCIAL.apiUrl;
    const oauthUrl = body.oauthUrl ?? ZOOM_COMMERCIAL.oauthUrl;
    for (const [field, label, value] of [
      ['apiUrl', 'API URL', apiUrl],
      ['oauthUrl', 'OAuth URL', oauthUrl],
    ] as const) {
      const problem = checkEndpointUrl(label, value);
      if (problem) return validationError(reply, field, problem);
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

  fastify.get<{ Params: { id: string } }>(
    '/sources/:id',
    { schema: { params: idParamsSchema, response: { 200: sourceDetailSchema, ...errors } } },
    async (request, reply): Promise<SourceDetail | FastifyReply> => {
      const source = await load(request.params.id, reply);
      if (!source) return reply;
      return buildSourceDetail(store, source, clock.now());
    },
  );

  fastify.patch<{ Params: { id: string }; Body: UpdateSourceRequest }>(
    '/sources/:id',
    { schema: { params: idParamsSchema, body: updateSourceBody, response: { 200: sourceViewSchema, ...errors } } },
    async (request, reply) => {
      const source = await load(request.params.id, reply);
      if (!source) return reply;
      const body = request.body;
      const patch: SourcePatch = {};
      if (body.name !== undefined) {
        if (!body.name.trim()) return validationError(reply, 'name', 'must not be blank');
        patch.name = body.name.trim();
      }
      if (body.clientId !== undefined) patch.clientId = body.clientId.trim();
      if (body.zoomAccountId !== undefined) patch.zoomAccountId = body.zoomAccountId.trim();
      if (body.backfillDays !== undefined) patch.backfillDays = body.backfillDays;
      if (body.pollIntervalMs !== undefined) patch.pollIntervalMs = body.pollIntervalMs;
      if (body.dropOffAlarmMinutes !== undefined) patch.dropOffAlarmMinutes = body.dropOffAlarmMinutes;
      if (body.quietSchedule !== undefined) {
        const checked = quietScheduleOf(reply, body.quietSchedule);
        if (!checked.ok) return checked.reply;
        patch.quietSchedule = checked.value;
      }
      if (body.paused !== undefined) {
        if (!body.paused && isUnauthorized(source)) return notAuthorized(reply);
        patch.paused = body.paused;
        // Collecting is the end of the setup, whichever way it was asked for.
        if (!body.paused) patch.setupFinished = true;
      }
      if (body.clientSecret !== undefined) await store.setSourceCredentials(source.id, { clientSecret: body.clientSecret });
      const updated = Object.keys(patch).length > 0 ? await store.updateSource(source.id, patch) : ((await store.getSource(source.id)) ?? source);
      return view(updated);
    },
  );

  fastify.delete<{ Params: { id: string } }>('/sources/:id', { schema: { params: idParamsSchema, response: { 204: { type: 'null' }, ...errors } } }, async (request, reply) => {
    const source = await load(request.params.id, reply);
    if (!source) return reply;
    if (source.authKind === 'authorization_code' && source.hasRefreshToken) {
      try {
        const credentials = await store.getSourceCredentials(source.id);
        if (credentials.refreshToken) {
          const revoked = await revokeToken({
            endpoints: { apiUrl: source.apiUrl, oauthUrl: source.oauthUrl },
            credentials: { clientId: source.clientId, clientSecret: credentials.clientSecret },
            token: credentials.refreshToken,
            fetchImpl: (input, init) => ctx.fetch(input, { ...init, signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS) }),
          });
          if (!revoked) request.log.warn({ sourceId: source.id }, 'Zoom did not accept revoking the refresh token; removing the source anyway');
        }
      } catch (error) {
        request.log.warn(
          { sourceId: source.id, err: error instanceof Error ? error.message : String(error) },
          'could not revoke the refresh token at Zoom; removing the source anyway',
        );
      }
    }
    await store.removeSource(source.id);
    return reply.code(204).send();
  });

  for (const action of ['pause', 'resume'] as const) {
    fastify.post<{ Params: { id: string } }>(
      `/sources/:id/${action}`,
      { schema: { params: idParamsSchema, response: { 200: sourceViewSchema, ...errors } } },
      async (request, reply) => {
        const source = await load(request.params.id, reply);
        if (!source) return reply;
        if (action === 'resume' && isUnauthorized(source)) return notAuthorized(reply);
        return view(await store.updateSource(source.id, action === 'pause' ? { paused: true } : { paused: false, setupFinished: true }));
      },
    );
  }

  fastify.post<{ Params: { id: string }; Body: BackfillRequest }>(
    '/sources/:id/backfill',
    {
      schema: {
        params: idParamsSchema,
        body: { type: 'object', additionalProperties: false, properties: { days: { type: 'integer', minimum: 1, maximum: 180 } }, required: ['days'] },
        response: { 200: sourceViewSchema, ...errors },
      },
    },
    async (request, reply) => {
      const source = await load(request.params.id, reply);
      if (!source) return reply;
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

  fastify.get<{ Params: { id: string }; Querystring: { days?: number } }>(
    '/sources/:id/coverage',
    {
      schema: {
        params: idParamsSchema,
        querystring: { type: 'object', properties: { days: { type: 'integer', minimum: 1, maximum: 180, default: 180 } } },
        response: { 200: coverageViewSchema, ...errors },
      },
    },
    async (request, reply): Promise<CoverageView | FastifyReply> => {
      const source = await load(request.params.id, reply);
      if (!source) return reply;
      const days = request.query.days ?? 180;
      const today = utcDay(clock.now());
      const first = addDays(today, -(days - 1));
      const byStream = new Map<LogTypeName, Map<string, DayCoverage>>();
      for (const stream of REPORT_STREAMS) {
        const rows = await store.listDayCoverage(source.id, stream.logType, first, today);
        byStream.set(stream.logType, new Map(rows.map((row) => [row.day, row])));
      }
      const cell = (row: DayCoverage | undefined): CoverageView['days'][number]['streams'][LogTypeName] => ({
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

  fastify.get('/setup-info', { schema: { response: { 200: setupInfoSchema } } }, async (): Promise<SetupInfo> => ({
    redirectUrl: `${ctx.publicUrl}${OAUTH_CALLBACK_PATH}`,
    publicUrl: ctx.publicUrl,
    scopes: { classic: [CLASSIC_REPORT_SCOPE], granular: REPORT_STREAMS.map((s) => s.granularScope) },
  }));

  fastify.post<{ Params: { id: string } }>(
    '/sources/:id/authorize',
    { schema: { params: idParamsSchema, response: { 200: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] }, ...errors } } },
    async (request, reply): Promise<AuthorizeResponse | FastifyReply> => {
      const source = await load(request.params.id, reply);
      if (!source) return reply;
      if (source.authKind !== 'authorization_code') {
        return sendApiError(reply, 409, {
          code: 'not_oauth_app',
          message: 'This source uses Server-to-Server OAuth: there is nothing to authorize.',
          fix: 'Run the check instead.',
        });
      }
      const sessionId = request.user?.sessionId;
      if (!sessionId) {
        return sendApiError(reply, 400, {
          code: 'session_required',
          message: 'Authorizing needs a browser session: the OAuth state is bound to it.',
          fix: "Sign in to the console in a browser and authorize from the source's setup page (not with an API token).",
        });
      }
      const pending = createAuthorizationRequest({ apiUrl: source.apiUrl, oauthUrl: source.oauthUrl }, source.clientId, `${ctx.publicUrl}${OAUTH_CALLBACK_PATH}`, clock);
      await store.savePendingAuthorization(sessionIdHash(sessionId), source.id, pending, pending.createdAt + PENDING_AUTHORIZATION_TTL_MS);
      return { url: pending.url };
    },
  );

  fastify.post<{ Params: { id: string } }>(
    '/sources/:id/check',
    { schema: { params: idParamsSchema, response: { 200: checkResultSchema, ...errors } } },
    async (request, reply): Promise<CheckResult | FastifyReply> => {
      const source = await load(request.params.id, reply);
      if (!source) return reply;
      return checkStoredSource(ctx, source);
    },
  );

  fastify.post<{ Params: { id: string }; Body: FinishSetupRequest }>(
    '/sources/:id/finish',
    {
      schema: {
        params: idParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { dropOffAlarmMinutes: dropOffAlarmSchema, quietSchedule: quietScheduleSchema },
          required: ['dropOffAlarmMinutes'],
        },
        response: { 200: sourceViewSchema, ...errors },
      },
    },
    async (request, reply) => {
      const source = await load(request.params.id, reply);
      if (!source) return reply;
      if (isUnauthorized(source)) return notAuthorized(reply);
      const patch: SourcePatch = { dropOffAlarmMinutes: request.body.dropOffAlarmMinutes, paused: false, setupFinished: true };
      if (request.body.quietSchedule !== undefined) {
        const checked = quietScheduleOf(reply, request.body.quietSchedule);
        if (!checked.ok) return checked.reply;
        patch.quietSchedule = checked.value;
      }
      return view(await store.updateSource(source.id, patch));
    },
  );
};
