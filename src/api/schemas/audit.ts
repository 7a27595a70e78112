import { Type } from 'typebox';
import { Nullable, StringEnum, WithDefaults } from './common.js';

/**
 * GET /api/audit?actor&action&objectType&objectId&since&limit (admin) -> { entries } newest first;
 * GET /api/audit/export (same filters) -> the same entries as NDJSON (a download). Nothing deletes an entry.
 */

const Anything = Type.Unsafe<unknown>({ description: 'JSON value (secrets masked), or null' });

export const AuditEntryViewSchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.String(),
  actorKind: StringEnum(['user', 'token', 'anonymous', 'cli'] as const),
  address: Nullable(Type.String()),
  action: Type.String(),
  objectType: Nullable(Type.String()),
  objectId: Nullable(Type.String()),
  outcome: StringEnum(['ok', 'failed'] as const),
  status: Type.Integer(),
  before: Anything,
  after: Anything,
  change: Anything,
});
export const AuditListSchema = Type.Object({ entries: Type.Array(AuditEntryViewSchema) });

export const AuditQuerySchema = WithDefaults(
  Type.Object(
    {
      actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      action: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      objectType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      objectId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      /** ISO time, inclusive. */
      since: Type.Optional(Type.String({ format: 'date-time' })),
      limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
    },
    { additionalProperties: false },
  ),
);

/** GET /api/audit/export: NDJSON (Content-Disposition: attachment). */
export const AuditExportFileSchema = Type.Unsafe<unknown>({ type: 'string', description: 'NDJSON, one entry a line (Content-Disposition: attachment)' });
