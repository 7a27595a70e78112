import { Type } from 'typebox';
import { MAX_QUERY_LENGTH } from '../../domain/event-query.js';
import { AnyObject, IsoTime, LogTypeSchema, Nullable, WithDefaults } from './common.js';

/** Events (GET /api/events, /events/histogram, /events/export, /events/:rowId) and classification failures (GET /api/failures). */

export const EventViewSchema = Type.Object({
  rowId: Type.String(),
  sourceId: Type.String(),
  logType: LogTypeSchema,
  eventTime: IsoTime,
  storedAt: IsoTime,
  /** The whole normalized event (Zoom fields and p_ fields). Render values as text, never as HTML. */
  event: AnyObject({ description: 'The whole normalized event; render values as text, never as HTML.' }),
});

/**
 * GET /api/events?q&since&until&logType&sourceId&email&ip&category&action&text&change&cursor&order&limit
 * -> EventPage, newest first (order=asc: oldest first). `q` is a query-language query (docs/query-language.md). `text` searches operation_detail (case-insensitive substring);
 * `change` searches the parsed changes' names (p_udm.changes[].name, substring);
 * `category`/`action` are exact (case-insensitive). limit 1..500, default 100.
 */
export const EventPageSchema = Type.Object({
  events: Type.Array(EventViewSchema),
  /** Pass as `cursor` (with the same order) for the next page; null at the end. */
  nextCursor: Nullable(Type.String()),
});

/** GET /api/events/histogram?<same filters>&buckets=48 (buckets oldest first over [since, until)). */
export const HistogramSchema = Type.Object({
  bucketMs: Type.Integer(),
  buckets: Type.Array(Type.Object({ start: IsoTime, count: Type.Integer() })),
});

/** The filters shared by /events, /events/histogram and /events/export. */
const eventFilters = {
  q: Type.Optional(Type.String({ maxLength: MAX_QUERY_LENGTH, description: 'A query in the query language (docs/query-language.md), ANDed with the other filters, e.g. action:update AND NOT email:"svc@example.com"' })),
  since: Type.Optional(Type.String({ description: 'ISO 8601 (or yyyy-mm-dd, UTC), inclusive' })),
  until: Type.Optional(Type.String({ description: 'ISO 8601 (or yyyy-mm-dd, UTC), exclusive' })),
  logType: Type.Optional(LogTypeSchema),
  sourceId: Type.Optional(Type.String({ minLength: 1 })),
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  ip: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 country of any of the event\'s IP addresses (p_enrichment.ip_location.*.country), case-insensitive' })),
  asn: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: "autonomous system number of any of the event's IP addresses (p_enrichment.ip_location.*.asn)" })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'category_type, exact, case-insensitive' })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'exact, case-insensitive' })),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'case-insensitive substring of operation_detail' })),
  change: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "case-insensitive substring of a parsed change's name (p_udm.changes[].name)" })),
};
export const EventFiltersSchema = Type.Object(eventFilters);

export const EventSearchQuerySchema = WithDefaults(Type.Object({
  ...eventFilters,
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  order: Type.Unsafe<'desc' | 'asc'>({ type: 'string', enum: ['desc', 'asc'], default: 'desc', description: 'Event-time order: desc (newest first, the default) or asc' }),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
}));
export const HistogramQuerySchema = WithDefaults(Type.Object({ ...eventFilters, buckets: Type.Integer({ minimum: 1, maximum: 500, default: 48 }) }));
export const ExportQuerySchema = WithDefaults(Type.Object({ ...eventFilters, format: Type.Unsafe<'ndjson' | 'csv'>({ type: 'string', enum: ['ndjson', 'csv'], default: 'ndjson' }) }));
/** GET /api/events/export: the file (Content-Disposition: attachment), sent as a stream (the serializer does not see it). */
export const ExportFileSchema = Type.Unsafe<unknown>({ type: 'string', description: 'The file (Content-Disposition: attachment)' });
export const RowIdParams = Type.Object({ rowId: Type.String({ minLength: 1, maxLength: 200 }) });

/** GET /api/failures?sourceId&logType&limit -> { failures: FailureView[], total: number } */
export const FailureViewSchema = Type.Object({
  rowId: Type.String(),
  sourceId: Type.String(),
  logType: LogTypeSchema,
  day: Type.String(),
  raw: Type.String(),
  reason: Type.String(),
  field: Nullable(Type.String()),
  failedAt: IsoTime,
});
export const FailureListSchema = Type.Object({ failures: Type.Array(FailureViewSchema), total: Type.Integer() });
export const FailureQuerySchema = WithDefaults(Type.Object({
  sourceId: Type.Optional(Type.String({ minLength: 1 })),
  logType: Type.Optional(LogTypeSchema),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
}));
