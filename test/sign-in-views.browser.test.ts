import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.js';
import { describeWithBrowser, screenshot } from './support/browser.js';
import { startScenarioConsole, type ScenarioConsole } from './support/scenario-console.js';

/**
 * The sign-in views in Debian's Chromium: a simulated account with the planted
 * sign-in scenarios (90 days, scenarios/sign-in-scenarios.ts) collected with IP
 * enrichment and evaluated by the history rules, then the alert's evidence and
 * map, the user page reached from an email, and the account's sign-in map.
 * Screenshots go to test-results/screenshots/ (sign-in-*.png).
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const TRAVELLER = 'traveller@example.com';
let app: AppContext;
let page: Page;
let base: string;
let scenario: ScenarioConsole | undefined;

describeWithBrowser('sign-in views in a browser (Chromium): alert evidence and map, user page, account map', () => {
  beforeAll(async () => {
    scenario = await startScenarioConsole({ name: 'sign-in-views', now: NOW, days: 90, volume: { activities: 20, operations: 5 }, landing: 'nav-sources' });
    ({ app, page, base } = scenario);
  }, 120_000);

  afterAll(async () => {
    await scenario?.close();
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
