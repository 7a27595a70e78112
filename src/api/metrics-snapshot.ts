import { metrics, metricsRegistry } from '../shared/metrics.js';
import type { Store } from '../store/store.js';

/** Most open alerts counted per scrape; beyond it the gauges say "at least". */
const OPEN_ALERTS_LIMIT = 10_000;

/** Sets the gauges that are read from the store (open alarms and alerts, queues), then renders every metric. */
export async function renderMetrics(store: Store): Promise<string> {
  const open = await store.listAlerts({ status: ['open', 'acknowledged'], limit: OPEN_ALERTS_LIMIT });
  metrics.openAlarms.reset();
  metrics.openAlerts.reset();
  for (const alert of open) {
    if (alert.type === 'system') metrics.openAlarms.inc({ alarm: alert.ruleId });
    else metrics.openAlerts.inc({ severity: alert.severity });
  }
  metrics.detectionQueue.set(await store.countPendingDetection());
  metrics.deliveryOutbox.set((await store.listDeliveries({ state: 'pending', limit: OPEN_ALERTS_LIMIT })).length);
  return metricsRegistry.metrics();
}

export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;
