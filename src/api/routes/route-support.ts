import type { FastifyError, FastifyInstance } from 'fastify';
import { ActionableError } from '../../shared/actionable-error.js';
import { ALLOWED_NETWORKS_SETTING } from '../../shared/outbound-address-policy.js';
import type { ApiError } from '../api-types.js';
import { httpStatusOf } from '../error-status.js';

/**
 * Shared pieces of the resource route plugins: an error type carrying an
 * HTTP status and an `ApiError` body, the error handler turning schema
 * validation failures into `400 { code: 'invalid_request', fields }`, and
 * JSON schema fragments reused across routes.
 */
export class ApiHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: { field: string; message: string; position?: number }[],
    readonly fix?: string,
  ) {
    super(message);
  }

  body(): ApiError {
    return { code: this.code, message: this.message, ...(this.fix ? { fix: this.fix } : {}), ...(this.fields ? { fields: this.fields } : {}) };
  }
}

/** 400 naming the field at fault. */
export function invalidField(field: string, message: string): ApiHttpError {
  return new ApiHttpError(400, 'invalid_request', message, [{ field, message }]);
}

/** A URL whose host the outbound address policy refuses (loopback, private, link-local...): 400 naming the field and why. */
export function addressRefused(field: string, message: string): ApiHttpError {
  return new ApiHttpError(
    400,
    'address_refused',
    message,
    [{ field, message }],
    `Use a public address; to reach a private, loopback or link-local network on purpose, add it to ${ALLOWED_NETWORKS_SETTING} (comma-separated CIDR ranges).`,
  );
}

export function notFound(what: string, id: string): ApiHttpError {
  return new ApiHttpError(404, 'not_found', `There is no ${what} with id "${id}".`);
}

/** The sources' 400 naming the field at fault (their own wording: `validation`, with a fix). */
export function sourceFieldError(field: string, message: string): ApiHttpError {
  return new ApiHttpError(400, 'validation', `${field}: ${message}`, [{ field, message }], `Correct ${field} and send again.`);
}

/**
 * The sources' schema validation failures as ApiError `validation` with `fields`
 * (for that plugin's routes), and the user's errors as installApiErrorHandler
 * answers them; other errors pass on to the server's handler.
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
    const known = userErrorResponse(error);
    if (known) return reply.code(known.status).send(known.body);
    throw error;
  });
}

/** An ApiHttpError, or an ActionableError whose class makes it the user's (404, 409, 400): its status and body; otherwise undefined. */
function userErrorResponse(error: unknown): { status: number; body: ApiError } | undefined {
  if (error instanceof ApiHttpError) return { status: error.statusCode, body: error.body() };
  if (error instanceof ActionableError && httpStatusOf(error) < 500) return { status: httpStatusOf(error), body: { code: error.code, message: error.message, fix: error.fix } };
  return undefined;
}

/**
 * Installs, in the calling plugin's scope, an error handler that answers
 * schema validation failures and ApiHttpErrors (and the user's errors by
 * class: unknown id, conflict, invalid input) with an `ApiError`; anything else goes on to the
 * parent scope's handler (the server's).
 */
export function installApiErrorHandler(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error: FastifyError | ApiHttpError | Error, _request, reply) => {
    const known = userErrorResponse(error);
    if (known) return reply.code(known.status).send(known.body);
    if ('validation' in error && Array.isArray(error.validation)) {
      const where = error.validationContext;
      const fields = error.validation.map((v) => {
        const params = v.params;
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const field =
          typeof params.missingProperty === 'string'
            ? [path, params.missingProperty].filter(Boolean).join('.')
            : typeof params.additionalProperty === 'string'
              ? [path, params.additionalProperty].filter(Boolean).join('.')
              : path || (where ?? 'request');
        return { field, message: `${field} ${v.message ?? 'is invalid'}` };
      });
      const body: ApiError = { code: 'invalid_request', message: `Invalid ${where ?? 'request'}: ${fields.map((f) => f.message).join('; ')}.`, fields };
      return reply.code(400).send(body);
    }
    throw error;
  });
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** An ISO 8601 time (or `yyyy-mm-dd`, UTC) from a query parameter, or a 400 naming it. */
export function parseTimeParam(field: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalidField(field, `${field} must be an ISO 8601 time such as 2026-03-10T12:00:00Z, not "${value}"`);
  return ms;
}
