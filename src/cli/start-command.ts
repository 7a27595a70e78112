import type { Command } from 'commander';
import { systemClock, utcDay } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { REPORT_STREAMS } from '../zoom/report-records.js';
import { readReportWindow } from '../zoom/report-reader.js';
import { LocalRequestBudget } from '../zoom/request-budget.js';
import { connectToZoom } from '../zoom/zoom-client-factory.js';
import { startDemoSimulator } from '../zoom-sim/demo-simulator.js';
import { EXIT, reportError } from './exit-codes.js';
import { parseIntegerOption } from './option-parsers.js';

/**
 * `zoomtrail start` (what `npm start` runs). This release has the Zoom client
 * and simulator; the collector, storage, API and console join `start` as they
 * land. `--demo` already runs a simulated Zoom account and reads it with the
 * real client, so the whole Zoom side can be watched working.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run Zoomtrail. --demo adds a simulated Zoom account read by the real Zoom client.')
    .option('--demo', 'start a simulated Zoom account and read it')
    .option('--sim-port <port>', 'port of the demo simulator', parseIntegerOption('--sim-port', 0, 65_535), 9900)
    .option('--interval <seconds>', 'seconds between reads in demo mode', parseIntegerOption('--interval', 5, 3600), 30)
    .action(async (options: { demo?: boolean; simPort: number; interval: number }) => {
      if (!options.demo) {
        process.stderr.write(
          'No log source can be configured in this release yet: collection, storage, the API and the console arrive in the next ones.\n' +
            'Meanwhile: `npm start -- --demo` runs a simulated Zoom account read by the Zoom client; `npx zoomtrail pull --help` reads a real account.\n',
        );
        process.exitCode = EXIT.usage;
        return;
      }
      await runDemo(options.simPort, options.interval);
    });
}

async function runDemo(port: number, intervalSeconds: number): Promise<void> {
  const logger = createLogger({ level: process.env.ZOOMTRAIL_LOG_LEVEL ?? 'info' });
  const demo = await startDemoSimulator({ port, live: true });
  logger.info({ api_url: demo.sim.apiUrl, oauth_url: demo.sim.baseUrl }, 'demo Zoom account running');
  const { client } = connectToZoom({
    endpoints: { apiUrl: demo.sim.apiUrl, oauthUrl: demo.sim.baseUrl },
    auth: { kind: 's2s', accountId: demo.accountId, ...demo.s2s },
    budget: new LocalRequestBudget(systemClock),
    clock: systemClock,
    logger,
  });
  const readToday = async () => {
    const day = utcDay(systemClock.now());
    for (const stream of REPORT_STREAMS) {
      let records = 0;
      let pages = 0;
      try {
        for await (const page of readReportWindow(client, stream, { from: day, to: day })) {
          records += page.records.length;
          pages += 1;
        }
        logger.info({ log_type: stream.logType, day, records, pages }, 'read today\'s window');
      } catch (error) {
        reportError(error);
      }
    }
  };
  await readToday();
  const timer = setInterval(() => void readToday(), intervalSeconds * 1000);
  const stop = () => {
    clearInterval(timer);
    void demo.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
