import type { Command } from 'commander';
import type { AppContext } from '../app/app-context.js';
import type { Pipeline } from '../app/pipeline.js';
import type { InstanceOptions } from '../collect/collector.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { settingDefault } from '../config/setting-definitions.js';
import { EXIT } from './exit-codes.js';
import { withApp } from './with-app.js';

/**
 * Runs the collector, detection, alert delivery, forwarding, the health alarms and retention until `signal`
 * aborts (SIGINT or SIGTERM); resolves when all of them have stopped.
 */
export async function runCollector(app: AppContext, signal: AbortSignal, given?: Pipeline): Promise<void> {
  const [{ createPipeline }, { Collector }, { HealthMonitor }, { RetentionJob, retentionDaysFromConfig }, { reloadOnSighup, reportRuleSetLoop }, { catchUpAuditEvents }] =
    await Promise.all([
      import('../app/pipeline.js'),
      import('../collect/collector.js'),
      import('../health/health-monitor.js'),
      import('../app/retention-job.js'),
      import('../app/rule-set-reporter.js'),
      import('../app/audit-events.js'),
    ]);
  const pipeline = given ?? createPipeline(app);
  // User rules load before the first event is detected (each row is detected once, with the rules of that moment).
  await pipeline.rules.load();
  // Audit rows of the last week a crash left without their Zoomtrail.Audit event get it now (the detection queue takes them).
  await catchUpAuditEvents({ store: app.store, clock: app.clock, logger: app.logger }, app.clock.now() - 7 * 86_400_000).catch((error: unknown) =>
    app.logger.error({ err: error }, 'audit trail: catching up its Zoomtrail.Audit events failed'),
  );
  // Always under leases: any number of instances may share the database (PostgreSQL), and
  // a second process on the same SQLite file cannot collect a source twice either.
  const collector = new Collector({
    store: app.store,
    clock: app.clock,
    logger: app.logger,
    normalizers: app.normalizers,
    onEventsStored: pipeline.onEventsStored,
    fetchImpl: app.outbound.fetch,
    instance: instanceOptions(app.config, pipeline.owner),
  });
  // The log drop-off and completeness alarms: system alerts through the same outbox.
  const health = new HealthMonitor({
    store: app.store,
    clock: app.clock,
    logger: app.logger,
    onChange: () => pipeline.deliveries.wake(),
    marginDays: app.config.completenessMarginDays ?? settingDefault('completenessMarginDays'),
    sinkStore: app.store,
    sinkStuckAlarmMinutes: app.config.sinkStuckAlarmMinutes ?? settingDefault('sinkStuckAlarmMinutes'),
  });
  // ZOOMTRAIL_RETENTION_*_DAYS: old days deleted hourly in small batches (nothing runs when unset).
  // The forward log is trimmed by the same job (rows every sink passed, kept 7 days).
  const retention = new RetentionJob({ store: app.store, clock: app.clock, logger: app.logger, retentionDays: retentionDaysFromConfig(app.config), forwardLog: app.store });
  app.logger.info({ dataDir: app.config.dataDir }, 'collector running; stop with Ctrl-C');
  // `zoomtrail rules reload` (or kill -HUP) reloads the rules directory; its digest is reported for health.
  const ruleSet = { store: app.store, rules: pipeline.rules, owner: pipeline.owner, clock: app.clock, logger: app.logger };
  const stopHup = reloadOnSighup(ruleSet);
  signal.addEventListener('abort', stopHup, { once: true });
  await Promise.all([
    reportRuleSetLoop(ruleSet, signal),
    collector.run(signal),
    pipeline.detector.run(signal),
    pipeline.historyDetector.run(signal),
    pipeline.rules.watch(signal, app.clock),
    pipeline.deliveries.run(signal),
    pipeline.forwarder.run(signal),
    health.run(signal),
    retention.run(signal),
  ]);
  app.logger.info('collector stopped');
}

/**
 * This instance's share of the work: lease period (`ZOOMTRAIL_LEASE_TTL_MS`,
 * default 60 s: a crashed instance's sources are taken over after it; one on
 * this host whose process is gone, at once) and sources collected at once
 * (`ZOOMTRAIL_MAX_CONCURRENT_SOURCES`, default 4), from the config.
 */
export function instanceOptions(config: RuntimeConfig, owner: string): InstanceOptions {
  return {
    owner,
    leaseTtlMs: config.leaseTtlMs ?? settingDefault('leaseTtlMs'),
    maxConcurrentCycles: config.maxConcurrentSources ?? settingDefault('maxConcurrentSources'),
  };
}

/** How long a stopping process waits for its loops, requests and stores to finish. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM. Whatever has not
 * stopped `graceMs` later (a stuck loop, a request that never ends) is
 * abandoned: the process exits. A second signal ends it at once (the
 * listeners are gone: the default action).
 */
export function shutdownSignal(graceMs: number = SHUTDOWN_GRACE_MS): AbortSignal {
  const controller = new AbortController();
  const stop = (name: NodeJS.Signals) => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    controller.abort(new Error('shutdown'));
    // Unref'd: a clean stop ends the process before it fires.
    setTimeout(() => {
      process.stderr.write(`zoomtrail: not stopped ${graceMs / 1000} s after ${name}; exiting without waiting for the rest.\n`);
      process.exit(EXIT.unexpected);
    }, graceMs).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Collect every source continuously, each on its own schedule, run the rules on new events and deliver alerts, until stopped.')
    .action(async (_options: unknown, command: Command) => {
      await withApp(command, (app) => runCollector(app, shutdownSignal()));
    });
}
