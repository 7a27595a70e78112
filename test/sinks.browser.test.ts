import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../src/alert/http-receiver.test-support.js';
import { createSetupLink } from '../src/api/setup-link.js';
import { startServer, type RunningServer } from '../src/api/serve.js';
import type { AppContext } from '../src/app/app-context.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';
import { createPipeline } from '../src/app/pipeline.js';
import { S3RVER_SECRET, startS3Server, type S3TestServer } from '../src/forward/s3-server.test-support.js';
import { Forwarder } from '../src/forward/forwarder.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { FileIpLocator } from '../src/normalize/ip-locator.js';
import { shiftedClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { page as pageOf, sampleEvent, sampleSource } from '../src/store/store-contract.test-support.js';
import { describeWithBrowser, launchBrowser, screenshot } from './support/browser.js';
import { freePort } from './support/free-port.js';

/**
 * The Sinks page in Debian's Chromium: an S3 sink added through the form
 * (against s3rver), its "Send a test event" button, a flushed sink with its
 * counters, a failing Elasticsearch sink with its dead letters retried, and a
 * pause. Screenshot: test-results/screenshots/sinks-1280.png.
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ADMIN = { username: 'secops', password: 'correct horse battery staple' };

let dataDir: string;
let app: AppContext;
let running: RunningServer;
let abort: AbortController;
let browser: Browser;
let page: Page;
let base: string;
let s3: S3TestServer;
let es: Receiver;

describeWithBrowser('console: Sinks page', () => {
  beforeAll(async () => {
    const clock = shiftedClock(NOW);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    s3 = await startS3Server();
    es = await startReceiver();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-sinks-page-'));
    const store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: 'd1'.repeat(32) } });
    app = {
      config: { dataDir, databaseUrl: undefined, logLevel: 'silent', configFile: undefined, port, publicUrl: base },
      store,
      normalizers: loadNormalizers(undefined, new FileIpLocator()),
      logger: pino({ level: 'silent' }),
      clock,
      outbound: loopbackOutbound(),
      close: () => store.close(),
    };
    const source = (await store.createSource(sampleSource())).id;
    await store.commitPage(pageOf(source, [sampleEvent('e1', NOW - 3000), sampleEvent('e2', NOW - 2000), sampleEvent('e3', NOW - 1000)]));
    // A failing Elasticsearch sink: one event refused for good (a dead letter), then flushed.
    const elastic = await store.createSink({
      name: 'elastic',
      kind: 'elasticsearch',
      format: 'ecs',
      url: es.origin,
      settings: {},
      secret: null,
      logTypes: null,
      createdBy: 'admin',
    });
    es.reply({
      status: 200,
      body: JSON.stringify({
        items: [{ create: { status: 201 } }, { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad' } } }, { create: { status: 201 } }],
      }),
    });
    // A syslog sink whose server is down: its last error and fix show.
    const syslog = await store.createSink({
      name: 'rsyslog',
      kind: 'syslog',
      format: 'panther',
      url: `tcp://127.0.0.1:${await freePort()}`,
      settings: {},
      secret: null,
      logTypes: null,
      createdBy: 'admin',
    });
    await new Forwarder({ store, clock, logger: app.logger, fetch: app.outbound.fetch, policy: app.outbound.policy }).flush([elastic, syslog]);
    abort = new AbortController();
    running = await startServer(app, abort.signal, { port, host: '127.0.0.1', pipeline: createPipeline(app) });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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
    await s3?.close();
    await es?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds an S3 sink, sends a test event, shows counters and the last error, retries a dead letter and pauses', async () => {
    await page.getByTestId('nav-sinks').click();
    await page.getByTestId('sinks-table').waitFor();
    await expect.poll(() => page.getByTestId('sink-row').count()).toBe(2);
    const elastic = page.getByTestId('sink-row').filter({ hasText: 'elastic' });
    expect(await elastic.getByTestId('sink-delivered').innerText()).toBe('2');
    const rsyslog = page.getByTestId('sink-row').filter({ hasText: 'rsyslog' });
    expect(await rsyslog.getByTestId('sink-last-error').innerText()).toMatch(/cannot connect to the syslog server[\s\S]*Fix: Check that the server is up/);
    // The 3 stored Zoom events and the Zoomtrail.Audit event of this session's sign-in.
    expect(await rsyslog.getByTestId('sink-backlog').innerText()).toBe('4');

    await page.getByTestId('add-sink').click();
    await page.getByTestId('sink-name').fill('lake');
    await page.getByTestId('sink-kind').selectOption('s3');
    await page.getByTestId('sink-url').fill(s3.endpoint);
    await page.getByTestId('sink-bucket').fill(s3.bucket);
    await page.getByTestId('sink-secret').fill(S3RVER_SECRET);
    await page.getByTestId('sink-filters').fill('email!=bot@example.com');
    await page.getByTestId('save-sink').click();
    await expect.poll(() => page.getByTestId('sink-row').count()).toBe(3);
    const lake = page.getByTestId('sink-row').filter({ hasText: 'lake' });
    // The 3 Zoom events and the Zoomtrail.Audit events of the sign-in and of adding this sink.
    expect(await lake.getByTestId('sink-backlog').innerText()).toBe('5');
    expect(await lake.innerText()).not.toContain('S3RVER');

    await lake.getByTestId('test-sink').click();
    await expect.poll(() => lake.getByTestId('sink-test-result').getAttribute('data-ok')).toBe('true');
    expect(await s3.keys()).toEqual([expect.stringMatching(/^zoom\/zoomtrail\.test\//)]);

    await elastic.getByTestId('dead-letters-sink').click();
    await expect.poll(() => page.getByTestId('dead-letter-row').count()).toBe(1);
    es.reply({ status: 200, body: JSON.stringify({ items: [{ create: { status: 201 } }] }) });
    await page.getByTestId('retry-all').click();
    await expect.poll(() => page.getByTestId('retry-result').innerText()).toContain('1 delivered');
    await expect.poll(() => page.getByTestId('dead-letter-row').count()).toBe(0);

    await lake.getByTestId('pause-sink').click();
    await expect.poll(() => lake.innerText()).toContain('paused');
    await page.getByTestId('dead-letters').waitFor();
    await screenshot(page, 'sinks-1280');
  });

  it('adds a destination with the same add form (web/src/add-form.tsx): its kind decides the fields, the secret is never shown', async () => {
    await page.goto(`${base}/destinations`);
    await page.getByTestId('add-destination').click();
    await page.getByTestId('destination-name').fill('SOC hook');
    await page.getByTestId('destination-kind').selectOption('pagerduty');
    await page.getByTestId('destination-secret').fill('R0UTINGKEY0123456789');
    await page.getByTestId('destination-kind').selectOption('webhook');
    // Another kind clears the typed secret.
    expect(await page.getByTestId('destination-secret').inputValue()).toBe('');
    await page.getByTestId('destination-url').fill('https://siem.example.com/hooks/zoomtrail');
    await page.getByTestId('destination-secret').fill('a-signing-secret-of-some-length');
    await screenshot(page, 'destination-add-1280');
    await page.getByTestId('save-destination').click();
    const row = page.getByTestId('destination-row').filter({ hasText: 'SOC hook' });
    await row.waitFor();
    expect(await row.innerText()).toContain('https://siem.example.com/hooks/zoomtrail');
    expect(await row.innerText()).not.toContain('a-signing-secret');
  });
});
