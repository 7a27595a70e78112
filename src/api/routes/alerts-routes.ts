import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { SEVERITIES, type Severity } from '../../domain/severity.js';
import { findRule } from '../../rules/rule-registry.js';
import { ALERT_STATUSES, type AlertFilter, type AlertQuery, type AlertRecord, type AlertStatus } from '../../store/alert-store.js';
import type { ApiContext } from '../api-context.js';
import type { AlertDetail, AlertPage, AlertView, EventView } from '../api-types.js';
import { decodeAlertCursor, encodeAlertCursor } from './alert-cursor.js';
import { eventView } from './events-routes.js';
import { AlertDetailSchema, AlertPageSchema, AlertQuerySchema, AlertStatusRequestSchema, AlertViewSchema } from '../schemas/alerts.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { installApiErrorHandler, invalidField, iso, isoOrNull, notFound } from './route-support.js';

/** Matched events shown with an alert. */
const DETAIL_EVENTS = 100;

export function alertView(a: AlertRecord): AlertView {
  return {
    id: a.id,
    type: a.type,
    ruleId: a.ruleId,
    ruleDisplayName: findRule(a.ruleId)?.meta.displayName ?? a.ruleId,
    title: a.title,
    severity: a.severity,
    dedup: a.dedup,
    status: a.status,
    eventCount: a.eventCount,
    firstEventTime: iso(a.firstEventMs),
    lastEventTime: iso(a.lastEventMs),
    raisedAt: iso(a.raisedAt ?? a.createdAt),
    statusChangedAt: isoOrNull(a.statusChangedAt),
    statusNote: a.statusNote,
    context: a.context,
  };
}

/** A comma-separated list of allowed values, or a 400 naming the first value that is not one. */
function parseList<T extends string>(field: string, value: string | undefined, allowed: readonly T[], normalize: (v: string) => string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (items.length === 0) throw invalidField(field, `${field} takes a comma-separated list of ${allowed.join(', ')}`);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(normalize(item))) throw invalidField(field, `"${item}" is not a valid ${field}; use ${allowed.join(', ')}`);
  }
  return items.map((v) => normalize(v) as T);
}

/** GET /alerts, GET /alerts/:id, POST /alerts/:id/status. */
export const alertsRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = context.app;

  async function raisedAlert(id: string): Promise<AlertRecord> {
    const alert = await store.getAlert(id);
    if (!alert || alert.raisedAt === null) throw notFound('alert', id);
    return alert;
  }

  fastify.get(
    '/alerts',
    {
      config: { access: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'Raised alerts, a page at a time (keyset-paged: pass nextCursor back as cursor), with the total matching the filters',
        querystring: AlertQuerySchema,
        response: {
          200: AlertPageSchema,
          ...errorResponses(400),
        },
      },
    },
    async (request): Promise<AlertPage> => {
      const { ruleId, sort, cursor, limit } = request.query;
      const filter: AlertFilter = {};
      const status = parseList<AlertStatus>('status', request.query.status, ALERT_STATUSES, (v) => v.toLowerCase());
      const severity = parseList<Severity>('severity', request.query.severity, SEVERITIES, (v) => v.toUpperCase());
      if (status) filter.status = status;
      if (severity) filter.severity = severity;
      if (ruleId !== undefined) filter.ruleId = ruleId;
      const query: AlertQuery = { ...filter, sort, limit: limit + 1 };
      if (cursor !== undefined) query.after = decodeAlertCursor(cursor, sort);
      const rows = await store.listAlerts(query);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { alerts: page.map(alertView), nextCursor: rows.length > limit && last ? encodeAlertCursor(sort, last) : null, total: await store.countAlerts(filter) };
    },
  );

  fastify.get(
    '/alerts/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: ['alerts'],
        params: IdParams,
        response: { 200: AlertDetailSchema, ...errorResponses(404) },
      },
    },
    async (request): Promise<AlertDetail> => {
      const alert = await raisedAlert(request.params.id);
      const events: EventView[] = [];
      for (const rowId of await store.alertRowIds(alert.id, DETAIL_EVENTS)) {
        const e = await store.getEvent(rowId);
        if (e) events.push(eventView(e)); // the event's source may have been removed since
      }
      const meta = findRule(alert.ruleId)?.meta;
      const names = new Map((await store.listDestinations()).map((d) => [d.id, d.name]));
      const deliveries = (await store.listDeliveries({ alertId: alert.id, limit: 1000 })).map((d) => ({
        id: d.id,
        destinationName: names.get(d.destinationId) ?? `${d.destinationId} (removed)`,
        notice: d.notice,
        state: d.state,
        attempts: d.attempts,
        lastError: d.lastError,
        deliveredAt: isoOrNull(d.deliveredAt),
      }));
      return {
        alert: alertView(alert),
        rule: meta ? { description: meta.description, runbook: meta.runbook, reference: meta.reference, tags: [...meta.tags], mitre: [...meta.mitre] } : null,
        events,
        deliveries,
      };
    },
  );

  fastify.post(
    '/alerts/:id/status',
    {
      config: { access: 'triage' },
      schema: {
        tags: ['alerts'],
        params: IdParams,
        body: AlertStatusRequestSchema,
        response: { 200: AlertViewSchema, ...errorResponses(400, 404) },
      },
    },
    async (request): Promise<AlertView> => {
      await raisedAlert(request.params.id);
      const note = request.body.note?.trim();
      const updated = await store.setAlertStatus(request.params.id, request.body.status, note ? note : undefined);
      context.pipeline.deliveries.wake(); // a resolve queues `resolved` notices
      return alertView(updated);
    },
  );
};
