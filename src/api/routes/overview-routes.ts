import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Static } from 'typebox';
import { daysFrom } from '../../domain/utc-days.js';
import { SEVERITIES } from '../../domain/severity.js';
import { sinkHealth } from '../../forward/sink-health.js';
import { loadSourceHealth } from '../../health/health-loader.js';
import { findRule } from '../../rules/rule-registry.js';
import { HOUR_MS, hourOf } from '../../store/event-hour-counts.js';
import type { DayState } from '../../store/store.js';
import { LOG_TYPES } from '../../zoom/report-records.js';
import type { ApiContext } from '../api-context.js';
import { tallyOperations } from '../operation-tally.js';
import { errorResponses } from '../schemas/common.js';
import { MAX_OVERVIEW_DAYS, OverviewQuerySchema, OverviewSchema } from '../schemas/overview.js';
import { installApiErrorHandler, invalidField, iso, isoOrNull } from './route-support.js';

type Overview = Static<typeof OverviewSchema>;

const DAY_MS = 86_400_000;
/** Bucket widths, smallest first: the first giving at most MAX_BUCKETS buckets is used. */
const BUCKET_HOURS = [1, 3, 6, 12, 24];
const MAX_BUCKETS = 200;
/** Newest Operation Logs events read for the top operators and settings. */
const OPERATIONS_READ = 5000;
const TOP = 10;
/** Worst first: a day's strip shows the worst state of its log types. */
const DAY_STATE_RANK: Record<DayState | 'none', number> = { failed: 0, purged: 1, open: 2, none: 3, complete: 4 };

function parseTime(field: 'from' | 'to', value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw invalidField(field, `${field} is not an ISO 8601 time: "${value}"`);
  return ms;
}

/** GET /overview?from&to: every aggregate of the console's home page in one answer (indexed queries only). */
export const overviewRoutes: FastifyPluginAsync<ApiContext> = async (plugin, context) => {
  installApiErrorHandler(plugin);
  const fastify = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = context.app;

  fastify.get(
    '/overview',
    {
      config: { access: 'read' },
      schema: {
        tags: ['overview'],
        summary: 'The overview: events and alerts over time, open alerts, top operators and settings, sign-ins by country, source coverage, sinks',
        querystring: OverviewQuerySchema,
        response: { 200: OverviewSchema, ...errorResponses(400) },
      },
    },
    async (request): Promise<Overview> => {
      const now = clock.now();
      const toMs = parseTime('to', request.query.to, now);
      const fromMs = parseTime('from', request.query.from, toMs - 7 * DAY_MS);
      if (!(fromMs < toMs)) throw invalidField('from', 'from must be before to');
      if (toMs - fromMs > MAX_OVERVIEW_DAYS * DAY_MS) throw invalidField('from', `the range is longer than ${MAX_OVERVIEW_DAYS} days`);

      const start = hourOf(fromMs);
      const hours = BUCKET_HOURS.find((h) => Math.ceil((toMs - start) / (h * HOUR_MS)) <= MAX_BUCKETS) ?? 24;
      const bucketMs = hours * HOUR_MS;
      const bucketCount = Math.max(1, Math.ceil((toMs - start) / bucketMs));
      const bucketOf = (ms: number) => Math.min(bucketCount - 1, Math.max(0, Math.floor((ms - start) / bucketMs)));

      const [eventHours, alertHours, open, countries, sources, sinks] = await Promise.all([
        store.eventCountsByHour(fromMs, toMs),
        store.alertCountsByHour(fromMs, toMs),
        store.openAlertCounts(),
        store.signInCountries(fromMs, toMs, 50),
        store.listSources(),
        store.listSinks(),
      ]);

      const events = [...new Set([...LOG_TYPES, ...eventHours.map((h) => h.logType)])].map((logType) => {
        const counts = new Array<number>(bucketCount).fill(0);
        for (const h of eventHours) if (h.logType === logType) counts[bucketOf(h.hourMs)]! += h.count;
        return { logType, counts, total: counts.reduce((a, b) => a + b, 0) };
      });
      const alerts = SEVERITIES.map((severity) => {
        const counts = new Array<number>(bucketCount).fill(0);
        for (const h of alertHours) if (h.severity === severity) counts[bucketOf(h.hourMs)]! += h.count;
        return { severity, counts, total: counts.reduce((a, b) => a + b, 0) };
      });

      // Operation Logs, newest first, by the time index: the top operators and settings of the range (or of its newest OPERATIONS_READ).
      const operationEvents: Record<string, unknown>[] = [];
      for await (const e of store.queryEvents({ logType: 'Zoom.Operation', sinceMs: fromMs, untilMs: toMs, order: 'desc', limit: OPERATIONS_READ + 1 })) {
        operationEvents.push(e.event);
      }
      const sampled = operationEvents.length > OPERATIONS_READ;
      const tally = tallyOperations(operationEvents.slice(0, OPERATIONS_READ), TOP);

      const days = daysFrom(iso(fromMs).slice(0, 10), iso(toMs - 1).slice(0, 10));
      const sourceViews = await Promise.all(
        sources.map(async (source) => {
          const health = await loadSourceHealth(store, source, now);
          const worst = new Map<string, DayState | 'none'>(days.map((d) => [d, 'none']));
          const perType = await Promise.all(LOG_TYPES.map((logType) => store.listDayCoverage(source.id, logType, days[0]!, days.at(-1)!)));
          for (const [i, coverage] of perType.entries()) {
            const byDay = new Map(coverage.map((c) => [c.day, c.state]));
            for (const day of days) {
              const state: DayState | 'none' = byDay.get(day) ?? 'none';
              // A day counts as complete only when every log type is; the first log type sets, the others can only lower it.
              const current = worst.get(day)!;
              if (i === 0 || DAY_STATE_RANK[state] < DAY_STATE_RANK[current]) worst.set(day, state);
            }
          }
          return {
            id: source.id,
            name: source.name,
            state: health.state,
            cause: health.cause,
            lastEventTime: isoOrNull(health.lastEventMs),
            coverage: days.map((day) => ({ day, state: worst.get(day)! })),
          };
        }),
      );
      const sinkViews = await Promise.all(
        sinks.map(async (sink) => {
          const h = await sinkHealth(store, sink);
          return {
            id: sink.id,
            name: sink.name,
            kind: sink.kind,
            paused: sink.paused,
            backlog: h.backlog,
            lagMs: h.lagMs,
            consecutiveFailures: h.consecutiveFailures,
            lastDeliveredAt: isoOrNull(h.lastDeliveredAt),
          };
        }),
      );

      return {
        from: iso(fromMs),
        to: iso(toMs),
        bucketMs,
        buckets: Array.from({ length: bucketCount }, (_, i) => iso(start + i * bucketMs)),
        events,
        alerts,
        openAlerts: open.map((o) => ({ ...o, ruleDisplayName: findRule(o.ruleId)?.meta.displayName ?? o.ruleId })),
        operations: { read: Math.min(operationEvents.length, OPERATIONS_READ), sampled, ...tally },
        signInCountries: countries,
        sources: sourceViews,
        sinks: sinkViews,
      };
    },
  );
};
