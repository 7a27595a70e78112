import type { Command } from 'commander';
import type { AppContext } from '../app/app-context.js';
import { createPipeline, type Pipeline } from '../app/pipeline.js';
import { Collector } from '../collect/collector.js';
import { withApp } from './with-app.js';

/**
 * Runs the collector, detection and alert delivery until `signal` aborts
 * (SIGINT or SIGTERM); resolves when all three have stopped.
 */
export async function runCollector(app: AppContext, signal: AbortSignal, pipeline: Pipeline = createPipeline(app)): Promise<void> {
  const collector = new Collector({
    store: app.store,
    clock: app.clock,
    logger: app.logger,
    normalizers: app.normalizers,
    onEventsStored: pipeline.onEventsStored,
  });
  app.logger.info({ dataDir: app.config.dataDir }, 'collector running; stop with Ctrl-C');
  await Promise.all([collector.run(signal), pipeline.detector.run(signal), pipeline.deliveries.run(signal)]);
  app.logger.info('collector stopped');
}

/** An AbortSignal that fires on the first SIGINT or SIGTERM. */
export function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('shutdown'));
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
