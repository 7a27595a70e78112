import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Zoomtrail's Prometheus metrics: one registry per process (not prom-client's
 * global default, so an embedding program's metrics stay apart). Stages count
 * what they do where they do it; `/metrics` renders the registry. Names carry
 * their unit and counters end in `_total`, per Prometheus conventions.
 */
export const metricsRegistry = new Registry();

const HOUR = 3600;

export const metrics = {
  recordsCollected: new Counter({
    name: 'zoomtrail_records_collected_total',
    help: 'Zoom records stored for the first time, by source, log type and kind (event or classification failure).',
    labelNames: ['source_id', 'log_type', 'kind'] as const,
    registers: [metricsRegistry],
  }),
  classificationFailures: new Counter({
    name: 'zoomtrail_classification_failures_total',
    help: 'Records that failed their schema and were kept as classification failures.',
    labelNames: ['source_id', 'log_type'] as const,
    registers: [metricsRegistry],
  }),
  zoomRequests: new Counter({
    name: 'zoomtrail_zoom_requests_total',
    help: 'Zoom report requests by endpoint and outcome (ok, retried, rate_limited, failed).',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [metricsRegistry],
  }),
  zoomRequestDuration: new Histogram({
    name: 'zoomtrail_zoom_request_duration_seconds',
    help: 'Duration of Zoom report requests.',
    labelNames: ['endpoint'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metricsRegistry],
  }),
  rateLimitWait: new Counter({
    name: 'zoomtrail_zoom_rate_limit_wait_seconds_total',
    help: 'Time spent waiting out Zoom per-second rate limits (429 with or without Retry-After).',
    labelNames: ['endpoint'] as const,
    registers: [metricsRegistry],
  }),
  dailyBudgetExhausted: new Counter({
    name: 'zoomtrail_zoom_daily_budget_exhausted_total',
    help: 'Times Zoom answered that the daily request budget is spent (until 00:00 UTC).',
    labelNames: ['endpoint'] as const,
    registers: [metricsRegistry],
  }),
  pollDuration: new Histogram({
    name: 'zoomtrail_poll_duration_seconds',
    help: 'Duration of one collection cycle of a source (both streams).',
    labelNames: ['source_id'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, HOUR],
    registers: [metricsRegistry],
  }),
  storageLag: new Histogram({
    name: 'zoomtrail_event_storage_lag_seconds',
    help: 'Time from an event (its Zoom time) to its storage in Zoomtrail.',
    labelNames: ['log_type'] as const,
    buckets: [60, 300, 900, HOUR, 6 * HOUR, 24 * HOUR, 7 * 24 * HOUR, 30 * 24 * HOUR, 180 * 24 * HOUR],
    registers: [metricsRegistry],
  }),
  alertsRaised: new Counter({
    name: 'zoomtrail_alerts_raised_total',
    help: 'Alerts raised (groups that reached their threshold), by rule and severity.',
    labelNames: ['rule_id', 'severity'] as const,
    registers: [metricsRegistry],
  }),
  ruleErrors: new Counter({
    name: 'zoomtrail_rule_errors_total',
    help: 'Rule functions that threw on an event.',
    labelNames: ['rule_id'] as const,
    registers: [metricsRegistry],
  }),
  deliveries: new Counter({
    name: 'zoomtrail_alert_deliveries_total',
    help: 'Alert delivery attempts by destination kind and outcome (delivered, retry, failed).',
    labelNames: ['destination_kind', 'outcome'] as const,
    registers: [metricsRegistry],
  }),
  openAlarms: new Gauge({
    name: 'zoomtrail_open_alarms',
    help: 'Open or acknowledged system alarms (log drop-off, coverage at risk), by alarm.',
    labelNames: ['alarm'] as const,
    registers: [metricsRegistry],
  }),
  openAlerts: new Gauge({
    name: 'zoomtrail_open_alerts',
    help: 'Open or acknowledged detection alerts, by severity.',
    labelNames: ['severity'] as const,
    registers: [metricsRegistry],
  }),
  detectionQueue: new Gauge({
    name: 'zoomtrail_detection_queue_events',
    help: 'Stored events waiting for detection.',
    registers: [metricsRegistry],
  }),
  deliveryOutbox: new Gauge({
    name: 'zoomtrail_delivery_outbox_pending',
    help: 'Alert deliveries waiting to be sent or retried.',
    registers: [metricsRegistry],
  }),
};
