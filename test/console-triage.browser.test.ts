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
 * The overview and alert triage in Debian's Chromium: a simulated account (80
 * days, with the planted sign-in scenarios) collected with IP enrichment and
 * detection; sign-in lands on the overview (charts, lists, coverage strips,
 * click-through), then triage: assign, comment, bulk resolve, history.
 * Screenshots: test-results/screenshots/overview-1280.png, overview-1920.png, alerts-1280.png, alert-detail-1280.png.
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ACCOUNT_ID = 'console-triage-account';
const S2S = { clientId: 'CONSOLE_TRIAGE_S2S_ID', clientSecret: 'console-triage-s2s-secret-0123456789' };
const ADMIN = { username: 'secops', password: 'correct horse battery staple' };
const DAYS = 80;
const COLLEAGUE = 'colleague';

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

describeWithBrowser('overview and alert triage in a browser (Chromium)', () => {
  beforeAll(async () => {
    const clock = shiftedClock(NOW);
    sim = await ZoomSimulator.start({ clock, logger: false, seed: 13, hideFutureRecords: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const toDay = '2026-03-10';
    sim.addAccount({
      accountId: ACCOUNT_ID,
      plan: 'business',
      generated: { seed: 3, fromDay: addDays(toDay, -(DAYS - 1)), toDay, volume: { activities: 10, operations: 6 }, signInScenarios: true },
    });
    sim.addApp({ ...S2S, accountId: ACCOUNT_ID, kind: 's2s' });

    dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-console-triage-'));
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
    await page.getByTestId('nav-overview').waitFor();
    await app.store.createUser({ username: COLLEAGUE, passwordHash: 'not-a-hash', role: 'analyst' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    abort?.abort();
    await running?.closed;
    await app?.close();
    await sim?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lands on the overview after sign-in: charts, lists and coverage for the range, each clicking through', async () => {
    // Sign out and in again: the overview is the landing page.
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-username').fill(ADMIN.username);
    await page.getByTestId('login-password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/overview$/);
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 1000 });
      await page.goto(`${base}/overview?range=30d`);
      await page.locator('[data-testid="events-chart"] canvas').first().waitFor({ timeout: 15_000 });
      await page.locator('[data-testid="alerts-chart"] canvas').first().waitFor();
      await expect.poll(() => page.getByTestId('top-operators').locator('li').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('top-settings').locator('li').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('sign-in-countries').locator('li').count()).toBeGreaterThan(1);
      expect(await page.getByTestId('open-alerts').innerText()).toMatch(/\d/);
      expect(await page.getByTestId('coverage-strip').locator('a').count()).toBe(31); // 30 days ending now touch 31 UTC days
      await screenshot(page, `overview-${width}`);
    }
    // The range picker keeps its choice in the URL; a chart bucket opens its events.
    await page.getByTestId('range-7d').click();
    await page.waitForURL(/\/overview$/);
    await page.getByTestId('range-24h').click();
    await page.waitForURL(/range=24h/);
    await page.goto(`${base}/overview?range=30d`);
    const chart = page.locator('[data-testid="events-chart"] .u-over');
    await chart.waitFor({ timeout: 15_000 });
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width - 20, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width - 20, box.y + box.height / 2);
    await page.waitForURL(/\/events\?.*from=.*to=/);
    await page.getByTestId('event-row').first().waitFor({ timeout: 15_000 });
    // A top operator opens its operations.
    await page.goto(`${base}/overview?range=30d`);
    await page.getByTestId('top-operators').locator('li a').first().click();
    await page.waitForURL(/\/events\?.*logType=Zoom\.Operation/);
    await page.getByTestId('event-row').first().waitFor({ timeout: 15_000 });
  });

  it('triage: bulk resolve with "N of M", assign, comment, and the history of every change', async () => {
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(`${base}/alerts?status=open`);
    await page.getByTestId('alert-row').first().waitFor();
    const openBefore = await app.store.countAlerts({ status: ['open'] });
    expect(openBefore).toBeGreaterThan(2);
    expect(await page.getByTestId('alerts-count').innerText()).toMatch(new RegExp(`of ${openBefore} alerts`));
    const rows = page.getByTestId('alert-row');
    const resolvedIds = [await rows.nth(0).getAttribute('data-alert-id'), await rows.nth(1).getAttribute('data-alert-id')];
    await rows.nth(0).getByTestId('alert-select').check();
    await rows.nth(1).getByTestId('alert-select').check();
    await page.getByTestId('bulk-resolve').click();
    await expect.poll(() => page.getByTestId('bulk-message').innerText()).toBe('2 updated.');
    await expect.poll(() => page.getByTestId('alerts-count').innerText()).toMatch(new RegExp(`of ${openBefore - 2} alerts`));
    for (const id of resolvedIds) expect((await app.store.getAlert(id!))!.status).toBe('resolved');
    // Bulk assign the next one to the colleague, then filter by assignee.
    await rows.nth(0).getByTestId('alert-select').check();
    await page.getByTestId('bulk-assignee').selectOption(COLLEAGUE);
    await page.getByTestId('bulk-assign').click();
    await expect.poll(() => rows.nth(0).getByTestId('alert-assignee').innerText()).toBe(COLLEAGUE);
    await page.getByTestId('filter-assignee').selectOption(COLLEAGUE);
    await expect.poll(() => page.getByTestId('alerts-count').innerText()).toMatch(/of 1 alerts/);
    await screenshot(page, 'alerts-1280');

    // One alert: assign to me, comment, acknowledge with a note; the history shows each with who.
    await rows.nth(0).getByTestId('alert-select').waitFor();
    const id = (await rows.nth(0).getAttribute('data-alert-id'))!;
    await page.goto(`${base}/alerts/${id}`);
    await page.getByTestId('triage-panel').waitFor();
    await expect.poll(() => page.getByTestId('alert-assignee-select').locator('option').count()).toBe(3);
    await page.getByTestId('alert-assignee-select').selectOption(ADMIN.username);
    await page.getByTestId('alert-comment').fill('Checked with the admin: a planned change.');
    await page.getByTestId('alert-comment-submit').click();
    await page.getByTestId('status-note').fill('known change');
    await page.getByTestId('alert-acknowledge').click();
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(4);
    const history = await page.getByTestId('alert-history').innerText();
    expect(history).toMatch(new RegExp(`${ADMIN.username} assigned to ${COLLEAGUE}`));
    expect(history).toMatch(new RegExp(`${ADMIN.username} assigned to ${ADMIN.username} \\(was ${COLLEAGUE}\\)`));
    expect(history).toContain('Checked with the admin: a planned change.');
    expect(history).toMatch(/changed status open → acknowledged — known change/);
    expect(await page.getByTestId('events-around-alert').getAttribute('href')).toMatch(/^\/events\?range=custom&from=.*&to=/);
    await screenshot(page, 'alert-detail-1280');
  });
});
