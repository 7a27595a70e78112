import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { SEVERITIES, type Severity } from '../../domain/severity.js';
import { findRule } from '../../rules/rule-registry.js';
import {
  ALERT_STATUSES,
  type AlertFilter,
  type AlertHistoryEntry as AlertHistoryEntryRecord,
  type AlertQuery,
  type AlertRecord,
  type AlertStatus,
} from '../../store/alert-store.js';
import { UnknownAlertError } from '../../store/store-errors.js';
import type { ApiContext } from '../api-context.js';
import type { AlertAssignees, AlertBulkResult, AlertDetail, AlertHistory, AlertHistoryEntry as AlertHistoryEntryView, AlertPage, AlertView, EventView } from '../api-types.js';
import { decodeAlertCursor, encodeAlertCursor } from './alert-cursor.js';
import { eventView } from './events-routes.js';
import {
  AlertAssigneesSchema,
  AlertBulkRequestSchema,
  AlertBulkResultSchema,
  AlertCommentRequestSchema,
  AlertDetailSchema,
  AlertHistoryEntrySchema,
  AlertHistorySchema,
  AlertPageSchema,
  AlertPatchSchema,
  AlertQuerySchema,
  AlertStatusRequestSchema,
  AlertViewSchema,
} from '../schemas/alerts.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { ApiHttpError, installApiErrorHandler, invalidField, iso, isoOrNull, notFound } from './route-support.js';

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
    assignee: a.assignee,
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

/** GET /alerts, GET /alerts/:id, POST /alerts/:id/status; triage: PATCH /alerts/:id, comments, history, bulk, assignees. */
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
      const { ruleId, sort, cursor, limit, assignee, sourceId, from, to } = request.query;
      const filter: AlertFilter = {};
      if (assignee !== undefined) filter.assignee = assignee === 'none' ? null : assignee;
      if (sourceId !== undefined) filter.sourceId = sourceId;
      if (from !== undefined) filter.sinceMs = Date.parse(from);
      if (to !== undefined) filter.untilMs = Date.parse(to);
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
      const updated = await store.setAlertStatus(request.params.id, request.body.status, note ? note : undefined, actorOf(request));
      context.pipeline.deliveries.wake(); // a resolve queues `resolved` notices
      return alertView(updated);
    },
  );

  /** An assignee must be a console user who can sign in; null is nobody. */
  async function checkAssignee(assignee: string | null | undefined): Promise<void> {
    if (assignee === undefined || assignee === null) return;
    const users = await store.listUsers();
    if (!users.some((u) => u.username === assignee && u.disabledAt === null)) {
      throw new ApiHttpError(
        400,
        'invalid_request',
        `"${assignee}" is not a console user who can sign in`,
        [{ field: 'assignee', message: 'unknown user' }],
        'Pick a user from GET /api/alerts/assignees, or null to unassign.',
      );
    }
  }

  /** One alert's triage change (status and/or assignee, with the note), in its history by `by`. */
  async function triage(id: string, change: { status?: AlertStatus; assignee?: string | null; note?: string }, by: string): Promise<AlertRecord> {
    await raisedAlert(id);
    const note = change.note?.trim() || undefined;
    let alert: AlertRecord | undefined;
    if (change.assignee !== undefined) alert = await store.assignAlert(id, change.assignee, note, by);
    if (change.status !== undefined) alert = await store.setAlertStatus(id, change.status, note, by);
    return alert ?? raisedAlert(id);
  }

  fastify.get(
    '/alerts/assignees',
    { config: { access: 'read' }, schema: { tags: ['alerts'], summary: 'Console users an alert can be assigned to', response: { 200: AlertAssigneesSchema } } },
    async (): Promise<AlertAssignees> => ({
      users: (await store.listUsers())
        .filter((u) => u.disabledAt === null)
        .map((u) => u.username)
        .sort(),
    }),
  );

  fastify.patch(
    '/alerts/:id',
    {
      config: { access: 'triage' },
      schema: {
        tags: ['alerts'],
        summary: "Change an alert's status and/or assignee, with a note; each change joins the alert's history",
        params: IdParams,
        body: AlertPatchSchema,
        response: { 200: AlertViewSchema, ...errorResponses(400, 404) },
      },
    },
    async (request): Promise<AlertView> => {
      const { status, assignee, note } = request.body;
      if (status === undefined && assignee === undefined) throw invalidField('status', 'give status, assignee or both');
      await checkAssignee(assignee);
      const updated = await triage(request.params.id, { status, assignee, note }, actorOf(request));
      if (status !== undefined) context.pipeline.deliveries.wake();
      return alertView(updated);
    },
  );

  fastify.post(
    '/alerts/:id/comments',
    {
      config: { access: 'triage' },
      schema: { tags: ['alerts'], params: IdParams, body: AlertCommentRequestSchema, response: { 201: AlertHistoryEntrySchema, ...errorResponses(400, 404) } },
    },
    async (request, reply): Promise<AlertHistoryEntryView> => {
      await raisedAlert(request.params.id);
      const note = request.body.note.trim();
      if (note === '') throw invalidField('note', 'a comment needs some text');
      const entry = await store.commentOnAlert(request.params.id, note, actorOf(request));
      void reply.code(201);
      return historyView(entry);
    },
  );

  fastify.get(
    '/alerts/:id/history',
    { config: { access: 'read' }, schema: { tags: ['alerts'], params: IdParams, response: { 200: AlertHistorySchema, ...errorResponses(404) } } },
    async (request): Promise<AlertHistory> => {
      await raisedAlert(request.params.id);
      return { history: (await store.alertHistory(request.params.id)).map(historyView) };
    },
  );

  fastify.post(
    '/alerts/bulk',
    {
      config: { access: 'triage' },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge, resolve, reopen or assign many alerts (each as PATCH /alerts/:id would)',
        body: AlertBulkRequestSchema,
        response: { 200: AlertBulkResultSchema, ...errorResponses(400) },
      },
    },
    async (request): Promise<AlertBulkResult> => {
      const { ids, action, note } = request.body;
      const change: { status?: AlertStatus; assignee?: string | null; note?: string } = { note };
      if (action === 'assign') {
        if (request.body.assignee === undefined) throw invalidField('assignee', 'assign needs an assignee (null to unassign)');
        await checkAssignee(request.body.assignee);
        change.assignee = request.body.assignee;
      } else change.status = BULK_STATUS[action];
      const by = actorOf(request);
      const result: AlertBulkResult = { updated: [], failed: [] };
      for (const id of new Set(ids)) {
        try {
          result.updated.push(alertView(await triage(id, change, by)));
        } catch (error) {
          if (!(error instanceof ApiHttpError) && !(error instanceof UnknownAlertError)) throw error;
          result.failed.push({ id, message: `no alert ${id}` });
        }
      }
      if (change.status !== undefined) context.pipeline.deliveries.wake();
      return result;
    },
  );
};

const BULK_STATUS: Record<'acknowledge' | 'resolve' | 'reopen', AlertStatus> = { acknowledge: 'acknowledged', resolve: 'resolved', reopen: 'open' };

/** Who made a change: the signed-in user, or the API token's name. */
function actorOf(request: FastifyRequest): string {
  const user = request.user;
  if (!user) return 'unknown';
  return user.via === 'token' ? (user.token?.name ?? user.username) : user.username;
}

function historyView(h: AlertHistoryEntryRecord): AlertHistoryEntryView {
  return { id: h.id, at: iso(h.at), actor: h.actor, kind: h.kind, from: h.from, to: h.to, note: h.note };
}
