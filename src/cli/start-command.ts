import { createServer } from 'node:net';
import { Option, type Command } from 'commander';
import type { AppContext } from '../app/app-context.js';
import { effectivePublicUrl } from '../config/public-url.js';
import { LOG_FORMATS, type LogFormat } from '../config/runtime-config.js';
import { settingDefault } from '../config/setting-definitions.js';
import type { SourceRecord } from '../store/store.js';
import type { DemoSimulator } from '../zoom-sim/demo-simulator.js';
import { listenError } from './listen-error.js';
import { parseIntegerOption } from './option-parsers.js';
import { runCollector, shutdownSignal } from './run-command.js';
import { SOURCE_DEFAULTS } from './source-command.js';
import { withApp } from './with-app.js';

export const DEMO_SOURCE_NAME = 'Demo Zoom account (simulated)';

interface StartOptions {
  demo?: boolean;
  simPort: number;
  port?: number;
  host?: string;
  logFormat?: LogFormat;
}

/**
 * `zoomtrail start` (what `npm start` runs): the collector over every source
 * in the store, and the HTTP server (JSON API and console) on `--port` /
 * ZOOMTRAIL_PORT (default 8080) at `--host` / ZOOMTRAIL_HOST (default
 * 127.0.0.1). With no admin yet, it prints a one-time setup link once the
 * server listens. `--demo` first starts a simulated Zoom account on loopback
 * and a source reading it. On a terminal the output is human lines only and
 * the JSON logs go to `<data dir>/zoomtrail.log`; elsewhere (systemd, docker)
 * the JSON logs stay on stderr.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run Zoomtrail: collect every source and serve the API and console. --demo adds a simulated Zoom account and a source reading it.')
    .option('--demo', 'start a simulated Zoom account (loopback only) and collect it')
    .option('--sim-port <port>', 'port of the demo simulator (0 picks a free one)', parseIntegerOption('--sim-port', 0, 65_535), 9900)
    .option('--port <port>', 'port of the API and console (default: ZOOMTRAIL_PORT, the config file, or 8080; 0 picks a free one)', parseIntegerOption('--port', 0, 65_535))
    .option('--host <host>', 'address to listen on (default: ZOOMTRAIL_HOST or 127.0.0.1; 0.0.0.0 for every interface)')
    .addOption(
      new Option(
        '--log-format <where>',
        'JSON logs: "json" on stderr among these lines (the default when stderr is not a terminal: systemd, docker), "file" to <data dir>/zoomtrail.log (the default on a terminal); or ZOOMTRAIL_LOG_FORMAT',
      ).choices(LOG_FORMATS),
    )
    .action(async (options: StartOptions, command: Command) => {
      // The log setup (pino), the server, the pipeline and the simulator load only when start runs.
      const { chooseLogFormat, openStartLogs } = await import('./start-logs.js');
      let logFile: string | undefined;
      await withApp(command, (app) => runStart(app, options, logFile), {
        logger: (config) => {
          const logs = openStartLogs(config, chooseLogFormat(options.logFormat, config.logFormat, process.stderr.isTTY === true));
          logFile = logs.file;
          return logs.logger;
        },
      });
    });
}

async function runStart(opened: AppContext, options: StartOptions, logFile: string | undefined): Promise<void> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const host = options.host ?? opened.config.host ?? settingDefault('host');
  const wanted = options.port ?? opened.config.port;
  const listenTarget = {
    what: 'the API and console',
    host,
    port: wanted,
    portFlag: '--port',
    portEnv: 'ZOOMTRAIL_PORT',
    hostFlag: '--host',
    likelyHolder: 'another `zoomtrail start`',
  };
  const port =
    wanted === 0
      ? await freePort(host).catch((error: unknown) => {
          throw listenError(error, listenTarget);
        })
      : wanted;
  const publicUrl = effectivePublicUrl(opened.config, { host, port });
  // What everything downstream (server, links, deliveries) reads: the port and public URL in use.
  let app: AppContext = { ...opened, config: { ...opened.config, port, publicUrl } };
  if (logFile) say(`Logs: ${logFile} (JSON lines; --log-format json shows them here instead)`);

  const signal = shutdownSignal();
  const [{ startServer }, { firstStartSetupLink }, { createPipeline }, { outboundAccessFor }] = await Promise.all([
    import('../api/serve.js'),
    import('../api/setup-link.js'),
    import('../app/pipeline.js'),
    import('../app/outbound-access.js'),
  ]);
  let demo: DemoSimulator | undefined;
  try {
    if (options.demo) {
      demo = await startDemo(options.simPort, publicUrl);
      // The simulator listens on loopback, which the outbound address policy refuses: --demo allows
      // its own simulator's origin (that address and port only), whatever ZOOMTRAIL_ALLOWED_NETWORKS says.
      app = { ...app, outbound: outboundAccessFor(app.config, { allowedOrigins: [demo.sim.baseUrl] }) };
      // The simulated office's egress is a corporate egress: --demo allow-lists it for the shared-IP rule (the scenarios' near miss).
      const { DEFAULT_HISTORY_SETTINGS, withEgressAllowed } = await import('../domain/history-settings.js');
      app = { ...app, config: { ...app.config, historySettings: withEgressAllowed(app.config.historySettings ?? DEFAULT_HISTORY_SETTINGS, demo.egressAllowCidr) } };
      const source = await ensureDemoSource(app, demo);
      say(
        source.paused
          ? `Demo: a simulated Zoom account runs at ${demo.sim.apiUrl}; source ${source.id} reads it but stays paused, as you left it: resume it in the console (Sources > ${source.name} > Resume).`
          : `Demo: a simulated Zoom account runs at ${demo.sim.apiUrl}; source ${source.id} collects it every 30 s.`,
      );
      say(`In another terminal: npx zoomtrail source show ${source.id}   |   npx zoomtrail events export --log-type Zoom.Operation | head`);
      say(
        `Demo account-level OAuth app, for the wizard: Client ID ${demo.oauthApp.clientId}, Client Secret ${demo.oauthApp.clientSecret}, ` +
          `OAuth URL ${demo.sim.baseUrl}, API URL ${demo.sim.apiUrl}; its Redirect URL is ${demo.oauthApp.redirectUris.join(', ')}.`,
      );
    } else if ((await app.store.listSources()).length === 0) {
      say('No sources yet: add one with `npx zoomtrail source add --help`, or try `npm start -- --demo`. Waiting for sources...');
    }
    const pipeline = createPipeline(app);
    await pipeline.rules.load();
    if (pipeline.rules.errors.length > 0) say(`${pipeline.rules.errors.length} rule file(s) in ${pipeline.rules.dir} did not load: see \`zoomtrail rules list\`.`);
    const server = await startServer(app, signal, { port, host, pipeline, publicUrl }).catch((error: unknown) => {
      throw listenError(error, listenTarget);
    });
    // For `admin create` in another shell: links then name the port this server listens on.
    await app.store.recordServedUrl(publicUrl);
    // Only now: a link printed before the server listens could point at another program on that port.
    const setupLink = await firstStartSetupLink(app.store, app.clock, publicUrl);
    if (setupLink) say(`Open this link to create the admin account: ${setupLink}`);
    app.logger.info({ listening: server.address }, `console at ${publicUrl}`);
    say(`console at ${publicUrl} (listening on ${server.address})`);
    await Promise.all([runCollector(app, signal, pipeline), server.closed]);
  } finally {
    await demo?.stop();
  }
}

/** The demo simulator on `simPort`, its OAuth app registered for Zoomtrail's Redirect URL at `publicUrl`. */
async function startDemo(simPort: number, publicUrl: string): Promise<DemoSimulator> {
  const { startDemoSimulator, zoomtrailRedirectUri } = await import('../zoom-sim/demo-simulator.js');
  try {
    return await startDemoSimulator({ port: simPort, live: true, redirectUris: [zoomtrailRedirectUri(publicUrl)] });
  } catch (error) {
    throw listenError(error, {
      what: 'the demo simulator',
      host: '127.0.0.1',
      port: simPort,
      portFlag: '--sim-port',
      likelyHolder: 'another `zoomtrail start --demo` or `zoomtrail simulate`',
    });
  }
}

/**
 * The demo source, created on first use and pointed at the simulator's current
 * address. A pause the user made stays: restarting with --demo does not resume it.
 */
async function ensureDemoSource(app: AppContext, demo: DemoSimulator): Promise<SourceRecord> {
  const existing = (await app.store.listSources()).find((s) => s.name === DEMO_SOURCE_NAME);
  const settings = { apiUrl: demo.sim.apiUrl, oauthUrl: demo.sim.baseUrl, zoomAccountId: demo.accountId, clientId: demo.s2s.clientId };
  if (existing) {
    const updated = await app.store.updateSource(existing.id, settings);
    await app.store.setSourceCredentials(existing.id, { clientSecret: demo.s2s.clientSecret });
    return updated;
  }
  return app.store.createSource({
    ...SOURCE_DEFAULTS,
    ...settings,
    paused: false,
    name: DEMO_SOURCE_NAME,
    authKind: 's2s',
    // The whole simulated history: the history rules then have their learning period and the scenarios' proof.
    backfillDays: demo.days,
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
