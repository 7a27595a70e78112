import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSetupLink } from '../src/api/setup-link.js';
import { startServer, type RunningServer } from '../src/api/serve.js';
import type { AppContext } from '../src/app/app-context.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';
import { createPipeline, type Pipeline } from '../src/app/pipeline.js';
import { SourceCollector } from '../src/collect/source-collector.js';
import { DEFAULT_HISTORY_SETTINGS, withEgressAllowed } from '../src/domain/history-settings.js';
import { FileIpLocator } from '../src/normalize/ip-locator.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { shiftedClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { addDays } from '../src/zoom-sim/day-calendar.js';
import { SIM_EGRESS_CIDR } from '../src/zoom-sim/scenarios/sign-in-scenarios.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { describeWithBrowser, launchBrowser, screenshot } from './support/browser.js';

/**
 * The sign-in views in Debian's Chromium: a simulated account with the planted
 * sign-in scenarios (90 days, scenarios/sign-in-scenarios.ts) collected with IP
 * enrichment and evaluated by the history rules, then the alert's evidence and
 * map, the user page reached from an email, and the account's sign-in map.
 * Screenshots go to test-results/screenshots/ (sign-in-*.png).
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ACCOUNT_ID = 'sign-in-views-account';
const S2S = { clientId: 'SIGNIN_VIEWS_S2S_ID', clientSecret: 'sign-in-views-s2s-secret-0123456789' };
const ADMIN = { username: 'secops', password: 'correct horse battery staple' };
const DAYS = 90;
const TRAVELLER = 'traveller@example.com';

let sim: ZoomSimulator;
let dataDir: string;
let app: AppContext;
let pipeline: Pipeline;
let running: RunningServer;
let abort: AbortController;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One collection cycle of every source, with detection and the history rules, as the collector and its loops would run them. */
async function collectAll(): Promise<void> {
  for (const source of await app.store.listSources()) {
    const collector = new SourceCollector(source, {
      store: app.store,
      clock: app.clock,
      logger: app.logger,
      normalizers: app.normalizers,
      onEventsStored: pipeline.onEventsStored,
    });
    await collector.runCycle({ force: true });
  }
  await pipeline.detector.drain();
  await pipeline.historyDetector.drain();
}

describeWithBrowser('sign-in views in a browser (Chromium): alert evidence and map, user page, account map', () => {
  beforeAll(async () => {
    const clock = shiftedClock(NOW);
    sim = await ZoomSimulator.start({ clock, logger: false, seed: 13, hideFutureRecords: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const toDay = '2026-03-10';
    sim.addAccount({
      accountId: ACCOUNT_ID,
      plan: 'business',
      generated: { seed: 3, fromDay: addDays(toDay, -(DAYS - 1)), toDay, volume: { activities: 20, operations: 5 }, signInScenarios: true },
    });
    sim.addApp({ ...S2S, accountId: ACCOUNT_ID, kind: 's2s' });

    dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-sign-in-views-'));
    const store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: 'c0'.repeat(32) } });
    app = {
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
      zoomAccountId: ACCOUNT_ID,
      clientId: S2S.clientId,
      apiUrl: sim.apiUrl,
      oauthUrl: sim.baseUrl,
      backfillDays: DAYS,
      pollIntervalMs: 5 * 60_000,
      settleDays: 2,
      reconcileIntervalMs: 3_600_000,
      requestsPerSecond: 20,
      requestsPerDay: 100_000,
      paused: false,
      dropOffAlarmMinutes: null,
      credentials: { clientSecret: S2S.clientSecret },
    });
    pipeline = createPipeline(app);
    await collectAll();
    abort = new AbortController();
    running = await startServer(app, abort.signal, { port, host: '127.0.0.1', pipeline });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.clock.setFixedTime(new Date(NOW + 60_000));
    page = await context.newPage();
    const link = await createSetupLink(app.store, app.clock, base);
    await page.goto(link);
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('nav-sources').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    abort?.abort();
    await running?.closed;
    await app?.close();
    await sim?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("an impossible-travel alert shows its evidence and the pair on a map; its user's email leads to the user page", async () => {
    const [alert] = await app.store.listAlerts({ ruleId: 'Zoom.SignIn.ImpossibleTravel' }).then((all) => all.filter((a) => a.dedup === TRAVELLER));
    expect(alert).toBeDefined();
    await page.goto(`${base}/alerts/${alert!.id}`);
    const evidence = page.getByTestId('sign-in-evidence');
    await evidence.waitFor();
    expect(await evidence.innerText()).toMatch(/From\s+DE/);
    expect(await evidence.innerText()).toMatch(/To\s+US/);
    await expect.poll(() => page.getByTestId('evidence-speed').innerText()).toMatch(/^[\d,]+ km\/h$/);
    const map = page.getByTestId('sign-in-map');
    await map.waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('map-travel-line').count()).toBe(1);
    expect(await page.getByTestId('map-point').count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'sign-in-01-travel-alert');

    await evidence.getByTestId('user-link').click();
    await page.waitForURL(/\/users\/traveller%40example\.com$/);
    await expect.poll(() => page.getByTestId('user-email').innerText()).toBe(TRAVELLER);
    await expect.poll(() => page.getByTestId('user-countries').innerText()).toContain('US');
    expect(await page.getByTestId('user-countries').innerText()).toContain('DE');
    expect(await page.getByTestId('user-networks').innerText()).toContain('AS7922');
    expect(await page.getByTestId('user-devices').innerText()).toContain('6.2.5');
    expect(await page.getByTestId('user-alerts').innerText()).toMatch(/Impossible travel: traveller@example\.com/);
    await page.getByTestId('user-timeline').waitFor();
    await page.getByTestId('sign-in-map').waitFor({ timeout: 10_000 });
    await screenshot(page, 'sign-in-02-user-page');
  });

  it('every email in the events table leads to that user', async () => {
    await page.goto(`${base}/events?range=30d&email=${encodeURIComponent('burst@example.com')}`); // the burst is days old: not in the default 24 h
    await page.getByTestId('event-row').first().waitFor();
    await page.getByTestId('event-row').first().getByTestId('user-link').click();
    await page.waitForURL(/\/users\/burst%40example\.com$/);
    await expect.poll(() => page.getByTestId('user-countries').innerText()).toContain('AU');
    expect(await page.getByTestId('user-alerts').innerText()).toContain('Sign-in burst');
  });

  it("the account's sign-in map: points sized by count, the impossible-travel pairs as lines", async () => {
    await page.goto(`${base}/sources`);
    await page.getByTestId('nav-map').click();
    await page.waitForURL(/\/map$/);
    await page.getByTestId('map-days-90').click();
    await page.getByTestId('sign-in-map').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('map-travel-line').count()).toBe(2); // the traveller and the burst
    expect(await page.getByTestId('map-point').count()).toBeGreaterThan(10);
    const points = page.getByTestId('map-point');
    const sizes: number[] = [];
    for (let i = 0; i < (await points.count()); i++) sizes.push(Number(await points.nth(i).getAttribute('r')));
    expect(Math.max(...sizes)).toBeGreaterThan(Math.min(...sizes));
    await screenshot(page, 'sign-in-03-account-map');
  });
});
