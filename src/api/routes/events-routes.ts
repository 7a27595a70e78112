import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { eventCsvColumns, eventCsvLine } from '../../normalize/event-csv.js';
import type { EventQuery, StoredEvent } from '../../store/store.js';
import type { LogType } from '../../zoom/report-records.js';
import type { ApiContext } from '../api-context.js';
import type { EventPage, EventView, Histogram } from '../api-types.js';
import { errorResponses, installApiErrorHandler, invalidField, iso, isoTimeSchema, logTypeSchema, notFound, parseTimeParam } from './route-support.js';

const DAY_MS = 86_400_000;

export const eventViewSchema = {
  type: 'object',
  properties: {
    rowId: { type: 'string' },
    sourceId: { type: 'string' },
    logType: logTypeSchema,
    eventTime: isoTimeSchema,
    storedAt: isoTimeSchema,
    event: { type: 'object', additionalProperties: true, description: 'The whole normalized event; render values as text, never as HTML.' },
  },
  required: ['rowId', 'sourceId', 'logType', 'eventTime', 'storedAt', 'event'],
} as const;

export function eventView(e: StoredEvent): EventView {
  return { rowId: e.rowId, sourceId: e.sourceId, logType: e.logType, eventTime: iso(e.eventTimeMs), storedAt: iso(e.storedAt), event: e.event };
}

/** The filters shared by /events, /events/histogram and /events/export. */
const filterProperties = {
  since: { type: 'string', description: 'ISO 8601 (or yyyy-mm-dd, UTC), inclusive' },
  until: { type: 'string', description: 'ISO 8601 (or yyyy-mm-dd, UTC), exclusive' },
  logType: logTypeSchema,
  sourceId: { type: 'string', minLength: 1 },
  email: { type: 'string', minLength: 1, maxLength: 320 },
  ip: { type: 'string', minLength: 1, maxLength: 64 },
  category: { type: 'string', minLength: 1, maxLength: 200, description: 'category_type, exact, case-insensitive' },
  action: { type: 'string', minLength: 1, maxLength: 200, description: 'exact, case-insensitive' },
  text: { type: 'string', minLength: 1, maxLength: 500, description: 'case-insensitive substring of operation_detail' },
  change: { type: 'string', minLength: 1, maxLength: 200, description: "case-insensitive substring of a parsed change's name (p_udm.changes[].name)" },
} as const;

interface FilterParams {
  since?: string;
  until?: string;
  logType?: LogType;
  sourceId?: string;
  email?: string;
  ip?: string;
  category?: string;
  action?: string;
  text?: string;
  change?: string;
}

function toQuery(params: FilterParams): Omit<EventQuery, 'limit' | 'order' | 'after'> {
  const sinceMs = parseTimeParam('since', params.since);
  const untilMs = parseTimeParam('until', params.until);
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs) throw invalidField('until', 'until must be after since');
  const query: Omit<EventQuery, 'limit' | 'order' | 'after'> = {};
  if (sinceMs !== undefined) query.sinceMs = sinceMs;
  if (untilMs !== undefined) query.untilMs = untilMs;
  if (params.logType !== undefined) query.logType = params.logType;
  if (params.sourceId !== undefined) query.sourceId = params.sourceId;
  if (params.email !== undefined) query.email = params.email;
  if (params.ip !== undefined) query.ipAddress = params.ip;
  if (params.category !== undefined) query.categoryType = params.category;
  if (params.action !== undefined) query.action = params.action;
  if (params.text !== undefined) query.detailText = params.text;
  if (params.change !== undefined) query.changeName = params.change;
  return query;
}

/** The opaque paging cursor: base64url of `{"t": eventTimeMs, "r": rowId}` of the last event shown. */
export function encodeCursor(e: { eventTimeMs: number; rowId: string }): string {
  return Buffer.from(JSON.stringify({ t: e.eventTimeMs, r: e.rowId })).toString('base64url');
}

export function decodeCursor(cursor: string): { eventTimeMs: number; rowId: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; r?: unknown };
    if (typeof value.t === 'number' && Number.isFinite(value.t) && typeof value.r === 'string' && value.r !== '') return { eventTimeMs: value.t, rowId: value.r };
  } catch {
    // reported below
  }
  throw invalidField('cursor', 'cursor is not a cursor this server gave out (pass nextCursor back unchanged)');
}

/**
 * GET /events (newest first, keyset-paged), /events/histogram, /events/export
 * (streams every match oldest first as NDJSON or CSV) and /events/:rowId.
 */
export const eventsRoutes: FastifyPluginAsync<ApiContext> = async (fastify, context) => {
  installApiErrorHandler(fastify);
  const { store, clock } = context.app;

  fastify.get<{ Querystring: FilterParams & { cursor?: string; limit: number } }>(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Search events, newest first',
        querystring: {
          type: 'object',
          properties: { ...filterProperties, cursor: { type: 'string', minLength: 1, maxLength: 1000 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
        },
        response: {
          200: { type: 'object', properties: { events: { type: 'array', items: eventViewSchema }, nextCursor: { type: ['string', 'null'] } }, required: ['events', 'nextCursor'] },
          ...errorResponses(400),
        },
      },
    },
    async (request): Promise<EventPage> => {
      const { cursor, limit, ...filters } = request.query;
      const query: EventQuery = { ...toQuery(filters), order: 'desc', limit: limit + 1 };
      if (cursor !== undefined) query.after = decodeCursor(cursor);
      const rows: StoredEvent[] = [];
      for await (const e of store.queryEvents(query)) rows.push(e);
      const more = rows.length > limit;
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { events: page.map(eventView), nextCursor: more && last ? encodeCursor(last) : null };
    },
  );

  fastify.get<{ Querystring: FilterParams & { buckets: number } }>(
    '/events/histogram',
    {
      schema: {
        tags: ['events'],
        summary: 'Matching events counted per time bucket over [since, until) (default: the last 24 hours)',
        querystring: { type: 'object', properties: { ...filterProperties, buckets: { type: 'integer', minimum: 1, maximum: 500, default: 48 } } },
        response: {
          200: {
            type: 'object',
            properties: {
              bucketMs: { type: 'integer' },
              buckets: { type: 'array', items: { type: 'object', properties: { start: isoTimeSchema, count: { type: 'integer' } }, required: ['start', 'count'] } },
            },
            required: ['bucketMs', 'buckets'],
          },
          ...errorResponses(400),
        },
      },
    },
    async (request): Promise<Histogram> => {
      const { buckets, ...filters } = request.query;
      const query = toQuery(filters);
      const untilMs = query.untilMs ?? (query.sinceMs !== undefined ? Math.max(clock.now(), query.sinceMs + 1) : clock.now());
      const sinceMs = query.sinceMs ?? untilMs - DAY_MS;
      if (sinceMs >= untilMs) throw invalidField('since', 'since must be before until (until defaults to now)');
      const bucketMs = Math.max(1, Math.ceil((untilMs - sinceMs) / buckets));
      const counts = await store.eventHistogram(query, sinceMs, untilMs, bucketMs);
      return { bucketMs, buckets: counts.map((count, i) => ({ start: iso(sinceMs + i * bucketMs), count })) };
    },
  );

  fastify.get<{ Querystring: FilterParams & { format: 'ndjson' | 'csv' } }>(
    '/events/export',
    {
      schema: {
        tags: ['events'],
        summary: 'Download every matching event, oldest first, as NDJSON (whole events) or CSV (one column per schema field)',
        querystring: { type: 'object', properties: { ...filterProperties, format: { type: 'string', enum: ['ndjson', 'csv'], default: 'ndjson' } } },
        response: { 200: { type: 'string', description: 'The file (Content-Disposition: attachment)' }, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const query: EventQuery = { ...toQuery(filters), order: 'asc' };
      const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
      const filename = `zoomtrail-events-${stamp}.${format}`;
      async function* lines(): AsyncGenerator<string> {
        if (format === 'csv') {
          const columns = eventCsvColumns(query.logType);
          yield eventCsvLine(columns, Object.fromEntries(columns.map((c) => [c, c])));
          for await (const e of store.queryEvents(query)) yield eventCsvLine(columns, e.event);
        } else {
          for await (const e of store.queryEvents(query)) yield `${JSON.stringify(e.event)}\n`;
        }
      }
      return reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(lines()));
    },
  );

  fastify.get<{ Params: { rowId: string } }>(
    '/events/:rowId',
    {
      schema: {
        tags: ['events'],
        summary: 'One event by row id',
        params: { type: 'object', properties: { rowId: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['rowId'] },
        response: { 200: eventViewSchema, ...errorResponses(404) },
      },
    },
    async (request): Promise<EventView> => {
      const e = await store.getEvent(request.params.rowId);
      if (!e) throw notFound('event', request.params.rowId);
      return eventView(e);
    },
  );
};
