import { ManualClock } from '../../src/shared/clock.js';
import type { ReportStream } from '../../src/zoom/report-records.js';
import { type ReportPage, type ReportWindow, readReportWindow } from '../../src/zoom/report-reader.js';
import { LocalRequestBudget } from '../../src/zoom/request-budget.js';
import { connectToZoom, type ZoomAuth } from '../../src/zoom/zoom-client-factory.js';
import type { ZoomApiClientOptions } from '../../src/zoom/zoom-api-client.js';
import { ZoomSimulator, type ZoomSimulatorOptions } from '../../src/zoom-sim/zoom-simulator.js';
import type { Logger } from 'pino';

/** Fixed "now" for every client test: no test depends on the wall clock's day. */
export const NOW = Date.parse('2026-03-10T12:00:00Z');

export const ACCOUNT_ID = 'acct-test-1';
export const S2S = { clientId: 'S2S_CLIENT_ID_TEST', clientSecret: 's2s-secret-9f8e7d6c5b4a' };
export const OAUTH_APP = { clientId: 'OAUTH_CLIENT_ID_TEST', clientSecret: 'oauth-secret-1a2b3c4d5e6f', redirectUri: 'http://127.0.0.1:8080/oauth/callback' };

export interface Harness {
  sim: ZoomSimulator;
  clock: ManualClock;
  close(): Promise<void>;
}

/** A simulator on loopback sharing a manual clock with the client, one Pro account, an S2S app and an OAuth app. */
export async function startHarness(options: Partial<ZoomSimulatorOptions> & { volume?: { activities: number; operations: number } } = {}): Promise<Harness> {
  const clock = new ManualClock(NOW);
  const { volume, ...simOptions } = options;
  const sim = await ZoomSimulator.start({ clock, logger: false, seed: 7, ...simOptions });
  sim.addAccount({
    accountId: ACCOUNT_ID,
    plan: 'pro',
    generated: { seed: 42, fromDay: '2026-02-01', toDay: '2026-03-10', volume: volume ?? { activities: 400, operations: 120 } },
  });
  sim.addApp({ ...S2S, accountId: ACCOUNT_ID, kind: 's2s' });
  sim.addApp({ ...OAUTH_APP, accountId: ACCOUNT_ID, kind: 'oauth', redirectUris: [OAUTH_APP.redirectUri] });
  return { sim, clock, close: () => sim.close() };
}

export function s2sAuth(overrides: Partial<Extract<ZoomAuth, { kind: 's2s' }>> = {}): ZoomAuth {
  return { kind: 's2s', accountId: ACCOUNT_ID, ...S2S, ...overrides };
}

/** A client of the harness's simulator; the budget is generous so tests are about Zoom's limits, not ours. */
export function clientFor(h: Harness, auth: ZoomAuth = s2sAuth(), extra: { logger?: Logger; fetchImpl?: typeof fetch; retry?: ZoomApiClientOptions['retry']; rps?: number } = {}) {
  return connectToZoom({
    endpoints: { apiUrl: h.sim.apiUrl, oauthUrl: h.sim.baseUrl },
    auth,
    budget: new LocalRequestBudget(h.clock, { requestsPerSecond: extra.rps ?? 5, requestsPerDay: 100_000 }),
    clock: h.clock,
    logger: extra.logger,
    fetchImpl: extra.fetchImpl,
    retry: extra.retry,
  });
}

/**
 * Drains a window the way a collector must: when the reader restarts the
 * window (expired page token), what was read of the earlier pass is dropped.
 */
export async function drainWindow(
  client: ReturnType<typeof clientFor>['client'],
  stream: ReportStream,
  window: ReportWindow,
  onPage?: (page: ReportPage) => void | Promise<void>,
  categoryType?: string,
): Promise<{ records: unknown[]; pages: ReportPage[] }> {
  let records: unknown[] = [];
  const pages: ReportPage[] = [];
  let pass = 0;
  for await (const page of readReportWindow(client, stream, window, { categoryType })) {
    if (page.pass !== pass) {
      pass = page.pass;
      records = [];
    }
    pages.push(page);
    records.push(...page.records);
    await onPage?.(page);
  }
  return { records, pages };
}
