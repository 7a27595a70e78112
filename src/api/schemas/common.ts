import { Type, type Static, type TObject, type TSchema } from 'typebox';
import { SEVERITIES } from '../../domain/severity.js';
import { STORED_LOG_TYPES } from '../../zoom/report-records.js';

/**
 * Schema building blocks shared by the resources' schemas (./*.ts). Every
 * route's request and response schemas are TypeBox values defined once in
 * this directory: Fastify validates and serializes with them, the OpenAPI
 * document is built from them, and the types the console imports
 * (../api-types.ts) are derived from them with `Static`.
 *
 * The helpers keep the JSON schemas as they were written by hand before
 * (`type: ['string', 'null']` rather than `anyOf`, `type: 'string', enum`),
 * so validation, serialization and the OpenAPI document are unchanged.
 */

/** `T` or null, as `type: [T's type, 'null']` (objects keep their properties). */
export function Nullable<T extends TSchema & { type: string }>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}

/** One of a list of strings (the domain's own `as const` list: one source of truth). */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A JSON object of any fields (an event, an alert's context). */
export function AnyObject(options: Record<string, unknown> = {}) {
  return Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...options });
}

/**
 * A query whose properties with a `default` are optional in the JSON schema
 * (Fastify's Ajv fills the default in) yet always present in the handler's type.
 */
export function WithDefaults<T extends TObject>(schema: T): T {
  const required = (schema.required ?? []).filter((key) => (schema.properties[key] as { default?: unknown }).default === undefined);
  const { required: _all, ...rest } = schema;
  return (required.length > 0 ? { ...rest, required } : rest) as T;
}

/** A response without a body (204, 302): `type: 'null'` in the document, `reply.send()` in the handler. */
export const NoContent = Type.Unsafe<undefined>({ type: 'null' });

export const SeveritySchema = StringEnum(SEVERITIES);
export type Severity = Static<typeof SeveritySchema>;
export const LogTypeSchema = StringEnum(STORED_LOG_TYPES);
export type LogTypeName = Static<typeof LogTypeSchema>;

/** An ISO 8601 UTC time (the resources other than sources). */
export const IsoTime = Type.String({ description: 'ISO 8601 UTC' });
export const NullableIsoTime = Nullable(Type.String({ description: 'ISO 8601 UTC' }));
/** An ISO 8601 UTC time with `format: date-time` (sources and health). */
export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Nullable(Type.String({ format: 'date-time' }));

export const StringArray = Type.Array(Type.String());

/** Every error response. `fix` says what to do, in words; `fields` (validation) names the fields at fault. */
export const ApiErrorSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  fix: Type.Optional(Type.String()),
  fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String(), position: Type.Optional(Type.Integer({ minimum: 0, description: 'Where in the value the problem is (0-based character offset), e.g. in a query' })) }))),
});
export type ApiError = Static<typeof ApiErrorSchema>;

/** Error responses for a route's `response` schema. */
export function errorResponses<const S extends readonly number[]>(...statuses: S): { [K in S[number]]: typeof ApiErrorSchema } {
  return Object.fromEntries(statuses.map((s) => [s, ApiErrorSchema])) as { [K in S[number]]: typeof ApiErrorSchema };
}

/** `:id` of most resources. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
