import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium (apt package `chromium`); a browser is never downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** Where screenshots go (ignored by git). */
export const SCREENSHOT_DIR = path.resolve('test-results', 'screenshots');

/** Why browser tests cannot run here, or null when they can. */
export function browserUnavailableReason(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} not found (apt-get install chromium)`;
}

/**
 * `describe` for suites that need the browser: under CI=true they always run
 * (and fail loudly if Chromium is missing); elsewhere they skip with the
 * reason printed.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  const reason = browserUnavailableReason();
  if (reason && process.env.CI !== 'true') {
    console.log(`skipping "${name}": ${reason}`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Counts a page's requests to its API, so a test can wait for a page's data instead of a fixed delay. */
export interface ApiRequestTracker {
  /** Call before a navigation: `settled` then waits for a request made after this call. */
  expectRequests(): void;
  /**
   * Resolves once an API request was made since `expectRequests` (or none came within `firstWithinMs`)
   * and none has been in flight for `quietMs`. Much faster than Playwright's 'networkidle', which waits
   * for 500 ms of silence after every load.
   */
  settled(quietMs?: number, firstWithinMs?: number): Promise<void>;
}

export function trackApiRequests(page: Page): ApiRequestTracker {
  let inFlight = 0;
  let seen = 0;
  let lastChange = Date.now();
  const isApi = (url: string) => new URL(url).pathname.startsWith('/api/');
  page.on('request', (request) => {
    if (!isApi(request.url())) return;
    inFlight += 1;
    seen += 1;
    lastChange = Date.now();
  });
  const done = (request: { url(): string }) => {
    if (!isApi(request.url())) return;
    inFlight -= 1;
    lastChange = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    expectRequests() {
      seen = 0;
      lastChange = Date.now();
    },
    async settled(quietMs = 150, firstWithinMs = 1_000) {
      const start = Date.now();
      for (;;) {
        const now = Date.now();
        const started = seen > 0 || now - start >= firstWithinMs;
        if (started && inFlight === 0 && now - lastChange >= quietMs) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
