import { setImmediate as nextTurn } from 'node:timers/promises';
import { pino } from 'pino';
import { Collector } from '../../src/collect/collector.js';
import type { NewSource, PageCommit, SourceRecord, Store } from '../../src/store/store.js';
import type { ZoomSimulator } from '../../src/zoom-sim/zoom-simulator.js';
import { normalizers } from './collect-harness.js';
import { ACCOUNT_ID, S2S } from './sim-harness.js';
import type { StepClock } from './step-clock.js';

/** Lease owner of the collector under test. */
export const DRIVEN_OWNER = 'test-host/1/driven';
export const LEASE_TTL_MS = 60_000;
export const REFRESH_MS = 10_000;
/** Lease takes of one source with no sleep asked for anywhere in between: a loop turning without waiting. */
const SPIN_LIMIT = 10;

export interface DriverHooks {
  /** Before any store call of the collector; throwing makes that call fail with the error. */
  beforeCall?: (method: keyof Store) => void;
  /** After the collector read the source list (the list it acts on is already read). */
  afterListSources?: (sources: SourceRecord[]) => Promise<void>;
  /** Before a page commit (with its fence) reaches the store; `store` counts its calls as in flight. */
  beforeCommit?: (commit: PageCommit, store: Store) => Promise<void>;
}

export interface CollectorDriver {
  /** Sources whose loop took the lease SPIN_LIMIT times without any sleep in between (the run was stopped then). */
  spins: string[];
  logLines: Array<Record<string, unknown>>;
  /** Every page commit the collector made: whether it carried a fence, and the store's error if it refused it. */
  commits: Array<{ fenced: boolean; error: unknown }>;
  /** Resolves when `Collector.run` returned. */
  finished: Promise<void>;
  isFinished(): boolean;
  /** Waits until no store call or Zoom request is in flight and the event loop turned idle: everything left waits on the clock. */
  settle(): Promise<void>;
  /** Settles, then moves the clock to the next wake-up, until `done()` or `maxSteps` steps; returns whether `done()` held. */
  runUntil(done: () => boolean | Promise<boolean>, maxSteps?: number): Promise<boolean>;
  /** Aborts the run and waits (settling, moving the clock) until it returned. */
  stop(): Promise<void>;
}

/**
 * A leased Collector (one instance, as `zoomtrail start` runs it) on `store`
 * and a StepClock, reading `sim`, with every store call and Zoom request
 * tracked so the test knows when all is waiting on the clock. Spots a source
 * loop that turns without ever waiting, and stops the run then instead of
 * hanging the test with it.
 */
export function driveCollector(args: { store: Store; clock: StepClock; sim: ZoomSimulator; hooks?: DriverHooks; maxConcurrentCycles?: number }): CollectorDriver {
  const { store: inner, clock, hooks = {} } = args;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return promise;
  };
  const controller = new AbortController();
  const spins: string[] = [];
  const commits: CollectorDriver['commits'] = [];
  const lastTake = new Map<string, { sleepCalls: number; streak: number }>();

  const overrides: Partial<Record<keyof Store, (...a: never[]) => unknown>> = {
    listSources: () =>
      track(
        (async () => {
          const sources = await inner.listSources();
          await hooks.afterListSources?.(sources);
          return sources;
        })(),
      ),
    acquireLease: (...a: Parameters<Store['acquireLease']>) => {
      const [sourceId] = a;
      const last = lastTake.get(sourceId);
      const streak = last && last.sleepCalls === clock.sleepCalls ? last.streak + 1 : 0;
      lastTake.set(sourceId, { sleepCalls: clock.sleepCalls, streak });
      if (streak >= SPIN_LIMIT && !spins.includes(sourceId)) {
        spins.push(sourceId);
        controller.abort(new Error(`the loop of source ${sourceId} took its lease ${SPIN_LIMIT} times without waiting`));
      }
      return track(inner.acquireLease(...a));
    },
    commitPage: async (commit: PageCommit) => {
      // Not counted as in flight while the hook runs: it may wait on the clock. Its store calls through `store` are.
      await hooks.beforeCommit?.(commit, store);
      const seen: (typeof commits)[number] = { fenced: commit.fence !== undefined, error: null };
      commits.push(seen);
      try {
        return await track(inner.commitPage(commit));
      } catch (error) {
        seen.error = error;
        throw error;
      }
    },
  };
  const store = new Proxy(inner, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...a: unknown[]) => {
        try {
          hooks.beforeCall?.(property as keyof Store);
        } catch (error) {
          return Promise.reject(error);
        }
        const override = overrides[property as keyof Store];
        if (override) return (override as (...x: unknown[]) => unknown)(...a);
        const result: unknown = (value as (...x: unknown[]) => unknown).apply(target, a);
        return result instanceof Promise ? track(result) : result;
      };
    },
  });

  // Zoom requests, bodies read before the caller sees them, so a request in flight is always counted.
  const fetchImpl: typeof fetch = (input, init) =>
    track(
      (async () => {
        const response = await fetch(input, init);
        const body = await response.arrayBuffer();
        return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      })(),
    );

  const logLines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  const collector = new Collector({
    store,
    clock,
    logger,
    normalizers,
    fetchImpl,
    refreshMs: REFRESH_MS,
    instance: { owner: DRIVEN_OWNER, leaseTtlMs: LEASE_TTL_MS, maxConcurrentCycles: args.maxConcurrentCycles ?? 4 },
  });
  let finished = false;
  const run = collector.run(controller.signal).finally(() => (finished = true));

  const settle = async () => {
    let quietTurns = 0;
    for (let turns = 0; quietTurns < 3; turns++) {
      if (turns > 1_000_000) throw new Error('the collector never settled');
      if (inFlight.size > 0) {
        quietTurns = 0;
        await Promise.race(inFlight);
        continue;
      }
      await nextTurn();
      quietTurns = inFlight.size === 0 ? quietTurns + 1 : 0;
    }
  };
  const runUntil = async (done: () => boolean | Promise<boolean>, maxSteps = 10_000) => {
    for (let step = 0; step < maxSteps; step++) {
      await settle();
      if (await done()) return true;
      if (!clock.next()) return false;
    }
    await settle();
    return done();
  };
  return {
    spins,
    logLines,
    commits,
    finished: run,
    isFinished: () => finished,
    settle,
    runUntil,
    stop: async () => {
      controller.abort(new Error('test over'));
      if (!(await runUntil(() => finished, 100))) throw new Error('Collector.run did not return after its signal aborted');
      await run;
    },
  };
}

/** A simulated account with a few days of records, and its S2S app. */
export function addSimAccount(sim: ZoomSimulator, toDay: string, fromDay: string): void {
  sim.addAccount({ accountId: ACCOUNT_ID, plan: 'pro', generated: { seed: 42, fromDay, toDay, volume: { activities: 40, operations: 20 } } });
  sim.addApp({ ...S2S, accountId: ACCOUNT_ID, kind: 's2s' });
}

/** A source reading the simulator's account. */
export function simSource(sim: ZoomSimulator, overrides: Partial<NewSource> = {}): NewSource {
  return {
    name: 'Looped Zoom',
    authKind: 's2s',
    zoomAccountId: ACCOUNT_ID,
    clientId: S2S.clientId,
    apiUrl: sim.apiUrl,
    oauthUrl: sim.baseUrl,
    backfillDays: 3,
    pollIntervalMs: 60_000,
    settleDays: 2,
    reconcileIntervalMs: 3_600_000,
    requestsPerSecond: 20,
    requestsPerDay: 100_000,
    paused: false,
    dropOffAlarmMinutes: null,
    credentials: { clientSecret: S2S.clientSecret },
    ...overrides,
  };
}
