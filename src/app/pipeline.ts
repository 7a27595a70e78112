import { DeliveryWorker } from '../alert/delivery-worker.js';
import type { EventsStoredListener } from '../collect/page-ingest.js';
import { instanceOwner } from '../collect/instance-identity.js';
import { Detector } from '../detect/detector.js';
import { HistoryDetector } from '../detect/history-detector.js';
import { DEFAULT_HISTORY_SETTINGS } from '../domain/history-settings.js';
import { RULES } from '../rules/rule-registry.js';
import { privilegeGrantOf } from '../rules/zoom/privilege-then-weakening.js';
import { defaultRulesDir } from '../config/runtime-config.js';
import { RuleGuard } from '../detect/rule-guard.js';
import { SuppressionFilter } from '../detect/suppression-filter.js';
import { UserRuleSet } from '../rules/user/user-rule-set.js';
import { systemAlarmMeta } from '../health/system-alarms.js';
import { Forwarder } from '../forward/forwarder.js';
import type { AppContext } from './app-context.js';

/** The stages after collection, wired together: new events go to the rules, raised alerts to the outbox. */
export interface Pipeline {
  /** This process as an owner of leases and delivery claims (instanceOwner()). */
  owner: string;
  detector: Detector;
  /** The history rules: evaluates queued sign-ins and operations once their history is proven (its own loop). */
  historyDetector: HistoryDetector;
  /** Built-in and user rules (the rules directory); `load` it before collecting, `watch` it to reload on change. */
  rules: UserRuleSet;
  deliveries: DeliveryWorker;
  /**
   * Forwarding to the sinks (issue 18): each sink's backlog from the forward log, one loop per sink.
   * Every instance runs it; on a shared PostgreSQL database the cursor's compare-and-set keeps each
   * batch counted once, but two instances may both send a batch (at least once; JetStream dedups by id).
   */
  forwarder: Forwarder;
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
  const rules = new UserRuleSet({
    dir: defaultRulesDir(app.config.dataDir, app.config.rulesDir),
    guard: new RuleGuard(app.config.ruleTimeBudgetMs),
    logger,
  });
  const detector = new Detector({ store, rules: rules.all, guard: rules.guard, suppressions: new SuppressionFilter(store, clock, logger), clock, logger });
  const deliveries = new DeliveryWorker({
    store,
    clock,
    logger,
    ruleMeta: (ruleId) => rules.find(ruleId)?.meta ?? systemAlarmMeta(ruleId),
    owner,
    publicUrl: options.publicUrl ?? app.config.publicUrl,
    fetch: options.fetch ?? app.outbound.fetch,
  });
  const forwarder = new Forwarder({
    store,
    clock,
    logger,
    fetch: options.fetch ?? app.outbound.fetch,
    policy: app.outbound.policy,
    lease: { store, owner, ttlMs: app.config.leaseTtlMs ?? 60_000 },
  });
  const historyDetector = new HistoryDetector({
    store,
    rules: RULES,
    settings: app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS,
    privilegeGrant: privilegeGrantOf,
    clock,
    logger,
    onRaised: () => deliveries.wake(),
  });
  return {
    owner,
    detector,
    historyDetector,
    rules,
    deliveries,
    forwarder,
    onEventsStored: async (events) => {
      forwarder.wake();
      const result = await detector.detect(events);
      if (result.raised.length > 0) deliveries.wake();
    },
  };
}
