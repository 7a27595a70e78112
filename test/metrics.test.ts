import { afterEach, describe, expect, it } from 'vitest';
import { metricsRoutes } from '../src/api/routes/metrics-routes.js';
import { renderMetrics } from '../src/api/metrics-snapshot.js';
import { startRouteTestServer } from '../src/api/route-test-server.test-support.js';
import { DeliveryWorker } from '../src/alert/delivery-worker.js';
import { Detector } from '../src/detect/detector.js';
import { findRule, RULES } from '../src/rules/rule-registry.js';
import { metricsRegistry } from '../src/shared/metrics.js';
import { startCollectHarness, type CollectHarness } from './support/collect-harness.js';

/** Prometheus text -> the sum of a metric's samples matching every given label. */
function sum(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

let h: CollectHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('/metrics', () => {
  it('exposes each metric with values that match the store after a run', async () => {
    metricsRegistry.resetMetrics();
    let detector: Detector | undefined;
    h = await startCollectHarness({ volume: { activities: 50, operations: 120 }, collectorDeps: { onEventsStored: async (events) => void (await detector!.detect(events)) } });
    detector = new Detector({ store: h.store, rules: RULES, clock: h.clock, logger: h.logger });
    await h.store.createDestination({ name: 'log', kind: 'log', settings: {}, enabled: true, secret: null });
    h.sim.failNext('http429', 2, { path: '/v2/report/operationlogs' });
    await h.cycle();
    await new DeliveryWorker({ store: h.store, clock: h.clock, logger: h.logger, fetch: globalThis.fetch, ruleMeta: (id) => findRule(id)?.meta }).deliverDue();

    const text = await renderMetrics(h.store);
    const events = await h.store.countEvents({});
    const alerts = await h.store.listAlerts({ limit: 10_000 });
    expect(events).toBeGreaterThan(100);
    expect(sum(text, 'zoomtrail_records_collected_total', { kind: 'event' })).toBe(events);
    expect(sum(text, 'zoomtrail_records_collected_total', { source_id: h.source.id, log_type: 'Zoom.Operation', kind: 'event' })).toBe(
      await h.store.countEvents({ logType: 'Zoom.Operation' }),
    );
    expect(sum(text, 'zoomtrail_classification_failures_total')).toBe(await h.store.countFailures({}));
    expect(sum(text, 'zoomtrail_zoom_requests_total', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(sum(text, 'zoomtrail_zoom_requests_total', { outcome: 'rate_limited' })).toBeGreaterThan(0);
    expect(sum(text, 'zoomtrail_zoom_rate_limit_wait_seconds_total')).toBeGreaterThan(0);
    expect(sum(text, 'zoomtrail_zoom_request_duration_seconds_count')).toBe(sum(text, 'zoomtrail_zoom_requests_total'));
    // Every stored event's lag was observed once, and none is negative (the first bucket holds no more than all).
    expect(sum(text, 'zoomtrail_event_storage_lag_seconds_count')).toBe(events);
    expect(alerts.length).toBeGreaterThan(0);
    expect(sum(text, 'zoomtrail_alerts_raised_total')).toBe(alerts.length);
    expect(sum(text, 'zoomtrail_alert_deliveries_total', { destination_kind: 'log', outcome: 'delivered' })).toBe(alerts.length);
    expect(sum(text, 'zoomtrail_open_alerts')).toBe(alerts.length);
    expect(sum(text, 'zoomtrail_detection_queue_events')).toBe(0);
    expect(sum(text, 'zoomtrail_delivery_outbox_pending')).toBe(0);
    expect(text).toContain('# TYPE zoomtrail_open_alarms gauge');
    expect(text).toContain('# TYPE zoomtrail_poll_duration_seconds histogram');
  });

  it('is served in Prometheus text format at /metrics', async () => {
    const t = await startRouteTestServer([{ plugin: metricsRoutes, prefix: '' }]);
    try {
      const response = await t.server.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(response.body).toMatch(/^# HELP zoomtrail_/m);
    } finally {
      await t.close();
    }
  });
});
