import { DeliveryWorker } from '../alert/delivery-worker.js';
import type { EventsStoredListener } from '../collect/page-ingest.js';
import { instanceOwner } from '../collect/instance-identity.js';
import { Detector } from '../detect/detector.js';
import { findRule, RULES } from '../rules/rule-registry.js';
import { systemAlarmMeta } from '../health/system-alarms.js';
import type { AppContext } from './app-context.js';

/** The stages after collection, wired together: new events go to the rules, raised alerts to the outbox. */
export interface Pipeline {
  /** This process as an owner of leases and delivery claims (instanceOwner()). */
  owner: string;
  detector: Detector;
  deliveries: DeliveryWorker;
  /** Give this to the collector: detection runs on each commit's new events, deliveries wake for new alerts. */
  onEventsStored: EventsStoredListener;
}

export interface PipelineOptions {
  /** Default the app's guarded fetch (app.outbound). */
  fetch?: typeof fetch;
  /**
   * The console's address as browsers reach it, for the link to each alert in
   * its notifications (`<publicUrl>/alerts/<id>`); default the configured one.
   * `start` passes the one it serves the console at.
   */
  publicUrl?: string;
}

export function createPipeline(app: AppContext, options: PipelineOptions = {}): Pipeline {
  const { store, clock, logger } = app;
  const owner = instanceOwner();
  const detector = new Detector({ store, rules: RULES, clock, logger });
  const deliveries = new DeliveryWorker({
    store,
    clock,
    logger,
    ruleMeta: (ruleId) => findRule(ruleId)?.meta ?? systemAlarmMeta(ruleId),
    owner,
    publicUrl: options.publicUrl ?? app.config.publicUrl,
    fetch: options.fetch ?? app.outbound.fetch,
  });
  return {
    owner,
    detector,
    deliveries,
    onEventsStored: async (events) => {
      const result = await detector.detect(events);
      if (result.raised.length > 0) deliveries.wake();
    },
  };
}
