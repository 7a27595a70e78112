import { createServer } from 'node:net';
import type { Command } from 'commander';
import type { AppContext } from '../app/app-context.js';
import type { SourceRecord } from '../store/store.js';
import type { DemoSimulator } from '../zoom-sim/demo-simulator.js';
import { parseIntegerOption } from './option-parsers.js';
import { runCollector, shutdownSignal } from './run-command.js';
import { SOURCE_DEFAULTS } from './source-command.js';
import { withApp } from './with-app.js';

export const DEMO_SOURCE_NAME = 'Demo Zoom account (simulated)';

/**
 * `zoomtrail start` (what `npm start` runs): the collector over every source
 * in the store, and the HTTP server (JSON API and console) on `--port` /
 * ZOOMTRAIL_PORT (default 8080) at `--host` / ZOOMTRAIL_HOST (default
 * 127.0.0.1). With no admin yet, it prints a one-time setup link. `--demo`
 * first starts a simulated Zoom account on loopback and a source reading it.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run Zoomtrail: collect every source and serve the API and console. --demo adds a simulated Zoom account and a source reading it.')
    .option('--demo', 'start a simulated Zoom account (loopback only) and collect it')
    .option('--sim-port <port>', 'port of the demo simulator', parseIntegerOption('--sim-port', 0, 65_535), 9900)
    .option('--port <port>', 'port of the API and console (default: ZOOMTRAIL_PORT, the config file, or 8080; 0 picks a free one)', parseIntegerOption('--port', 0, 65_535))
    .option('--host <host>', 'address to listen on (default: ZOOMTRAIL_HOST or 127.0.0.1; 0.0.0.0 for every interface)')
    .action(async (options: { demo?: boolean; simPort: number; port?: number; host?: string }, command: Command) => {
      await withApp(command, async (app) => {
        const signal = shutdownSignal();
        // The server, the pipeline and the simulator load only when start runs (the CLI's other commands start fast).
        const [{ startServer }, { firstStartSetupLink }, { createPipeline }, { startDemoSimulator }] = await Promise.all([
          import('../api/serve.js'),
          import('../api/setup-link.js'),
          import('../app/pipeline.js'),
          import('../zoom-sim/demo-simulator.js'),
        ]);
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
          const pipeline = createPipeline(app);
          const host = options.host ?? (process.env.ZOOMTRAIL_HOST || '127.0.0.1');
          const wanted = options.port ?? app.config.port;
          const port = wanted === 0 ? await freePort(host) : wanted;
          // The default public URL follows the port actually used.
          const publicUrl = app.config.publicUrl === `http://localhost:${app.config.port}` ? `http://localhost:${port}` : app.config.publicUrl;
          const setupLink = await firstStartSetupLink(app.store, app.clock, publicUrl);
          if (setupLink) process.stderr.write(`Open this link to create the admin account: ${setupLink}\n`);
          const server = await startServer(app, signal, { port, host, pipeline, publicUrl });
          app.logger.info({ listening: server.address }, `console at ${publicUrl}`);
          process.stderr.write(`console at ${publicUrl} (listening on ${server.address})\n`);
          await Promise.all([runCollector(app, signal, pipeline), server.closed]);
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

/** A port free right now on `host` (for `--port 0`: the public URL must name the port before the server starts). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
