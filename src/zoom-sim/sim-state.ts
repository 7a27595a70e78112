import type { Clock } from '../shared/clock.js';
import { DayCalendar } from './day-calendar.js';
import { FaultInjector } from './fault-injector.js';
import { PageTokenStore } from './page-token-store.js';
import { RequestLog } from './request-log.js';
import type { SimAccount } from './sim-account.js';
import type { SimApp } from './sim-app.js';
import { SeededRandom } from './seeded-random.js';
import { TokenStore } from './token-store.js';
import type { ResolvedSimulatorOptions } from './zoom-simulator-options.js';

/** Everything the routes share: one per simulator instance. */
export interface SimState {
  readonly options: ResolvedSimulatorOptions;
  readonly clock: Clock;
  readonly calendar: DayCalendar;
  readonly accounts: Map<string, SimAccount>;
  readonly apps: Map<string, SimApp>;
  readonly tokens: TokenStore;
  readonly pageTokens: PageTokenStore;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  /** Only for tieOrder 'shuffled'; separate from the fault stream so one does not shift the other. */
  readonly tieRandom: SeededRandom;
  /** Known once the server listens; S2S token responses carry it as `api_url`. */
  baseUrl: string;
}

export function createSimState(options: ResolvedSimulatorOptions): SimState {
  const clock = options.clock;
  return {
    options,
    clock,
    calendar: new DayCalendar(options.dayCutOffsetMinutes),
    accounts: new Map(),
    apps: new Map(),
    tokens: new TokenStore(clock, {
      accessTokenTtlSeconds: options.accessTokenTtlSeconds,
      authCodeTtlSeconds: options.authCodeTtlSeconds,
    }),
    pageTokens: new PageTokenStore(clock, options.pageTokenTtlSeconds),
    faults: new FaultInjector(options.seed, options.faults),
    log: new RequestLog(),
    tieRandom: SeededRandom.forKey(options.seed, 'tie-order'),
    baseUrl: '',
  };
}
