import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '../src/api/auth-session.js';
import type { AppContext } from '../src/app/app-context.js';
import { describeWithBrowser, screenshot } from './support/browser.js';
import { SCENARIO_ADMIN, startScenarioConsole, type ScenarioConsole } from './support/scenario-console.js';

/**
 * The overview and alert triage in Debian's Chromium: a simulated account (80
 * days, with the planted sign-in scenarios) collected with IP enrichment and
 * detection; sign-in lands on the overview (charts, lists, coverage strips,
 * click-through), then triage: assign, comment, bulk resolve, history.
 * Screenshots: test-results/screenshots/overview-1280.png, overview-1920.png, alerts-1280/-1920.png, alert-detail-1280/-1920.png, alert-detail-analyst-1280.png.
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ADMIN = SCENARIO_ADMIN;
const COLLEAGUE = 'colleague';
const ANALYST = { username: 'analyst-ann', password: 'another horse battery staple' };
let app: AppContext;
let page: Page;
let base: string;
let scenario: ScenarioConsole | undefined;

describeWithBrowser('overview and alert triage in a browser (Chromium)', () => {
  beforeAll(async () => {
    scenario = await startScenarioConsole({ name: 'console-triage', now: NOW, days: 80, volume: { activities: 10, operations: 6 }, landing: 'nav-overview' });
    ({ app, page, base } = scenario);
    await app.store.createUser({ username: COLLEAGUE, passwordHash: 'not-a-hash', role: 'analyst' });
  }, 120_000);

  afterAll(async () => {
    await scenario?.close();
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
    await page.setViewportSize({ width: 1920, height: 1000 });
    await screenshot(page, 'alerts-1920');
    await page.setViewportSize({ width: 1280, height: 1000 });

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
    // Suppressing is an admin's: the admin's button works.
    expect(await page.getByTestId('suppress-actor').isEnabled()).toBe(true);
    await screenshot(page, 'alert-detail-1280');
    await page.setViewportSize({ width: 1920, height: 1000 });
    await screenshot(page, 'alert-detail-1920');
    await page.setViewportSize({ width: 1280, height: 1000 });
  });

  it("an analyst sees the alert's Suppress buttons disabled, saying they need the admin role", async () => {
    const alertWithActor = page.url();
    await app.store.createUser({ username: ANALYST.username, passwordHash: await hashPassword(ANALYST.password), role: 'analyst' });
    const analyst = await scenario!.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    try {
      const p = await analyst.newPage();
      await p.goto(`${base}/login`);
      await p.getByTestId('login-username').fill(ANALYST.username);
      await p.getByTestId('login-password').fill(ANALYST.password);
      await p.getByTestId('login-submit').click();
      await p.waitForURL(/\/overview$/);
      await p.goto(alertWithActor);
      const button = p.getByTestId('suppress-actor');
      await button.waitFor();
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('title')).toMatch(/Needs the admin role/);
      expect(await button.getAttribute('data-needs-role')).toBe('admin');
      // Triage itself is the analyst's: commenting works.
      expect(await p.getByTestId('alert-comment').isEditable()).toBe(true);
      await screenshot(p, 'alert-detail-analyst-1280');
    } finally {
      await analyst.close();
    }
  });
});
