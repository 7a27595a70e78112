import { systemClock, utcDay, type Clock } from '../shared/clock.js';
import type { ActivityLogRecord, OperationLogRecord } from '../zoom/report-records.js';
import { addDays } from './day-calendar.js';
import { DEMO_REDIRECT_URIS } from './demo-redirect-uris.js';
import { generateDay } from './record-generator.js';
import { SIGN_IN_SCENARIO_MIN_DAYS, SIM_EGRESS_CIDR } from './scenarios/sign-in-scenarios.js';
import { SeededRandom } from './seeded-random.js';
import { ZoomSimulator } from './zoom-simulator.js';

export { DEMO_REDIRECT_URIS };

/** Simulator-only credentials, safe to print: they open nothing but a local simulator. */
export const DEMO_ACCOUNT_ID = 'demo-account';
export const DEMO_S2S = { clientId: 'demo-s2s-client-id', clientSecret: 'demo-s2s-client-secret' } as const;
export const DEMO_OAUTH_APP = { clientId: 'demo-oauth-client-id', clientSecret: 'demo-oauth-client-secret' } as const;

/** Zoomtrail's OAuth Redirect URL at a public URL (as the console shows it). */
const CALLBACK_PATH = '/oauth/callback';

/** The Redirect URL Zoomtrail uses at `publicUrl`: what the demo's OAuth app must register. */
export function zoomtrailRedirectUri(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${CALLBACK_PATH}`;
}

/**
 * Where the simulator's authorize error page leads back to: Zoomtrail's
 * sources page at the first redirect URI that is Zoomtrail's callback.
 */
export function consoleHomeFor(redirectUris: readonly string[]): string | undefined {
  const callback = redirectUris.find((uri) => new URL(uri).pathname.endsWith(CALLBACK_PATH));
  if (!callback) return undefined;
  const url = new URL(callback);
  url.pathname = `${url.pathname.slice(0, -CALLBACK_PATH.length)}/sources`;
  url.search = '';
  return url.toString();
}

const DEMO_VOLUME = { activities: 200, operations: 40 };

/**
 * Days of history the demo account has by default, and what `start --demo`'s
 * source backfills: enough complete days for the history rules' learning
 * period (14) and the dormant account's proven silence (60), so the planted
 * sign-in scenarios alert on the first backfill.
 */
export const DEMO_HISTORY_DAYS = 90;
const LIVE_INTERVAL_MS = 10_000;

export interface DemoSimulatorOptions {
  port?: number;
  host?: string;
  clock?: Clock;
  /** Seed of the generated history. Default 1. */
  seed?: number;
  /**
   * Days of history up to today (UTC). Default DEMO_HISTORY_DAYS. With at least
   * SIGN_IN_SCENARIO_MIN_DAYS, the sign-in scenarios are planted (see
   * scenarios/sign-in-scenarios.ts): read the account with a backfill of exactly
   * `days` days for their ground truth.
   */
  days?: number;
  /** Add a few new records every ~10 s, with occasional detection triggers. */
  live?: boolean;
  /** Period of the live feed, default 10000 ms (real time). */
  liveIntervalMs?: number;
  /** Redirect URLs of the account-level OAuth app. Default DEMO_REDIRECT_URIS (Zoomtrail on port 8080). */
  redirectUris?: string[];
  /** Where the authorize error page leads back to. Default: consoleHomeFor(redirectUris). */
  homeUrl?: string;
}

export interface DemoSimulator {
  sim: ZoomSimulator;
  accountId: string;
  /** Days of generated history (a source reading the demo backfills this many). */
  days: number;
  /** Whether the sign-in scenarios are planted. */
  signInScenarios: boolean;
  /** The egress range the scenarios' office signs in from: allow-list it (ZOOMTRAIL_HISTORY_EGRESS_ALLOW_CIDRS). */
  egressAllowCidr: string;
  s2s: { clientId: string; clientSecret: string };
  oauthApp: { clientId: string; clientSecret: string; redirectUris: string[]; homeUrl: string | undefined };
  stop(): Promise<void>;
}

/**
 * Endless source of fresh records for live mode: generated days of a separate
 * seed with many detection triggers, re-timed to "now" as they are used.
 */
class LiveFeed {
  readonly #seed: number;
  readonly #random: SeededRandom;
  #day = 0;
  #activities: ActivityLogRecord[] = [];
  #operations: OperationLogRecord[] = [];

  constructor(seed: number) {
    this.#seed = seed;
    this.#random = SeededRandom.forKey(seed, 'demo-live');
  }

  next(nowMs: number): { activities: ActivityLogRecord[]; operations: OperationLogRecord[] } {
    const time = new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const activities: ActivityLogRecord[] = [];
    const operations: OperationLogRecord[] = [];
    for (let i = this.#random.int(1, 4); i > 0; i--) activities.push({ ...this.#take('activities'), time });
    if (this.#random.chance(0.4)) operations.push({ ...this.#take('operations'), time });
    return { activities, operations };
  }

  #take(kind: 'activities'): ActivityLogRecord;
  #take(kind: 'operations'): OperationLogRecord;
  #take(kind: 'activities' | 'operations'): ActivityLogRecord | OperationLogRecord {
    if (this.#activities.length === 0 || this.#operations.length === 0) this.#refill();
    const record = kind === 'activities' ? this.#activities.pop() : this.#operations.pop();
    if (!record) throw new Error('live feed generated no records');
    return record;
  }

  #refill(): void {
    const day = addDays('2000-01-01', this.#day++);
    const generated = generateDay({ seed: this.#seed, day, volume: { activities: 500, operations: 100 }, detectionShare: 0.25 });
    this.#activities = generated.activities.reverse();
    this.#operations = generated.operations.reverse();
  }
}

/**
 * One Pro account 'demo-account' with `days` of generated history up to today,
 * a Server-to-Server app and an account-level OAuth app. Records timed later
 * than the clock stay hidden until their time comes, so today fills in as the
 * demo runs, as Zoom's would.
 */
export async function startDemoSimulator(options: DemoSimulatorOptions = {}): Promise<DemoSimulator> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const days = options.days ?? DEMO_HISTORY_DAYS;
  const signInScenarios = days >= SIGN_IN_SCENARIO_MIN_DAYS;
  const redirectUris = options.redirectUris ?? [...DEMO_REDIRECT_URIS];
  for (const uri of redirectUris) new URL(uri); // throws before anything listens
  const homeUrl = options.homeUrl ?? consoleHomeFor(redirectUris);
  const sim = await ZoomSimulator.start({
    clock,
    seed,
    hideFutureRecords: true,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  const today = utcDay(clock.now());
  const account = sim.addAccount({
    accountId: DEMO_ACCOUNT_ID,
    plan: 'pro',
    generated: { seed, fromDay: addDays(today, -Math.max(0, days - 1)), toDay: today, volume: DEMO_VOLUME, signInScenarios },
  });
  sim.addApp({ ...DEMO_S2S, accountId: DEMO_ACCOUNT_ID, kind: 's2s' });
  sim.addApp({ ...DEMO_OAUTH_APP, accountId: DEMO_ACCOUNT_ID, kind: 'oauth', redirectUris, ...(homeUrl === undefined ? {} : { homeUrl }) });

  let timer: NodeJS.Timeout | undefined;
  if (options.live) {
    const feed = new LiveFeed(seed + 1_000_003);
    timer = setInterval(() => {
      const { activities, operations } = feed.next(clock.now());
      account.addRecords('Zoom.Activity', activities);
      account.addRecords('Zoom.Operation', operations);
    }, options.liveIntervalMs ?? LIVE_INTERVAL_MS);
    timer.unref();
  }

  return {
    sim,
    accountId: DEMO_ACCOUNT_ID,
    days,
    signInScenarios,
    egressAllowCidr: SIM_EGRESS_CIDR,
    s2s: { ...DEMO_S2S },
    oauthApp: { ...DEMO_OAUTH_APP, redirectUris, homeUrl },
    stop: async () => {
      if (timer) clearInterval(timer);
      await sim.close();
    },
  };
}
