import type { Command } from 'commander';
import type { StreamCycleReport } from '../collect/source-collector.js';
import { UnknownSourceError } from '../store/store-errors.js';
import { EXIT } from './exit-codes.js';
import { ProgressReporter } from './progress-reporter.js';
import { withApp } from './with-app.js';

/** Exit code of a cycle: 0 when every stream succeeded, else by the worst error (1 a bug, 3 refused, 4 unavailable). */
export function exitCodeOf(reports: StreamCycleReport[]): number {
  const failed = reports.filter((r) => r.outcome === 'failed');
  if (failed.length === 0) return EXIT.ok;
  if (failed.some((r) => r.error?.code === 'internal')) return EXIT.unexpected;
  const retryable = new Set(['rate_limited', 'daily_budget_exhausted', 'zoom_unavailable', 'malformed_response', 'page_token_expired']);
  return failed.some((r) => r.error && !retryable.has(r.error.code)) ? EXIT.zoomRefused : EXIT.zoomUnavailable;
}

export function registerPollCommand(program: Command): void {
  program
    .command('poll')
    .description('Run one collection cycle for every source (or one) and exit: backfill, re-reads of open days, then the newest records.')
    .option('--once', 'one cycle then exit (the only mode; `zoomtrail run` keeps collecting)')
    .option('--source <id>', 'only this source')
    .option('--reconcile', 're-read every open day in full now, not only when due')
    .action(async (options: { source?: string; reconcile?: boolean }, command: Command) => {
      await withApp(command, async (app) => {
        const sources = options.source ? [await app.store.getSource(options.source)] : await app.store.listSources();
        if (options.source && !sources[0]) throw new UnknownSourceError(options.source);
        const active = sources.filter((s) => s !== undefined && (options.source !== undefined || !s.paused));
        if (active.length === 0) {
          process.stderr.write('No sources to poll. Add one with `zoomtrail source add --help`.\n');
          return EXIT.ok;
        }
        const [{ createPipeline }, { SourceCollector }] = await Promise.all([import('../app/pipeline.js'), import('../collect/source-collector.js')]);
        const progress = new ProgressReporter(process.stderr, () => app.clock.now());
        const pipeline = createPipeline(app);
        const results = await Promise.all(
          active.map(async (source) => {
            const collector = new SourceCollector(source!, {
              store: app.store,
              clock: app.clock,
              logger: app.logger,
              normalizers: app.normalizers,
              onProgress: progress.onProgress,
              onEventsStored: pipeline.onEventsStored,
              fetchImpl: app.outbound.fetch,
            });
            const reports = await collector.runCycle({ reconcile: options.reconcile, force: true });
            for (const r of reports) {
              const what =
                r.outcome === 'failed'
                  ? `FAILED ${r.error?.code}: ${r.error?.message}\n  fix: ${r.error?.fix}`
                  : `${r.received} records read, ${r.inserted} new, ${r.requestsPages} pages`;
              process.stderr.write(`${source!.id} ${r.logType}: ${what}\n`);
            }
            return reports;
          }),
        );
        // Whatever is still queued (an earlier crash, a failed detection), then the alerts' first delivery attempts.
        await pipeline.detector.drain();
        await pipeline.historyDetector.drain();
        const open = await app.store.countAlerts({ status: ['open'] });
        const attempted = await pipeline.deliveries.deliverDue();
        if (open > 0) process.stderr.write(`${open} open alert(s); \`zoomtrail alerts list\` shows them${attempted > 0 ? `; ${attempted} delivery attempt(s) made` : ''}.\n`);
        return exitCodeOf(results.flat());
      });
    });
}
