import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../api-context.js';
import type { HealthView } from '../api-types.js';
import { sinkHealth } from '../../forward/sink-health.js';
import { loadSourceHealth } from '../../health/health-loader.js';
import { ruleSetHealth } from '../../health/rule-set-health.js';
import { IP_ENRICHMENT_ATTRIBUTION } from '../../normalize/geoip/geoip-sources.js';
import { ActionableError } from '../../shared/actionable-error.js';
import { ruleDirectoryView } from './rules-routes.js';
import { alarmView, healthFields, iso } from '../source-view.js';
import { HealthViewSchema } from '../schemas/health.js';

/** The IP databases of the app's locator (file names stay on the server: names, types and dates only). */
function ipEnrichmentView(app: ApiContext['app']): HealthView['ipEnrichment'] {
  try {
    const databases = (app.ipLocator?.databases() ?? []).map(({ role, name, type, builtAt, licence, error }) => ({
      role,
      name,
      type,
      builtAt,
      licence,
      ...(error === undefined ? {} : { error }),
    }));
    return { databases, attribution: IP_ENRICHMENT_ATTRIBUTION };
  } catch (err) {
    const problem = err instanceof ActionableError ? `${err.message} ${err.fix}` : String(err);
    return { databases: [], attribution: IP_ENRICHMENT_ATTRIBUTION, problem };
  }
}

/** Counting more pending deliveries than this says nothing more: the number is capped. */
export const PENDING_DELIVERIES_CAP = 1000;
const VERSION = '0.1.0';

/** States in which a source does not collect as it should: `ok` is false while any source is in one. */
const FAILING_STATES = new Set(['reauthorization_required', 'wrong_credentials', 'missing_scope', 'permission_missing', 'rate_limited', 'zoom_unavailable', 'error', 'no_data']);

/** GET /api/health (authenticated): the detection and delivery backlog, and each source's health with its open alarms. ok = no source failing. */
export const healthRoutes: FastifyPluginAsync<ApiContext> = async (fastify, ctx) => {
  const { store, clock } = ctx.app;
  fastify.get('/health', { config: { access: 'read' }, schema: { response: { 200: HealthViewSchema } } }, async (): Promise<HealthView> => {
    const [pendingDetections, pending, sources] = await Promise.all([
      store.countPendingDetection(),
      store.listDeliveries({ state: 'pending', limit: PENDING_DELIVERIES_CAP }),
      store.listSources(),
    ]);
    const now = clock.now();
    const alarms = await store.listOpenSystemAlerts();
    const views = await Promise.all(
      sources.map(async (source) => {
        const health = await loadSourceHealth(store, source, now);
        const fields = healthFields(health);
        return {
          id: source.id,
          name: source.name,
          state: fields.state,
          stateDetail: fields.stateDetail,
          cause: health.cause,
          fix: health.fix,
          since: fields.stateSince,
          lastEventTime: iso(health.lastEventMs),
          lastPollTime: iso(health.lastPollMs),
          openAlarms: alarms.filter((a) => a.dedup === source.id || a.dedup.startsWith(`${source.id}:`)).map(alarmView),
        };
      }),
    );
    const ruleSets = await ruleSetHealth(store, now);
    return {
      ok: views.every((v) => !FAILING_STATES.has(v.state)),
      version: VERSION,
      pendingDetections,
      pendingDeliveries: Math.min(pending.length, PENDING_DELIVERIES_CAP),
      ipEnrichment: ipEnrichmentView(ctx.app),
      rules: ruleDirectoryView(ctx.pipeline.rules),
      ruleSets: {
        instances: ruleSets.instances.map((i) => ({ ...i, seenAt: new Date(i.seenAt).toISOString() })),
        mismatch: ruleSets.mismatch,
        ...(ruleSets.mismatch
          ? { fix: 'Instances run different rules directories: give every instance the same files (ZOOMTRAIL_RULES_DIR), then `zoomtrail rules reload` on each host.' }
          : {}),
      },
      sources: views,
      sinks: await Promise.all(
        (await store.listSinks()).map(async (sink) => {
          const h = await sinkHealth(store, sink);
          return {
            ...h.sink,
            backlog: h.backlog,
            lagMs: h.lagMs,
            delivered: h.delivered,
            failed: h.failed,
            lastDeliveredAt: iso(h.lastDeliveredAt),
            nextAttemptAt: iso(h.nextAttemptAt),
            lastError:
              h.lastError === null ? null : { message: h.lastError.message, ...(h.lastError.fix === undefined ? {} : { fix: h.lastError.fix }), retryable: h.lastError.retryable },
          };
        }),
      ),
    };
  });
};
