import { Type } from 'typebox';
import { FORMAT_NAMES } from '../../forward/formats/event-format.js';
import { SINK_KINDS } from '../../forward/sink.js';
import { AnyObject, IsoTime, Nullable, NullableIsoTime, StringEnum } from './common.js';

/**
 * Sinks (forwarding, issue 18): GET/POST /api/sinks, GET/PATCH/DELETE
 * /api/sinks/:id, POST /api/sinks/:id/test|pause|resume|replay, GET
 * /api/sinks/:id/dead-letters, POST /api/sinks/:id/dead-letters/retry.
 */

export const SinkKindSchema = StringEnum(SINK_KINDS);
export const SinkFormatSchema = StringEnum(FORMAT_NAMES);

const SinkErrorSchema = Type.Object({ message: Type.String(), fix: Type.Optional(Type.String()), retryable: Type.Boolean() });

export const SinkViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: SinkKindSchema,
  format: SinkFormatSchema,
  url: Type.String(),
  /** Kind-specific settings (bucket, region, prefix, facility, index...); never a secret. */
  settings: AnyObject(),
  logTypes: Nullable(Type.Array(Type.String())),
  fieldFilters: Type.Array(Type.String()),
  paused: Type.Boolean(),
  hasSecret: Type.Boolean(),
  createdAt: IsoTime,
  /** Events stored after the cursor. */
  backlog: Type.Integer(),
  /** Newest stored minus newest delivered (ms); null when the forward log is empty. */
  lagMs: Nullable(Type.Integer()),
  delivered: Type.Integer(),
  failed: Type.Integer(),
  consecutiveFailures: Type.Integer(),
  lastDeliveredAt: NullableIsoTime,
  nextAttemptAt: NullableIsoTime,
  lastError: Type.Union([SinkErrorSchema, Type.Null()]),
});
export const SinkListSchema = Type.Object({ sinks: Type.Array(SinkViewSchema) });

const FieldFilters = Type.Array(Type.String({ minLength: 3, maxLength: 500 }), { maxItems: 20, description: 'field=value or field!=value clauses (dotted paths), all of which an event must meet' });
const LogTypes = Nullable(Type.Array(Type.String({ minLength: 1 }), { maxItems: 10 }));

const editable = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  format: Type.Optional(SinkFormatSchema),
  settings: Type.Optional(AnyObject({ description: 'bucket, region, prefix, pathStyle (s3); facility, appName, hostname, caFile (syslog); index (elasticsearch); subjectPrefix (nats); host (splunk-hec)' })),
  secret: Type.Optional(
    Type.String({ minLength: 1, maxLength: 4000, description: 'http: signing secret; nats: token; elasticsearch: API key; splunk-hec: HEC token; s3: <access key id>:<secret access key>; never returned' }),
  ),
  logTypes: Type.Optional(LogTypes),
  fieldFilters: Type.Optional(FieldFilters),
};
/** PATCH /api/sinks/:id (the kind is fixed; a new url needs the secret again). */
export const UpdateSinkRequestSchema = Type.Object(editable, { additionalProperties: false });
/** POST /api/sinks -> 201 SinkView */
export const CreateSinkRequestSchema = Type.Object(
  {
    ...editable,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: SinkKindSchema,
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    from: Type.Optional(Type.String({ description: 'now, all (default) or a UTC day YYYY-MM-DD: where the sink starts in the forward log' })),
  },
  { additionalProperties: false },
);

/** POST /api/sinks/:id/test: the status only, never the receiver's answer. */
export const SinkTestResultSchema = Type.Object({ ok: Type.Boolean(), message: Type.String(), fix: Type.Optional(Type.String()) });

/** POST /api/sinks/:id/replay */
export const ReplayRequestSchema = Type.Object({ from: Type.String({ description: 'all, now or a UTC day YYYY-MM-DD' }) }, { additionalProperties: false });
export const ReplayResultSchema = Type.Object({ backlog: Type.Integer() });

export const DeadLetterListSchema = Type.Object({
  deadLetters: Type.Array(Type.Object({ rowId: Type.String(), reason: Type.String(), failedAt: IsoTime })),
});
export const DeadLetterRetryRequestSchema = Type.Object(
  { all: Type.Optional(Type.Boolean()), rowIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 1000 })) },
  { additionalProperties: false },
);
export const DeadLetterRetryResultSchema = Type.Object({
  delivered: Type.Integer(),
  refused: Type.Integer(),
  gone: Type.Integer(),
  error: Type.Union([SinkErrorSchema, Type.Null()]),
});
