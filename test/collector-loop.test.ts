import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addDays } from '../src/domain/utc-days.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { Lease } from '../src/store/lease-store.js';
import type { SourceRecord, Store } from '../src/store/store.js';
import { LOG_TYPES } from '../src/zoom/report-records.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { TEST_SECRET_KEY } from './support/collect-harness.js';
import { addSimAccount, driveCollector, LEASE_TTL_MS, simSource, type CollectorDriver } from './support/collector-driver.js';
import { NOW } from './support/sim-harness.js';
import { StepClock } from './support/step-clock.js';

/**
 * The leased collector loop (what `zoomtrail start` and `run` use) on the
 * SQLite store, whose calls resolve without yielding to the event loop: a
 * source loop turn that comes straight back without a sleep would spin
 * forever and starve everything else (HTTP, timers, signals). The driver
 * stops the run when a loop takes its lease again and again with no sleep
 * in between, so such a loop fails the test instead of hanging it.
 */

const TODAY = '2026-03-10';

let clock: StepClock;
let sim: ZoomSimulator;
let store: Store;
let dataDir: string;
let driver: CollectorDriver | undefined;

beforeEach(async () => {
  // The loop's jitter: fixed, so every run of the test takes the same turns.
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
  clock = new StepClock(NOW);
  sim = await ZoomSimulator.start({ clock, logger: false, seed: 7 });
  addSimAccount(sim, TODAY, addDays(TODAY, -5));
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-loop-'));
  store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY } });
});

afterEach(async () => {
  if (driver && !driver.isFinished()) await driver.stop().catch(() => undefined);
  driver = undefined;
  await store.close();
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** Whether both streams of the source were polled at or after `sinceMs`. */
async function polledSince(sourceId: string, sinceMs: number): Promise<boolean> {
  for (const logType of LOG_TYPES) {
    const state = await store.getStreamState(sourceId, logType);
    if (state.lastPollAt === null || state.lastPollAt < sinceMs) return false;
  }
  return true;
}

describe('the leased collector loop waits on every path', () => {
  for (const change of ['paused', 'removed'] as const) {
    it(`a due source ${change} just after the source list was read: its loop waits for the refresh, which ends it`, async () => {
      const source = await store.createSource(simSource(sim));
      let changed = false;
      driver = driveCollector({
        store,
        clock,
        sim,
        hooks: {
          // The user presses Pause (or removes it) right after the collector read the list: the list says active, the store does not.
          afterListSources: async () => {
            if (changed) return;
            changed = true;
            if (change === 'paused') await store.updateSource(source.id, { paused: true });
            else await store.removeSource(source.id);
          },
        },
      });
      await driver.settle();
      expect(driver.spins).toEqual([]);
      expect(driver.isFinished()).toBe(false);
      // The refresh, which must still run, sees the change and ends the loop.
      expect(await driver.runUntil(() => driver!.logLines.some((l) => l.msg === 'source removed or paused: collection stopped'), 20)).toBe(true);
      expect(driver.spins).toEqual([]);
      expect(await store.countEvents({})).toBe(0);
      await driver.stop();
    });
  }

  it('pausing and resuming sources many times while cycles run: no loop turns without waiting, every source collects again, the run stops when asked', async () => {
    const sources: SourceRecord[] = [];
    for (let i = 0; i < 3; i++) sources.push(await store.createSource(simSource(sim, { name: `Looped ${i}`, pollIntervalMs: 20_000 + i * 7_000 })));
    driver = driveCollector({ store, clock, sim, maxConcurrentCycles: 2 });
    // A fixed pattern: which source to flip before each step of the clock.
    const pattern = [0, 1, 0, 2, 2, 1, 0, 0, 1, 2, 1, 1, 2, 0, 2];
    for (let step = 0; step < 90; step++) {
      const source = sources[pattern[step % pattern.length]!]!;
      const current = (await store.getSource(source.id))!;
      await store.updateSource(source.id, { paused: !current.paused });
      await driver.settle();
      expect(driver.spins, `step ${step}`).toEqual([]);
      expect(clock.next(), 'something always waits on the clock').toBe(true);
    }
    await driver.settle();
    expect(driver.spins).toEqual([]);

    // Everything resumed: every source is collected again.
    for (const source of sources) await store.updateSource(source.id, { paused: false });
    const resumedAt = clock.now();
    const collected = await driver.runUntil(async () => {
      for (const source of sources) if (!(await polledSince(source.id, resumedAt))) return false;
      return true;
    }, 2_000);
    expect(collected).toBe(true);
    for (const source of sources) expect(await store.countEvents({ sourceId: source.id })).toBeGreaterThan(0);
    expect(driver.spins).toEqual([]);
    await driver.stop();
  });

  it('a cycle that lasts longer than the lease period keeps its lease: it is renewed on the collector clock', async () => {
    const source = await store.createSource(simSource(sim));
    let rival: Lease | null | undefined;
    driver = driveCollector({
      store,
      clock,
      sim,
      hooks: {
        // The first commit waits two lease periods (a slow database, a long read); then another instance tries the lease.
        beforeCommit: async (_commit, tracked) => {
          if (rival !== undefined) return;
          rival = null;
          await clock.sleep(2 * LEASE_TTL_MS);
          rival = await tracked.acquireLease(source.id, 'rival-host/3/other', LEASE_TTL_MS);
        },
      },
    });
    expect(await driver.runUntil(() => polledSince(source.id, NOW), 500)).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(NOW + 2 * LEASE_TTL_MS);
    expect(rival).toBeNull();
    expect(driver.commits.length).toBeGreaterThan(0);
    expect(driver.commits.filter((c) => c.error !== null)).toEqual([]);
    expect(await store.countEvents({ sourceId: source.id })).toBeGreaterThan(0);
    await driver.stop();
  });

  it('a store failure while checking whether the source is due: the loop waits and tries again, the source is collected', async () => {
    const source = await store.createSource(simSource(sim));
    let failures = 3;
    driver = driveCollector({
      store,
      clock,
      sim,
      hooks: {
        beforeCall: (method) => {
          if (method === 'getStreamState' && failures > 0) {
            failures -= 1;
            throw new Error('database is locked');
          }
        },
      },
    });
    expect(await driver.runUntil(() => polledSince(source.id, NOW), 200)).toBe(true);
    expect(failures).toBe(0);
    expect(driver.logLines.filter((l) => l.msg === 'could not check whether the source is due; retrying')).toHaveLength(3);
    expect(driver.spins).toEqual([]);
    await driver.stop();
  });
});
