import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { activity, createSource, operation, storeRecords, TWO_FACTOR_OFF } from '../src/api/routes/route-seed.test-support.js';
import { createSetupLink } from '../src/api/setup-link.js';
import { startServer, type RunningServer } from '../src/api/serve.js';
import type { AppContext } from '../src/app/app-context.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';
import { createPipeline } from '../src/app/pipeline.js';
import { FileIpLocator } from '../src/normalize/ip-locator.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { shiftedClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { describeWithBrowser, launchBrowser, screenshot } from './support/browser.js';
import { freePort } from './support/free-port.js';

/**
 * The query language on the console's Events page in Debian's Chromium: an
 * AND/OR/NOT query typed in, a deep link (search and event drawer) opened in a
 * new page, a value of the event JSON clicked to filter by or exclude it, a
 * search saved and reopened. Screenshots: events-query-1280/-1920.png.
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ADMIN = { username: 'secops', password: 'correct horse battery staple' };

let dataDir: string;
let app: AppContext;
let running: RunningServer;
let abort: AbortController;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;

/** The row ids the table shows, in order, once `count` rows are there. */
async function rowsWhen(p: Page, count: number): Promise<string[]> {
  await expect.poll(() => p.getByTestId('event-row').count(), { timeout: 10_000 }).toBe(count);
  const rows = p.getByTestId('event-row');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await rows.nth(i).getAttribute('data-row-id')) ?? '');
  return ids;
}

async function runQuery(p: Page, query: string): Promise<void> {
  await p.getByTestId('filter-q').fill(query);
  await p.getByTestId('apply-filters').click();
  await p.waitForURL((url) => url.searchParams.get('q') === query);
}

describeWithBrowser('query language in a browser (Chromium): AND/OR/NOT, deep links, saved searches', () => {
  beforeAll(async () => {
    const clock = shiftedClock(NOW);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-query-language-'));
    const store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: 'c1'.repeat(32) } });
    app = {
      config: { dataDir, databaseUrl: undefined, logLevel: 'silent', configFile: undefined, port, publicUrl: base, rulesDir: path.join(dataDir, 'rules') },
      store,
      normalizers: loadNormalizers(undefined, new FileIpLocator()),
      logger: pino({ level: 'silent' }),
      clock,
      outbound: loopbackOutbound(),
      close: () => store.close(),
    };
    const sourceId = await createSource(app, 'Acme');
    await storeRecords(app, sourceId, 'Zoom.Operation', [
      operation('2026-03-10T10:00:00Z', { operation_detail: TWO_FACTOR_OFF }),
      operation('2026-03-10T10:10:00Z', { category_type: 'User', action: 'Add', operation_detail: 'Add User bob@example.com' }),
      operation('2026-03-10T10:20:00Z', { category_type: 'Meeting', action: 'Delete', operation_detail: 'Delete Meeting weekly sync' }),
      operation('2026-03-10T10:30:00Z', { category_type: 'User', action: 'Delete', operation_detail: 'Delete User carol@example.com' }),
    ]);
    await storeRecords(app, sourceId, 'Zoom.Activity', [activity('2026-03-10T09:00:00Z', 'bob@example.com', '198.51.100.4')]);
    abort = new AbortController();
    running = await startServer(app, abort.signal, { port, host: '127.0.0.1', pipeline: createPipeline(app) });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.clock.setFixedTime(new Date(NOW + 60_000));
    page = await context.newPage();
    await page.goto(await createSetupLink(app.store, app.clock, base));
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
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs an AND/OR/NOT query typed in the query box, and shows a malformed one as an error with its position', async () => {
    await page.goto(`${base}/events`);
    // The 5 seeded events, and the session's own Zoomtrail.Audit events (sign-in, a saved search).
    await expect.poll(() => page.getByTestId('event-row').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    await runQuery(page, 'action:add OR action:delete');
    const addOrDelete = await rowsWhen(page, 3);
    await runQuery(page, '(action:add OR action:delete) NOT category:meeting');
    const rows = await rowsWhen(page, 2);
    expect(addOrDelete).toEqual(expect.arrayContaining(rows));
    expect(await page.getByTestId('events-table').innerText()).not.toContain('weekly sync');
    await runQuery(page, 'logType:Zoom.Operation AND NOT (action:add OR text:"two-factor")');
    await rowsWhen(page, 2);
    await runQuery(page, 'action:add OR (text:x');
    await expect.poll(() => page.locator('.page').innerText(), { timeout: 10_000 }).toMatch(/never closed/);
    // The position is marked in the query box's error, not only said: the '(' at column 15.
    const problem = page.getByTestId('query-problem');
    expect(await problem.getAttribute('data-position')).toBe('14');
    expect(await page.getByTestId('query-problem-mark').innerText()).toBe('(');
    expect(await problem.innerText()).toContain('at column 15');
    expect(await page.getByTestId('filter-q').getAttribute('aria-invalid')).toBe('true');
    // While typing, before applying: a value missing after 'action:' is marked at column 8.
    await page.getByTestId('filter-q').fill('action: logType:Zoom.Operation');
    expect(await problem.getAttribute('data-position')).toBe('7');
    expect(await problem.innerText()).toMatch(/Missing value after 'action:' at column 8/);
    await screenshot(page, 'events-query-error-1280');
    await page.getByTestId('filter-q').fill('action:add');
    expect(await problem.count()).toBe(0);
  });

  it('reopens the same search, order and event drawer from the URL in a new page', async () => {
    await page.goto(`${base}/events`);
    await runQuery(page, 'category:user OR change:"sign in*"');
    const newestFirst = await rowsWhen(page, 3);
    await page.getByTestId('order-toggle').click();
    await page.waitForURL(/order=asc/);
    const rows = [...newestFirst].reverse();
    await expect.poll(() => rowsWhen(page, 3), { timeout: 10_000 }).toEqual(rows);
    // The column chooser: hiding a column puts the choice in the URL.
    const headers = (p: typeof page) => p.getByTestId('events-table').locator('thead th').allInnerTexts();
    await page.getByTestId('column-chooser').locator('summary').click();
    await page.getByTestId('column-source').uncheck();
    await page.waitForURL(/cols=/);
    expect(await headers(page)).toEqual(['p_event_time', 'p_log_type', 'Actor', 'Type / category / action', 'Detail / IP']);
    await page.getByTestId('column-chooser').locator('summary').click();
    await screenshot(page, 'events-query-1280');
    await page.getByTestId('event-row').nth(1).click();
    await page.getByTestId('event-json').waitFor();
    await page.waitForURL(/event=/);
    const url = page.url();
    expect(new URL(url).searchParams.get('event')).toBe(rows[1]);

    const other = await context.newPage();
    await other.setViewportSize({ width: 1920, height: 1000 });
    await other.goto(url);
    expect(await rowsWhen(other, 3)).toEqual(rows);
    await other.getByTestId('event-json').waitFor();
    expect(await other.getByTestId('event-json').innerText()).toContain(rows[1]!);
    expect(await other.getByTestId('filter-q').inputValue()).toBe('category:user OR change:"sign in*"');
    expect(await headers(other)).toEqual(['p_event_time', 'p_log_type', 'Actor', 'Type / category / action', 'Detail / IP']);
    await screenshot(other, 'events-query-1920');
    // Showing every column again takes `cols` out of the URL (and the browser's memory).
    const withoutDrawer = new URL(url);
    withoutDrawer.searchParams.delete('event');
    await other.goto(withoutDrawer.href);
    await rowsWhen(other, 3);
    await other.getByTestId('column-chooser').locator('summary').click();
    await other.getByTestId('column-source').check();
    await other.waitForURL((u) => !u.searchParams.has('cols'));
    expect(await headers(other)).toContain('p_source_label');
    await other.close();
  });

  it('filters by a value of the event JSON, or excludes it, with a click', async () => {
    await page.goto(`${base}/events?q=${encodeURIComponent('logType:Zoom.Operation')}`);
    await rowsWhen(page, 4);
    await page.locator('[data-testid="event-row"]', { hasText: 'Add User' }).click();
    await page.locator('[data-testid="filter-out"][data-term="action:Add"]').click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'logType:Zoom.Operation NOT action:Add');
    await rowsWhen(page, 3);
    expect(await page.getByTestId('filter-q').inputValue()).toBe('logType:Zoom.Operation NOT action:Add');
    await page.locator('[data-testid="event-row"]', { hasText: 'Delete User' }).click();
    await page.locator('[data-testid="filter-by"][data-term="category:User"]').click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'logType:Zoom.Operation NOT action:Add category:User');
    expect(await page.getByTestId('events-table').innerText()).toContain('Delete User');
    await rowsWhen(page, 1);
  });

  it('keeps the form and the query in sync both ways, and says when the query is more than the form can show', async () => {
    await page.goto(`${base}/events?logType=Zoom.Operation`);
    // A link's field filters are the query; the form shows them.
    expect(await page.getByTestId('filter-q').inputValue()).toBe('logType:Zoom.Operation');
    expect(await page.getByTestId('filter-log-type').inputValue()).toBe('Zoom.Operation');
    // Form -> query.
    await page.getByTestId('filter-category').fill('User');
    expect(await page.getByTestId('filter-q').inputValue()).toBe('logType:Zoom.Operation category:User');
    // Query -> form.
    await page.getByTestId('filter-q').fill('action:Delete AND "weekly sync"');
    expect(await page.getByTestId('filter-action').inputValue()).toBe('Delete');
    expect(await page.getByTestId('filter-text').inputValue()).toBe('weekly sync');
    expect(await page.getByTestId('filter-category').inputValue()).toBe('');
    expect(await page.getByTestId('filter-log-type').inputValue()).toBe('');
    expect(await page.getByTestId('form-more').count()).toBe(0);
    await page.getByTestId('apply-filters').click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'action:Delete AND "weekly sync"');
    await rowsWhen(page, 1);
    // OR and NOT: the form is disabled, with a note, never half filled.
    await page.getByTestId('filter-q').fill('action:delete OR action:add');
    await page.getByTestId('form-more').waitFor();
    expect(await page.getByTestId('form-more').innerText()).toMatch(/more than the form can show \(it has OR\)/);
    expect(await page.getByTestId('filter-form').getAttribute('disabled')).not.toBeNull();
    expect(await page.getByTestId('filter-action').isDisabled()).toBe(true);
    await screenshot(page, 'events-form-more-1280');
    await page.getByTestId('filter-q').fill('category:User');
    expect(await page.getByTestId('filter-action').isDisabled()).toBe(false);
    expect(await page.getByTestId('filter-category').inputValue()).toBe('User');
  });

  it('saves the search and reopens it', async () => {
    await page.goto(`${base}/events`);
    await page.getByTestId('filter-q').fill('(action:delete OR action:add) category:User');
    await page.getByTestId('apply-filters').click();
    const rows = await rowsWhen(page, 2);
    page.once('dialog', (dialog) => void dialog.accept('User adds and deletes'));
    await page.getByTestId('save-shared').check();
    await page.getByTestId('save-search').click();
    await expect.poll(() => page.getByTestId('saved-searches').innerText()).toContain('User adds and deletes (shared)');
    const [saved] = (await app.store.listSavedSearches('nobody')).filter((s) => s.shared);
    expect(saved).toMatchObject({ name: 'User adds and deletes', query: '(action:delete OR action:add) category:User' });

    await page.goto(`${base}/events`);
    // The 5 seeded events, and the session's own Zoomtrail.Audit events (sign-in, a saved search).
    await expect.poll(() => page.getByTestId('event-row').count()).toBeGreaterThanOrEqual(5);
    await page.getByTestId('saved-searches').selectOption({ label: 'User adds and deletes (shared)' });
    expect(await rowsWhen(page, 2)).toEqual(rows);
    expect(await page.getByTestId('filter-q').inputValue()).toBe('(action:delete OR action:add) category:User');

    // The saved search becomes a detection: a YAML rule in the rules directory, loaded, listed on Detections.
    await page.getByTestId('make-detection').click();
    await page.getByTestId('made-detection').waitFor();
    expect(await page.getByTestId('made-detection').innerText()).toContain('Custom.Search.UserAddsAndDeletes');
    expect(readFileSync(path.join(dataDir, 'rules', 'search-user-adds-and-deletes.yml'), 'utf8')).toContain('RuleID: Custom.Search.UserAddsAndDeletes');
    await screenshot(page, 'events-made-detection-1280');
    await page.goto(`${base}/detections`);
    const rule = page.locator('[data-testid="rule-row"][data-rule-id="Custom.Search.UserAddsAndDeletes"]');
    await rule.waitFor();
    expect(await rule.getByTestId('rule-source').innerText()).toContain('search-user-adds-and-deletes.yml');
  });
});
