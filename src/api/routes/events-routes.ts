import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ExportBody } from '../export-body.js';
import type { FastifyPluginAsync } from 'fastify';
import type { EventQuery, StoredEvent } from '../../store/store.js';
import type { Static } from 'typebox';
import type { ApiContext } from '../api-context.js';
import type { EventPage, EventView, Histogram } from '../api-types.js';
import { errorResponses } from '../schemas/common.js';
import {
  EventFiltersSchema,
  EventPageSchema,
  EventSearchQuerySchema,
  EventViewSchema,
  ExportFileSchema,
  ExportQuerySchema,
  HistogramQuerySchema,
  HistogramSchema,
  RowIdParams,
} from '../schemas/events.js';
import { queryParam } from './event-query-param.js';
import { installApiErrorHandler, invalidField, iso, notFound, parseTimeParam } from './route-support.js';

const DAY_MS = 86_400_000;

export function eventView(e: StoredEvent): EventView {
  return { rowId: e.rowId, sourceId: e.sourceId, logType: e.logType, eventTime: iso(e.eventTimeMs), storedAt: iso(e.storedAt), event: e.event };
}

/** The filters shared by /events, /events/histogram and /events/export. */
type FilterParams = Static<typeof EventFiltersSchema>;

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
  if (params.country !== undefined) query.country = params.country;
  if (params.asn !== undefined) query.asn = params.asn;
  if (params.category !== undefined) query.categoryType = params.category;
  if (params.action !== undefined) query.action = params.action;
  if (params.text !== undefined) query.detailText = params.text;
  if (params.change !== undefined) query.changeName = params.change;
  const where = queryParam(params.q, Object.keys(query).length > 0);
  if (where) query.where = where;
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
export const eventsRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = context.app;

  fastify.get(
    '/events',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Search events (filters and/or a query-language query), newest first or oldest first',
        querystring: EventSearchQuerySchema,
        response: {
          200: EventPageSchema,
          ...errorResponses(400),
        },
      },
    },
    async (request): Promise<EventPage> => {
      const { cursor, limit, order, ...filters } = request.query;
      const query: EventQuery = { ...toQuery(filters), order, limit: limit + 1 };
      if (cursor !== undefined) query.after = decodeCursor(cursor);
      const rows: StoredEvent[] = [];
      for await (const e of store.queryEvents(query)) rows.push(e);
      const more = rows.length > limit;
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { events: page.map(eventView), nextCursor: more && last ? encodeCursor(last) : null };
    },
  );

  fastify.get(
    '/events/histogram',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Matching events counted per time bucket over [since, until) (default: the last 24 hours)',
        querystring: HistogramQuerySchema,
        response: {
          200: HistogramSchema,
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

  fastify.get(
    '/events/export',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Download every matching event, oldest first, as NDJSON (whole events) or CSV (one column per schema field)',
        querystring: ExportQuerySchema,
        response: { 200: ExportFileSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
      const filename = `zoomtrail-events-${stamp}.${format}`;
      // The store makes the text (in its read workers where it has them): this thread only writes the bytes.
      const chunks = store.exportEvents(toQuery(filters), format);
      return reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(new ExportBody(chunks));
    },
  );

  fastify.get(
    '/events/:rowId',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        summary: 'One event by row id',
        params: RowIdParams,
        response: { 200: EventViewSchema, ...errorResponses(404) },
      },
    },
    async (request): Promise<EventView> => {
      const e = await store.getEvent(request.params.rowId);
      if (!e) throw notFound('event', request.params.rowId);
      return eventView(e);
    },
  );
};
