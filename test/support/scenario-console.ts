import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { createSetupLink } from '../../src/api/setup-link.js';
import { startServer, type RunningServer } from '../../src/api/serve.js';
import type { AppContext } from '../../src/app/app-context.js';
import { loopbackOutbound } from '../../src/app/outbound-access.test-support.js';
import { createPipeline, type Pipeline } from '../../src/app/pipeline.js';
import { SourceCollector } from '../../src/collect/source-collector.js';
import { DEFAULT_HISTORY_SETTINGS, withEgressAllowed } from '../../src/domain/history-settings.js';
import { FileIpLocator } from '../../src/normalize/ip-locator.js';
import { loadNormalizers } from '../../src/normalize/log-type-registry.js';
import { shiftedClock } from '../../src/shared/clock.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { addDays } from '../../src/zoom-sim/day-calendar.js';
import { SIM_EGRESS_CIDR } from '../../src/zoom-sim/scenarios/sign-in-scenarios.js';
import { ZoomSimulator } from '../../src/zoom-sim/zoom-simulator.js';
import { launchBrowser } from './browser.js';
import { freePort } from './free-port.js';

/** The console's first admin in these tests. */
export const SCENARIO_ADMIN = { username: 'secops', password: 'correct horse battery staple' };

/**
 * A console over a simulated account with the planted sign-in scenarios
 * (scenarios/sign-in-scenarios.ts), collected once with IP enrichment,
 * detection and the history rules, served on a free port, and a Chromium page
 * signed in as SCENARIO_ADMIN after the one-time setup link.
 */
export interface ScenarioConsole {
  sim: ZoomSimulator;
  app: AppContext;
  pipeline: Pipeline;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  base: string;
  close(): Promise<void>;
}

export async function startScenarioConsole(options: {
  /** Names the account, the app's credentials and the data directory. */
  name: string;
  now: number;
  days: number;
  volume: { activities: number; operations: number };
  /** The nav entry the page waits for after the setup. */
  landing: string;
}): Promise<ScenarioConsole> {
  const { name, now, days } = options;
  const clock = shiftedClock(now);
  const sim = await ZoomSimulator.start({ clock, logger: false, seed: 13, hideFutureRecords: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const toDay = new Date(now).toISOString().slice(0, 10);
  const accountId = `${name}-account`;
  const s2s = { clientId: `${name.toUpperCase().replace(/-/g, '_')}_S2S_ID`, clientSecret: `${name}-s2s-secret-0123456789` };
  sim.addAccount({
    accountId,
    plan: 'business',
    generated: { seed: 3, fromDay: addDays(toDay, -(days - 1)), toDay, volume: options.volume, signInScenarios: true },
  });
  sim.addApp({ ...s2s, accountId, kind: 's2s' });

  const dataDir = mkdtempSync(path.join(os.tmpdir(), `zoomtrail-${name}-`));
  const store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: 'c0'.repeat(32) } });
  const app: AppContext = {
    config: {
      dataDir,
      databaseUrl: undefined,
      logLevel: 'silent',
      configFile: undefined,
      port,
      publicUrl: base,
      historySettings: withEgressAllowed(DEFAULT_HISTORY_SETTINGS, SIM_EGRESS_CIDR),
    },
    store,
    normalizers: loadNormalizers(undefined, new FileIpLocator()),
    logger: pino({ level: 'silent' }),
    clock,
    outbound: loopbackOutbound(),
    close: () => store.close(),
  };
  await store.createSource({
    name: 'Scenarios',
    authKind: 's2s',
    zoomAccountId: accountId,
    clientId: s2s.clientId,
    apiUrl: sim.apiUrl,
    oauthUrl: sim.baseUrl,
    backfillDays: days,
    pollIntervalMs: 5 * 60_000,
    settleDays: 2,
    reconcileIntervalMs: 3_600_000,
    requestsPerSecond: 20,
    requestsPerDay: 100_000,
    paused: false,
    dropOffAlarmMinutes: null,
    credentials: { clientSecret: s2s.clientSecret },
  });
  const pipeline = createPipeline(app);
  // One collection cycle of every source, with detection and the history rules, as the collector and its loops would run them.
  for (const source of await store.listSources()) {
    await new SourceCollector(source, { store, clock, logger: app.logger, normalizers: app.normalizers, onEventsStored: pipeline.onEventsStored }).runCycle({ force: true });
  }
  await pipeline.detector.drain();
  await pipeline.historyDetector.drain();

  const abort = new AbortController();
  const running: RunningServer = await startServer(app, abort.signal, { port, host: '127.0.0.1', pipeline });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.clock.setFixedTime(new Date(now + 60_000));
  const page = await context.newPage();
  await page.goto(await createSetupLink(store, clock, base));
  await page.getByTestId('setup-username').fill(SCENARIO_ADMIN.username);
  await page.getByTestId('setup-password').fill(SCENARIO_ADMIN.password);
  await page.getByTestId('setup-password-confirm').fill(SCENARIO_ADMIN.password);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId(options.landing).waitFor();
  return {
    sim,
    app,
    pipeline,
    browser,
    context,
    page,
    base,
    close: async () => {
      await browser.close();
      abort.abort();
      await running.closed;
      await app.close();
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
