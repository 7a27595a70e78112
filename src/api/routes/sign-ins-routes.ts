import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ipLocationOf } from '../../domain/sign-in-facts.js';
import type { AlertRecord } from '../../store/alert-store.js';
import type { SignInSpan } from '../../store/sign-in-view-repository.js';
import type { Store, StoredEvent } from '../../store/store.js';
import type { ApiContext } from '../api-context.js';
import type { SignInMap, UserActivity } from '../api-types.js';
import { errorResponses } from '../schemas/common.js';
import { SignInMapQuerySchema, SignInMapSchema, SpanQuerySchema, UserActivitySchema, UserParamsSchema } from '../schemas/sign-ins.js';
import { alertView } from './alerts-routes.js';
import { eventView } from './events-routes.js';
import { installApiErrorHandler, invalidField, iso, notFound } from './route-support.js';

const DAY_MS = 86_400_000;
/** Newest sign-in and sign-out records read for devices, and operations for the timeline: bounded index reads by email. */
const ACTIVITY_SCAN = 2000;
const OPERATION_SCAN = 2000;
const RECENT_SIGN_INS = 50;
const RECENT_OPERATIONS = 25;
const USER_ALERTS = 50;
const MAP_POINTS = 2000;
const TRAVEL_RULE = 'Zoom.SignIn.ImpossibleTravel';

async function newest(store: Store, query: Parameters<Store['queryEvents']>[0]): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of store.queryEvents(query)) out.push(e);
  return out;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Seen {
  n: number;
  first: number;
  last: number;
}
function see(map: Map<string, Seen>, key: string, ms: number): void {
  const s = map.get(key);
  if (s) {
    s.n++;
    s.first = Math.min(s.first, ms);
    s.last = Math.max(s.last, ms);
  } else map.set(key, { n: 1, first: ms, last: ms });
}

type Place = SignInMap['lines'][number]['from'];

function placeOf(v: unknown): Place | null {
  if (v === null || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  if (typeof p.lat !== 'number' || typeof p.lng !== 'number' || typeof p.time !== 'string') return null;
  return { lat: p.lat, lng: p.lng, country: str(p.country), ip: str(p.ip), time: p.time };
}

/** The impossible-travel pair an alert's context records, or null. */
function travelLine(a: AlertRecord): SignInMap['lines'][number] | null {
  if (a.ruleId !== TRAVEL_RULE) return null;
  const from = placeOf(a.context.previous);
  const to = placeOf(a.context.current);
  if (!from || !to) return null;
  return { alertId: a.id, user: str(a.context.user) ?? a.dedup, from, to, speedKmh: typeof a.context.speedKmh === 'number' ? a.context.speedKmh : null };
}

/**
 * GET /users/:email/activity (the console's user page) and GET /sign-ins/map
 * (the sign-in map of the account, a user or an alert). Served from indexes
 * only: the user's sign-ins from `sign_ins` (per source, by user and time),
 * their records and operations from the events' email index (newest first,
 * bounded), alerts from `alert_events` by row id.
 */
export const signInsRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = context.app;

  async function span(days: number): Promise<SignInSpan> {
    const untilMs = clock.now() + 1;
    return { sourceIds: (await store.listSources()).map((s) => s.id), sinceMs: untilMs - days * DAY_MS, untilMs };
  }

  fastify.get(
    '/users/:email/activity',
    {
      config: { access: 'read' },
      schema: {
        tags: ['sign-ins'],
        summary: "One user's sign-ins and operations over time, countries, networks, addresses and devices with first and last seen, and the alerts holding their events",
        params: UserParamsSchema,
        querystring: SpanQuerySchema,
        response: { 200: UserActivitySchema, ...errorResponses(400) },
      },
    },
    async (request): Promise<UserActivity> => {
      const email = request.params.email.trim().toLowerCase();
      if (!email.includes('@')) throw invalidField('email', 'give the email address of a Zoom user, e.g. /api/users/jane@example.com/activity');
      const s = await span(request.query.days);
      const range = { sinceMs: s.sinceMs, untilMs: s.untilMs, email, order: 'desc' as const };
      const [summary, activities, operations] = await Promise.all([
        store.userSignInSummary(email, s, RECENT_SIGN_INS),
        newest(store, { ...range, logType: 'Zoom.Activity', limit: ACTIVITY_SCAN }),
        newest(store, { ...range, logType: 'Zoom.Operation', limit: OPERATION_SCAN }),
      ]);

      const devices = new Map<string, Seen>();
      const orgs = new Map<number, string>();
      for (const e of activities) {
        see(devices, `${str(e.event.client_type) ?? 'unknown'}\u0000${str(e.event.version) ?? '—'}`, e.eventTimeMs);
        const where = ipLocationOf(e.event, 'ip_address');
        if (where && typeof where.asn === 'number' && typeof where.org === 'string' && !orgs.has(where.asn)) orgs.set(where.asn, where.org);
      }
      const opsByDay = new Map<string, number>();
      for (const e of operations) opsByDay.set(day(e.eventTimeMs), (opsByDay.get(day(e.eventTimeMs)) ?? 0) + 1);

      const rowIds = [...summary.recent.map((r) => r.rowId), ...activities.map((e) => e.rowId), ...operations.map((e) => e.rowId)];
      const alertIds = await store.alertIdsForRows(rowIds, USER_ALERTS);
      const alerts = (await Promise.all(alertIds.map((id) => store.getAlert(id))))
        .filter((a): a is AlertRecord => a !== undefined && a.raisedAt !== null)
        .sort((a, b) => b.lastEventMs - a.lastEventMs || (a.id < b.id ? -1 : 1));

      const firstLast = (u: { signIns: number; firstSeenMs: number; lastSeenMs: number }) => ({ signIns: u.signIns, firstSeen: iso(u.firstSeenMs), lastSeen: iso(u.lastSeenMs) });
      return {
        email,
        since: iso(s.sinceMs),
        until: iso(s.untilMs - 1),
        signIns: {
          total: summary.total,
          byDay: summary.byDay,
          recent: summary.recent.map((r) => ({ rowId: r.rowId, sourceId: r.sourceId, time: iso(r.timeMs), ip: r.ip, country: r.country, asn: r.asn })),
        },
        operationsByDay: [...opsByDay].map(([d, n]) => ({ day: d, operations: n })).sort((a, b) => (a.day < b.day ? -1 : 1)),
        countries: summary.countries.map((c) => ({ country: c.key, ...firstLast(c) })),
        networks: summary.networks.map((n) => ({ asn: Number(n.key), org: orgs.get(Number(n.key)) ?? null, ...firstLast(n) })),
        ips: summary.ips.map((i) => ({ ip: i.key, country: i.country, asn: i.asn, ...firstLast(i) })),
        devices: [...devices]
          .map(([key, v]) => {
            const [clientType = '', version = ''] = key.split('\u0000');
            return { clientType, version, records: v.n, firstSeen: iso(v.first), lastSeen: iso(v.last) };
          })
          .sort((a, b) => b.records - a.records),
        operations: operations.slice(0, RECENT_OPERATIONS).map(eventView),
        alerts: alerts.map(alertView),
        activitiesScanned: activities.length,
        operationsScanned: operations.length,
        truncated: activities.length >= ACTIVITY_SCAN || operations.length >= OPERATION_SCAN,
      };
    },
  );

  fastify.get(
    '/sign-ins/map',
    {
      config: { access: 'read' },
      schema: {
        tags: ['sign-ins'],
        summary: 'Located sign-ins grouped by point, and impossible-travel pairs, for the account, a user (email) or an alert (alertId)',
        querystring: SignInMapQuerySchema,
        response: { 200: SignInMapSchema, ...errorResponses(400, 404) },
      },
    },
    async (request): Promise<SignInMap> => {
      const { email, alertId, days } = request.query;
      if (email !== undefined && alertId !== undefined) throw invalidField('alertId', 'give email or alertId, not both');
      if (alertId !== undefined) {
        const alert = await store.getAlert(alertId);
        if (!alert || alert.raisedAt === null) throw notFound('alert', alertId);
        const signIns = await store.signInsByRowIds(await store.alertRowIds(alert.id, MAP_POINTS));
        const points = new Map<string, { lat: number; lng: number; country: string | null; n: number; users: Set<string>; first: number; last: number }>();
        let unlocated = 0;
        for (const s of signIns) {
          if (s.lat === null || s.lng === null) {
            unlocated++;
            continue;
          }
          const key = `${s.lat},${s.lng}`;
          const p = points.get(key) ?? { lat: s.lat, lng: s.lng, country: s.country, n: 0, users: new Set<string>(), first: s.timeMs, last: s.timeMs };
          p.n++;
          p.users.add(s.user);
          p.first = Math.min(p.first, s.timeMs);
          p.last = Math.max(p.last, s.timeMs);
          points.set(key, p);
        }
        const line = travelLine(alert);
        // The previous sign-in of a travel pair is a point of the map too (it is not one of the alert's events).
        if (line && !points.has(`${line.from.lat},${line.from.lng}`)) {
          const t = Date.parse(line.from.time);
          points.set(`${line.from.lat},${line.from.lng}`, {
            lat: line.from.lat,
            lng: line.from.lng,
            country: line.from.country,
            n: 1,
            users: new Set([line.user]),
            first: t,
            last: t,
          });
        }
        return {
          scope: 'alert',
          since: iso(alert.firstEventMs),
          until: iso(alert.lastEventMs),
          points: [...points.values()]
            .sort((a, b) => b.n - a.n)
            .map((p) => ({ lat: p.lat, lng: p.lng, country: p.country, signIns: p.n, users: p.users.size, firstSeen: iso(p.first), lastSeen: iso(p.last) })),
          lines: line ? [line] : [],
          unlocated,
        };
      }
      const s = await span(days);
      const user = email?.trim().toLowerCase();
      const points = await store.signInPoints(s, user, MAP_POINTS);
      const travel = await store.listAlerts({ ruleId: TRAVEL_RULE, limit: 200 });
      const lines = travel
        .filter((a) => a.lastEventMs >= s.sinceMs && (user === undefined || str(a.context.user) === user))
        .map(travelLine)
        .filter((l): l is SignInMap['lines'][number] => l !== null);
      return {
        scope: user === undefined ? 'account' : 'user',
        since: iso(s.sinceMs),
        until: iso(s.untilMs - 1),
        points: points.map((p) => ({ lat: p.lat, lng: p.lng, country: p.country, signIns: p.signIns, users: p.users, firstSeen: iso(p.firstSeenMs), lastSeen: iso(p.lastSeenMs) })),
        lines,
        unlocated: null,
      };
    },
  );
};
