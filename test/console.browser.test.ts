import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver } from '../src/alert/http-receiver.test-support.js';
import { createSetupLink } from '../src/api/setup-link.js';
import { startServer, type RunningServer } from '../src/api/serve.js';
import type { AppContext } from '../src/app/app-context.js';
import { createPipeline, type Pipeline } from '../src/app/pipeline.js';
import { SourceCollector } from '../src/collect/source-collector.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { shiftedClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { describeWithBrowser, launchBrowser, screenshot } from './support/browser.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';
import { RULES } from '../src/rules/rule-registry.js';
import { freePort } from './support/free-port.js';

/**
 * The console in Debian's Chromium against the simulator: Zoomtrail's server
 * (API + built console) runs in this process on 127.0.0.1, the simulated Zoom
 * is reached as `localhost`, so Zoom's redirect back is cross-site as in real
 * life (the SameSite=Strict session cookie is not sent on it). Collection is
 * driven by the test (one cycle when it wants data), on a clock fixed at
 * 2026-03-10 12:00 UTC. Screenshots of the main pages go to
 * test-results/screenshots/.
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ACCOUNT_ID = 'browser-account';
const S2S = { clientId: 'BROWSER_S2S_ID', clientSecret: 'browser-s2s-secret-0123456789' };
const OAUTH = { clientId: 'BROWSER_OAUTH_ID', clientSecret: 'browser-oauth-secret-0123456789' };
const NARROW = { clientId: 'BROWSER_NARROW_ID', clientSecret: 'browser-narrow-secret-0123456789' };
const ADMIN = { username: 'secops', password: 'correct horse battery staple' };
const TARGET_EMAIL = 'browser.target@example.com';
const XSS_DETAIL = '<script>window.__zoomtrailXss = 1</script><img src=x onerror="window.__zoomtrailXss = 2"> Edit Group Springfield';

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
/** The simulator as the browser sees it: another site than Zoomtrail. */
let zoomSite: string;

/** One collection cycle of every source, with detection, as the collector would run it. */
async function collectAll(): Promise<void> {
  for (const source of await app.store.listSources()) {
    if (source.paused) continue;
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
}

async function walkWizardTo(kind: 's2s' | 'oauth', name: string): Promise<void> {
  await page.goto(`${base}/sources`);
  await page.getByTestId('nav-sources').click();
  await page.goto(`${base}/sources/new`);
  await page.getByTestId('wizard-step-1').getByTestId('continue').click();
  await page.getByTestId('source-name').fill(name);
  await page.getByTestId('wizard-step-2').getByTestId('continue').click();
  await page.getByTestId(kind === 's2s' ? 'auth-kind-s2s' : 'auth-kind-oauth').check();
  await page.getByTestId('wizard-step-3').getByTestId('continue').click();
  await page.getByTestId('wizard-step-4').waitFor();
}

async function fillCredentials(credentials: { clientId: string; clientSecret: string }, s2s: boolean): Promise<void> {
  if (s2s) await page.getByTestId('account-id').fill(ACCOUNT_ID);
  await page.getByTestId('client-id').fill(credentials.clientId);
  await page.getByTestId('client-secret').fill(credentials.clientSecret);
  await page.getByTestId('advanced-settings').click();
  await page.getByTestId('api-url').fill(`${zoomSite}/v2`);
  await page.getByTestId('oauth-url').fill(zoomSite);
  await page.getByTestId('backfill-days-setting').fill('3');
}

async function checkStep(name: string): Promise<{ ok: string | null; text: string }> {
  const step = page.getByTestId(`check-step-${name}`);
  await step.waitFor();
  return { ok: await step.getAttribute('data-ok'), text: await step.innerText() };
}

describeWithBrowser('console in a browser (Chromium, against the simulator)', () => {
  beforeAll(async () => {
    const clock = shiftedClock(NOW);
    sim = await ZoomSimulator.start({ clock, logger: false, seed: 11, hideFutureRecords: true });
    zoomSite = sim.baseUrl.replace('127.0.0.1', 'localhost');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    sim.addAccount({ accountId: ACCOUNT_ID, plan: 'business', generated: { seed: 5, fromDay: '2026-03-01', toDay: '2026-03-10', volume: { activities: 40, operations: 30 } } });
    sim.addApp({ ...S2S, accountId: ACCOUNT_ID, kind: 's2s' });
    sim.addApp({ ...NARROW, accountId: ACCOUNT_ID, kind: 's2s', scopes: ['user:read:admin'] });
    sim.addApp({ ...OAUTH, accountId: ACCOUNT_ID, kind: 'oauth', redirectUris: [`${base}/oauth/callback`] });
    sim
      .account(ACCOUNT_ID)
      .addRecords('Zoom.Activity', [
        { email: TARGET_EMAIL, time: '2026-03-09T08:00:00Z', type: 'Sign in', ip_address: '198.51.100.23', client_type: 'Browser', version: '5.17.0' },
      ]);
    sim
      .account(ACCOUNT_ID)
      .addRecords('Zoom.Operation', [
        { time: '2026-03-09T09:00:00Z', operator: 'mallory@example.com', category_type: 'User Group', action: 'Update', operation_detail: XSS_DETAIL },
      ]);

    dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-browser-'));
    const store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: 'b0'.repeat(32) } });
    app = {
      config: { dataDir, databaseUrl: undefined, logLevel: 'silent', configFile: undefined, port, publicUrl: base },
      store,
      normalizers: loadNormalizers(),
      logger: pino({ level: 'silent' }),
      clock,
      outbound: loopbackOutbound(),
      close: () => store.close(),
    };
    pipeline = createPipeline(app);
    abort = new AbortController();
    running = await startServer(app, abort.signal, { port, host: '127.0.0.1', pipeline });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // The console's time presets ("last 30 days") read the browser's clock: the same fixed day as the server's.
    await context.clock.setFixedTime(new Date(NOW + 60_000));
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    abort?.abort();
    await running?.closed;
    await app?.close();
    await sim?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks to sign in before showing anything', async () => {
    await page.goto(`${base}/events`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-username').waitFor();
    const api = await page.request.get(`${base}/api/events`);
    expect(api.status()).toBe(401);
    await screenshot(page, '01-login');
  });

  it('creates the admin from the one-time setup link, then signs in again after signing out', async () => {
    const link = await createSetupLink(app.store, app.clock, base);
    await page.goto(link);
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('nav-sources').waitFor();
    await screenshot(page, '02-sources-empty');

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-username').fill(ADMIN.username);
    await page.getByTestId('login-password').fill('wrong password, surely');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('error-message').innerText()).toMatch(/user name or password|username or password|credentials/i);
    await page.getByTestId('login-password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-sources').waitFor();
  });

  it('sets up an account-level OAuth app: Redirect URL, credentials, Zoom consent, live check, drop-off alarm, finish', async () => {
    await walkWizardTo('oauth', 'Acme Zoom (OAuth app)');
    await expect.poll(() => page.getByTestId('redirect-url').innerText()).toBe(`${base}/oauth/callback`);
    await screenshot(page, '03-wizard-redirect-url');
    await fillCredentials(OAUTH, false);
    await page.getByTestId('wizard-step-4').getByTestId('continue').click();

    // Zoom's consent page (another site), then back through /oauth/callback.
    await page.waitForURL((url) => url.href.startsWith(`${zoomSite}/oauth/authorize`));
    await screenshot(page, '04-zoom-consent');
    await page.locator('button[value="approve"]').click();
    await page.waitForURL(/\/setup\?step=check/);
    for (const name of ['token', 'scopes', 'plan', 'activity_report', 'operation_report']) {
      await expect.poll(async () => (await checkStep(name)).ok, { timeout: 15_000 }).toBe('true');
    }
    await screenshot(page, '05-wizard-check');
    await page.getByTestId('wizard-step-5').getByTestId('continue').click();
    await page.getByTestId('drop-off-unit').selectOption('hours');
    await page.getByTestId('drop-off-minutes').fill('6');
    await screenshot(page, '06-wizard-confirm');
    await page.getByTestId('finish-setup').click();
    await page.waitForURL(/\/sources\/src_[^/]+$/);

    const source = (await app.store.listSources()).find((s) => s.name === 'Acme Zoom (OAuth app)')!;
    expect(source.authKind).toBe('authorization_code');
    expect(source.hasRefreshToken).toBe(true);
    expect(source.paused).toBe(false);
    expect(source.dropOffAlarmMinutes).toBe(360);
  });

  it('a wrong client secret and a missing scope each stop the Server-to-Server check with their message', async () => {
    await walkWizardTo('s2s', 'Wrong secret');
    await fillCredentials({ ...S2S, clientSecret: 'not-the-secret-at-all-0000' }, true);
    await page.getByTestId('wizard-step-4').getByTestId('continue').click();
    await expect.poll(async () => (await checkStep('token')).ok, { timeout: 15_000 }).toBe('false');
    expect((await checkStep('token')).text).toMatch(/client (id|secret)/i);
    await screenshot(page, '07-check-wrong-secret');

    await walkWizardTo('s2s', 'Missing scope');
    await fillCredentials(NARROW, true);
    await page.getByTestId('wizard-step-4').getByTestId('continue').click();
    await expect.poll(async () => (await checkStep('scopes')).ok, { timeout: 15_000 }).toBe('false');
    expect((await checkStep('scopes')).text).toMatch(/report:read:admin|report:read:user_activities:admin/);
    await screenshot(page, '08-check-missing-scope');

    // The drafts whose check failed say their setup is incomplete, not "Paused — Resume the source".
    await page.goto(`${base}/sources`);
    for (const name of ['Wrong secret', 'Missing scope']) {
      const row = page.getByTestId('source-row').filter({ hasText: name });
      await expect.poll(() => row.getByTestId('state-cause').innerText()).toMatch(/^Setup not finished/);
      expect(await row.innerText()).toMatch(/Setup incomplete/);
      expect(await row.innerText()).not.toMatch(/Resume the source/);
    }
  });

  it('sets up a Server-to-Server source; its events can be filtered by email, and Zoom text shows as text', async () => {
    await walkWizardTo('s2s', 'Acme Zoom (S2S)');
    await fillCredentials(S2S, true);
    await page.getByTestId('wizard-step-4').getByTestId('continue').click();
    await expect.poll(async () => (await checkStep('operation_report')).ok, { timeout: 15_000 }).toBe('true');
    await page.getByTestId('wizard-step-5').getByTestId('continue').click();
    await page.getByTestId('finish-setup').click();
    await page.waitForURL(/\/sources\/src_[^/]+$/);

    // The paused test sources are not collected; the two finished ones are.
    await collectAll();
    await page.goto(`${base}/sources`);
    await expect.poll(() => page.getByTestId('source-row').count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, '09-sources');
    const s2s = (await app.store.listSources()).find((s) => s.name === 'Acme Zoom (S2S)')!;
    await page.goto(`${base}/sources/${s2s.id}`);
    await page.getByTestId('coverage-map').waitFor();
    // The backfill's days (3, plus the planner's padding) are read: complete or still open (settling).
    for (const day of ['2026-03-08', '2026-03-09', '2026-03-10']) {
      expect(await page.locator(`[data-day="${day}"]`).first().getAttribute('data-state')).toMatch(/complete|open/);
    }
    expect(await page.locator('[data-day="2026-01-05"]').first().getAttribute('data-state')).toBe('missing');
    await screenshot(page, '10-source-detail');

    await page.goto(`${base}/events`);
    await page.getByTestId('range-30d').click();
    await page.getByTestId('filter-email').fill(TARGET_EMAIL);
    await page.getByTestId('apply-filters').click();
    await expect.poll(() => page.getByTestId('event-row').count()).toBeGreaterThanOrEqual(1);
    const rows = await page.getByTestId('event-row').allInnerTexts();
    for (const row of rows) expect(row.toLowerCase()).toContain(TARGET_EMAIL);
    await page.getByTestId('event-row').first().click();
    await expect.poll(() => page.getByTestId('event-json').innerText()).toContain(TARGET_EMAIL);
    await screenshot(page, '11-events-filtered');
    await page.keyboard.press('Escape');

    await page.goto(`${base}/events`);
    await page.getByTestId('range-30d').click();
    await page.getByTestId('filter-text').fill('Edit Group Springfield');
    await page.getByTestId('apply-filters').click();
    await expect.poll(() => page.getByTestId('event-row').count()).toBeGreaterThanOrEqual(1);
    await page.getByTestId('event-row').first().click();
    await expect.poll(() => page.getByTestId('event-json').innerText()).toContain('<script>window.__zoomtrailXss = 1</script>');
    expect(await page.evaluate(() => (globalThis as unknown as { __zoomtrailXss?: number }).__zoomtrailXss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await screenshot(page, '12-event-script-as-text');
    await page.keyboard.press('Escape');
  });

  it('an alert appears after Zoom emits a two-factor-disabled change', async () => {
    sim.account(ACCOUNT_ID).addRecords('Zoom.Operation', [
      {
        time: '2026-03-10T11:30:00Z',
        operator: 'mallory@example.com',
        category_type: 'Account',
        action: 'Update',
        operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off ',
      },
    ]);
    await collectAll();
    await page.goto(`${base}/alerts`);
    const title = "Zoom User [mallory@example.com] disabled your organization's setting to sign in with Two-Factor Authentication.";
    await expect.poll(() => page.getByTestId('alerts-table').innerText(), { timeout: 10_000 }).toContain(title);
    await screenshot(page, '13-alerts');
    await page.getByTestId('alert-row').filter({ hasText: title }).first().click();
    await expect.poll(() => page.getByTestId('alert-title').innerText()).toBe(title);
    await page.getByTestId('alert-acknowledge').click();
    await expect.poll(() => page.getByTestId('alert-status').innerText()).toMatch(/acknowledged/i);
    await screenshot(page, '14-alert-detail');

    await page.goto(`${base}/detections`);
    await expect.poll(() => page.getByTestId('rule-row').count()).toBe(RULES.length);
    await screenshot(page, '15-detections');
    await page.goto(`${base}/destinations`);
    await page.getByTestId('destinations-table').or(page.getByTestId('add-destination')).first().waitFor();
    await screenshot(page, '16-destinations');
    await page.goto(`${base}/failures`);
    await screenshot(page, '17-failures');
  });

  it("a rule's page: tuning saved with the default beside it, a suppression added and removed, a backtest run", async () => {
    const id = 'Zoom.PasscodeDisabled';
    await page.goto(`${base}/detections/${id}`);
    await page.getByTestId('rule-tuning').waitFor();
    await page.getByTestId('tune-threshold').fill('4');
    await page.getByTestId('tune-save').click();
    await expect.poll(async () => (await app.store.getRuleTuning(id))?.threshold).toBe(4);
    await page.getByTestId('suppression-reason').fill('nightly rotation');
    await page.getByTestId('suppression-operator').fill('backup@example.com');
    await page.getByTestId('suppression-add').click();
    await expect.poll(() => page.getByTestId('suppression-row').count()).toBe(1);
    await page.getByTestId('backtest-run').click();
    await expect.poll(() => page.getByTestId('backtest-summary').innerText()).toContain('threshold 4');
    await screenshot(page, '15b-rule-page');
    await page.getByRole('button', { name: 'Remove suppression: nightly rotation' }).click();
    await expect.poll(() => page.getByTestId('suppression-row').count()).toBe(0);
    await page.getByTestId('tune-reset').click();
    await expect.poll(async () => app.store.getRuleTuning(id)).toBeUndefined();
  });

  it('a destination test from the console: the result reads once ("HTTP 200 from host"), the alert names the console and the user', async () => {
    const receiver = await startReceiver();
    try {
      await app.store.createDestination({
        name: 'Console hook',
        kind: 'webhook',
        settings: { url: `${receiver.origin}/hook` },
        enabled: true,
        secret: 'console-hook-secret-0123456789',
      });
      await page.goto(`${base}/destinations`);
      const row = page.getByTestId('destination-row').filter({ hasText: 'Console hook' });
      await row.getByTestId('test-destination').click();
      await expect.poll(() => row.getByTestId('test-result').getAttribute('data-ok'), { timeout: 10_000 }).toBe('true');
      expect((await row.getByTestId('test-result').innerText()).trim()).toBe(`✓ HTTP 200 from ${new URL(receiver.origin).host}`);
      expect(receiver.requests).toHaveLength(1);
      const { alert } = JSON.parse(receiver.requests[0]!.body) as { alert: { description: string; context: Record<string, unknown> } };
      expect(alert.description).toContain(`from the Zoomtrail console by ${ADMIN.username}`);
      expect(alert.context).toEqual({ sentFrom: 'console', sentBy: ADMIN.username });
      await screenshot(page, '18-destination-tested');
    } finally {
      await receiver.close();
    }
  });

  it('pages through more alerts than one page: the newest last event first, "N of M", Load more, sort', async () => {
    const from = Date.parse('2026-03-10T00:00:00Z');
    sim.account(ACCOUNT_ID).addRecords(
      'Zoom.Operation',
      Array.from({ length: 130 }, (_, i) => ({
        time: new Date(from + i * 5 * 60_000).toISOString().replace('.000Z', 'Z'),
        operator: `admin${i}@example.com`,
        category_type: 'Account',
        action: 'Update',
        operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off',
      })),
    );
    await collectAll();
    const stored = await app.store.listAlerts({ limit: 10_000 });
    const total = stored.length;
    expect(total).toBeGreaterThan(130);
    const newest = Math.max(...stored.map((a) => a.lastEventMs));

    await page.goto(`${base}/alerts`);
    await expect.poll(() => page.getByTestId('alerts-count').innerText(), { timeout: 10_000 }).toBe(`Showing 100 of ${total} alerts`);
    const firstId = await page.getByTestId('alert-row').first().getAttribute('data-alert-id');
    expect(stored.find((a) => a.id === firstId)?.lastEventMs).toBe(newest);
    await page.getByTestId('load-more').click();
    await expect.poll(() => page.getByTestId('alerts-count').innerText()).toBe(`Showing ${total} of ${total} alerts`);
    expect(await page.getByTestId('load-more').count()).toBe(0);
    const ids = await page.getByTestId('alert-row').evaluateAll((rows: { getAttribute(name: string): string | null }[]) => rows.map((r) => r.getAttribute('data-alert-id')));
    expect(new Set(ids).size).toBe(total);
    await screenshot(page, '19-alerts-all-pages');

    await page.getByTestId('alerts-sort').selectOption('severity');
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('severity');
    await expect.poll(() => page.getByTestId('alerts-count').innerText()).toBe(`Showing 100 of ${total} alerts`);
  });
  it('an admin invites an analyst from the Users page; the analyst signs up with the link and cannot change a source', async () => {
    await page.goto(`${base}/users`);
    await page.getByTestId('invite-role').selectOption('analyst');
    await page.getByTestId('invite-user').click();
    const link = await page.getByTestId('one-time-link').locator('input').inputValue();
    expect(link).toMatch(/\/setup\?token=/);
    await screenshot(page, '20-users-invite');

    const analystContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const analyst = await analystContext.newPage();
      await analyst.goto(link.replace(/^https?:\/\/[^/]+/, base));
      const password = 'an analyst password 123';
      await analyst.getByTestId('setup-username').fill('analyst1');
      await analyst.getByTestId('setup-password').fill(password);
      await analyst.getByTestId('setup-password-confirm').fill(password);
      await analyst.getByTestId('setup-submit').click();
      await analyst.getByTestId('nav-sources').waitFor();
      // Users and Audit are an admin's pages: not in an analyst's navigation.
      expect(await analyst.getByTestId('nav-users').count()).toBe(0);
      const source = (await app.store.listSources()).find((s) => !s.paused) ?? (await app.store.listSources())[0]!;
      await analyst.goto(`${base}/sources/${encodeURIComponent(source.id)}`);
      await analyst.getByTestId(source.paused ? 'resume' : 'pause').click();
      await expect.poll(() => analyst.getByTestId('error-message').innerText(), { timeout: 10_000 }).toContain('analyst');
      expect((await app.store.getSource(source.id))?.paused).toBe(source.paused);
      await screenshot(analyst, '21-analyst-cannot-change-source');
    } finally {
      await analystContext.close();
    }
  });
});
