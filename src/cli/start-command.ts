import type { Command } from 'commander';
import type { AppContext } from '../app/app-context.js';
import type { SourceRecord } from '../store/store.js';
import { startDemoSimulator, type DemoSimulator } from '../zoom-sim/demo-simulator.js';
import { parseIntegerOption } from './option-parsers.js';
import { runCollector, shutdownSignal } from './run-command.js';
import { SOURCE_DEFAULTS } from './source-command.js';
import { withApp } from './with-app.js';

export const DEMO_SOURCE_NAME = 'Demo Zoom account (simulated)';

/**
 * `zoomtrail start` (what `npm start` runs): the collector over every source
 * in the store (the API and console join it in a later release). `--demo`
 * first starts a simulated Zoom account on loopback and a source reading it.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run Zoomtrail: collect every source. --demo adds a simulated Zoom account and a source reading it.')
    .option('--demo', 'start a simulated Zoom account (loopback only) and collect it')
    .option('--sim-port <port>', 'port of the demo simulator', parseIntegerOption('--sim-port', 0, 65_535), 9900)
    .action(async (options: { demo?: boolean; simPort: number }, command: Command) => {
      await withApp(command, async (app) => {
        const signal = shutdownSignal();
        let demo: DemoSimulator | undefined;
        try {
          if (options.demo) {
            demo = await startDemoSimulator({ port: options.simPort, live: true });
            const source = await ensureDemoSource(app, demo);
            process.stderr.write(
              `Demo: a simulated Zoom account runs at ${demo.sim.apiUrl}; source ${source.id} collects it every 30 s.\n` +
                `In another terminal: npx zoomtrail source show ${source.id}   |   npx zoomtrail events export --log-type Zoom.Operation | head\n`,
            );
          } else if ((await app.store.listSources()).length === 0) {
            process.stderr.write('No sources yet: add one with `npx zoomtrail source add --help`, or try `npm start -- --demo`. Waiting for sources...\n');
          }
          await runCollector(app, signal);
        } finally {
          await demo?.stop();
        }
      });
    });
}

/** The demo source, created on first use and pointed at the simulator's current address. */
async function ensureDemoSource(app: AppContext, demo: DemoSimulator): Promise<SourceRecord> {
  const existing = (await app.store.listSources()).find((s) => s.name === DEMO_SOURCE_NAME);
  const settings = { apiUrl: demo.sim.apiUrl, oauthUrl: demo.sim.baseUrl, zoomAccountId: demo.accountId, clientId: demo.s2s.clientId, paused: false };
  if (existing) {
    const updated = await app.store.updateSource(existing.id, settings);
    await app.store.setSourceCredentials(existing.id, { clientSecret: demo.s2s.clientSecret });
    return updated;
  }
  return app.store.createSource({
    ...SOURCE_DEFAULTS,
    ...settings,
    name: DEMO_SOURCE_NAME,
    authKind: 's2s',
    pollIntervalMs: 30_000,
    requestsPerSecond: 5,
    credentials: { clientSecret: demo.s2s.clientSecret },
  });
}
