import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ApiError } from '../api-types.js';

/** JSON schemas of the source routes' inputs and outputs (the OpenAPI document is built from them). */

const nullable = (type: string) => ({ type: [type, 'null'] });
const isoTime = { type: 'string', format: 'date-time' };
const nullableTime = { type: ['string', 'null'], format: 'date-time' };

export const apiErrorSchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    fix: { type: 'string' },
    fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] } },
  },
  required: ['code', 'message'],
} as const;

const lastErrorSchema = {
  type: ['object', 'null'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, fix: { type: 'string' }, at: isoTime },
  required: ['code', 'message', 'fix', 'at'],
} as const;

export const sourceStateSchema = {
  type: 'string',
  enum: [
    'setup_incomplete',
    'paused',
    'reauthorization_required',
    'wrong_credentials',
    'missing_scope',
    'permission_missing',
    'rate_limited',
    'zoom_unavailable',
    'error',
    'not_collected_yet',
    'no_data',
    'classification_failures',
    'rule_errors',
    'reading',
    'quiet',
    'healthy',
  ],
} as const;

/** A quiet schedule as stored (the routes check it further with parseQuietSchedule). */
export const quietScheduleSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    timeZone: { type: 'string', minLength: 1, maxLength: 100 },
    days: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 6 }, maxItems: 7 },
    window: {
      type: 'object',
      additionalProperties: false,
      properties: { from: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }, to: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } },
      required: ['from', 'to'],
    },
  },
  required: ['timeZone'],
} as const;

export const alarmViewSchema = {
  type: 'object',
  properties: { alertId: { type: 'string' }, ruleId: { type: 'string' }, title: { type: 'string' }, status: { type: 'string' }, raisedAt: nullableTime },
  required: ['alertId', 'ruleId', 'title', 'status', 'raisedAt'],
} as const;

const heartbeatViewSchema = {
  type: 'object',
  properties: {
    logType: { type: 'string', enum: ['Zoom.Activity', 'Zoom.Operation'] },
    at: isoTime,
    outcome: { type: 'string', enum: ['data', 'empty', 'error', 'skipped'] },
    errorCode: nullable('string'),
    records: { type: 'integer' },
    durationMs: { type: 'integer' },
  },
  required: ['logType', 'at', 'outcome', 'errorCode', 'records', 'durationMs'],
} as const;
const authKindSchema = { type: 'string', enum: ['s2s', 'authorization_code'] } as const;
const logTypeSchema = { type: 'string', enum: ['Zoom.Activity', 'Zoom.Operation'] } as const;

export const sourceViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    authKind: authKindSchema,
    zoomAccountId: nullable('string'),
    clientId: { type: 'string' },
    apiUrl: { type: 'string' },
    oauthUrl: { type: 'string' },
    backfillDays: { type: 'integer' },
    pollIntervalMs: { type: 'integer' },
    paused: { type: 'boolean' },
    hasClientSecret: { type: 'boolean' },
    hasRefreshToken: { type: 'boolean' },
    dropOffAlarmMinutes: nullable('integer'),
    quietSchedule: quietScheduleSchema,
    createdAt: isoTime,
    state: sourceStateSchema,
    stateDetail: { type: 'string' },
    stateCause: { type: 'string' },
    stateFix: { type: 'string' },
    stateSince: nullableTime,
    lastEventTime: nullableTime,
    lastPollTime: nullableTime,
    eventsLast24h: { type: 'integer' },
    sparkline: { type: 'array', items: { type: 'integer' }, minItems: 24, maxItems: 24 },
    lastError: lastErrorSchema,
  },
  required: [
    'id',
    'name',
    'authKind',
    'zoomAccountId',
    'clientId',
    'apiUrl',
    'oauthUrl',
    'backfillDays',
    'pollIntervalMs',
    'paused',
    'hasClientSecret',
    'hasRefreshToken',
    'dropOffAlarmMinutes',
    'quietSchedule',
    'createdAt',
    'state',
    'stateDetail',
    'stateCause',
    'stateFix',
    'stateSince',
    'lastEventTime',
    'lastPollTime',
    'eventsLast24h',
    'sparkline',
    'lastError',
  ],
} as const;

export const streamViewSchema = {
  type: 'object',
  properties: {
    logType: logTypeSchema,
    newestEventTime: nullableTime,
    lastPollTime: nullableTime,
    lastSuccessTime: nullableTime,
    readingWindow: nullable('string'),
    readingPages: { type: 'integer' },
    lastError: lastErrorSchema,
    consecutiveFailures: { type: 'integer' },
    nextAttemptTime: nullableTime,
  },
  required: ['logType', 'newestEventTime', 'lastPollTime', 'lastSuccessTime', 'readingWindow', 'readingPages', 'lastError', 'consecutiveFailures', 'nextAttemptTime'],
} as const;

export const sourceDetailSchema = {
  type: 'object',
  properties: {
    source: sourceViewSchema,
    streams: { type: 'array', items: streamViewSchema },
    heartbeats: { type: 'array', items: heartbeatViewSchema },
    lateRecordDays: {
      type: 'array',
      items: { type: 'object', properties: { day: { type: 'string' }, logType: { type: 'string' }, gained: { type: 'integer' } }, required: ['day', 'logType', 'gained'] },
    },
    openAlarms: { type: 'array', items: alarmViewSchema },
  },
  required: ['source', 'streams', 'heartbeats', 'lateRecordDays', 'openAlarms'],
} as const;

const coverageStreamSchema = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: ['complete', 'open', 'missing', 'failed'] },
    records: { type: 'integer' },
    ambiguous: { type: 'boolean' },
    gainedAfterComplete: { type: 'integer' },
    lastError: nullable('string'),
  },
  required: ['state', 'records', 'ambiguous', 'gainedAfterComplete', 'lastError'],
} as const;

export const coverageViewSchema = {
  type: 'object',
  properties: {
    days: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          day: { type: 'string' },
          streams: {
            type: 'object',
            properties: { 'Zoom.Activity': coverageStreamSchema, 'Zoom.Operation': coverageStreamSchema },
            required: ['Zoom.Activity', 'Zoom.Operation'],
          },
        },
        required: ['day', 'streams'],
      },
    },
  },
  required: ['days'],
} as const;

export const setupInfoSchema = {
  type: 'object',
  properties: {
    redirectUrl: { type: 'string' },
    publicUrl: { type: 'string' },
    scopes: {
      type: 'object',
      properties: { classic: { type: 'array', items: { type: 'string' } }, granular: { type: 'array', items: { type: 'string' } } },
      required: ['classic', 'granular'],
    },
  },
  required: ['redirectUrl', 'publicUrl', 'scopes'],
} as const;

export const checkResultSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', enum: ['token', 'scopes', 'plan', 'activity_report', 'operation_report'] },
          ok: { type: 'boolean' },
          message: { type: 'string' },
          fix: nullable('string'),
        },
        required: ['name', 'ok', 'message', 'fix'],
      },
    },
  },
  required: ['ok', 'steps'],
} as const;

export const idParamsSchema = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['id'],
} as const;

/** 15 minutes to 30 days, or null (off). */
export const dropOffAlarmSchema = { type: ['integer', 'null'], minimum: 15, maximum: 43_200 } as const;

export function sendApiError(reply: FastifyReply, status: number, error: ApiError): FastifyReply {
  return reply.code(status).send(error);
}

/** A 400 naming the field at fault. */
export function validationError(reply: FastifyReply, field: string, message: string): FastifyReply {
  return sendApiError(reply, 400, { code: 'validation', message: `${field}: ${message}`, fix: `Correct ${field} and send again.`, fields: [{ field, message }] });
}

/**
 * Schema validation failures as ApiError with `fields` (for this plugin's
 * routes); other errors pass on to the server's handler.
 */
export function installValidationErrors(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation) {
      const fields = error.validation.map((v) => {
        const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
        const extra = (v.params as { additionalProperty?: string } | undefined)?.additionalProperty;
        const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
        const field = missing ? (path ? `${path}.${missing}` : missing) : extra ? extra : path || error.validationContext || 'body';
        return { field, message: v.message ?? 'is invalid' };
      });
      return reply.code(400).send({
        code: 'validation',
        message: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
        fix: 'Correct the fields named and send again.',
        fields,
      } satisfies ApiError);
    }
    throw error;
  });
}
