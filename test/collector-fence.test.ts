import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addDays } from '../src/domain/utc-days.js';
import type { StoreUnderTest } from '../src/store/store-contract.test-support.js';
import { LeaseLostError } from '../src/store/store-errors.js';
import { forEachStoreTarget } from '../src/store/store-test-targets.test-support.js';
import type { Lease } from '../src/store/lease-store.js';
import { LOG_TYPES } from '../src/zoom/report-records.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { addSimAccount, driveCollector, DRIVEN_OWNER, LEASE_TTL_MS, simSource, type CollectorDriver } from './support/collector-driver.js';
import { NOW } from './support/sim-harness.js';
import { StepClock } from './support/step-clock.js';

/**
 * The lease's fencing token, through the collector: a collector whose lease
 * another instance took over in the middle of its cycle must not write
 * anything more for the source: its page commit is refused, and the day
 * coverage and stream state stay as they were. (Row ids are deterministic, so
 * the events alone would not show a stale writer; coverage and state would.)
 */

const TODAY = '2026-03-10';

forEachStoreTarget((target) => {
  describe(`collector under a lease taken over mid-cycle: ${target.name}`, () => {
    let clock: StepClock;
    let sim: ZoomSimulator;
    let opened: StoreUnderTest;
    let driver: CollectorDriver | undefined;

    beforeEach(async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.5);
      clock = new StepClock(NOW);
      sim = await ZoomSimulator.start({ clock, logger: false, seed: 11 });
      addSimAccount(sim, TODAY, addDays(TODAY, -4));
      opened = await target.open({ clock, batchSize: 50 });
    });

    afterEach(async () => {
      if (driver && !driver.isFinished()) await driver.stop().catch(() => undefined);
      driver = undefined;
      await opened.cleanup();
      await sim.close();
      vi.restoreAllMocks();
    });

    it('its commit is refused; events, coverage and stream state stay untouched; the successor keeps the lease', async () => {
      const { store } = opened;
      const source = await store.createSource(simSource(sim));
      let successor: Lease | null = null;
      driver = driveCollector({
        store,
        clock,
        sim,
        hooks: {
          // Just before the collector's first page commit, another instance takes the lease (it thought the collector's owner dead).
          beforeCommit: async (_commit, tracked) => {
            successor ??= await tracked.acquireLease(source.id, 'successor-host/2/other', LEASE_TTL_MS, { force: true });
          },
        },
      });
      const before = await Promise.all(LOG_TYPES.map((logType) => store.getStreamState(source.id, logType)));
      const noticed = await driver.runUntil(
        () => driver!.logLines.some((l) => l.msg === 'lease on the source was taken by another instance; this instance stops collecting it for now'),
        200,
      );
      expect(noticed, JSON.stringify(driver.logLines.slice(-5))).toBe(true);
      await driver.stop();

      expect(successor).not.toBeNull();
      expect(driver.commits.length).toBeGreaterThan(0);
      for (const commit of driver.commits) {
        expect(commit.fenced).toBe(true);
        expect(commit.error).toBeInstanceOf(LeaseLostError);
      }
      expect(await store.countEvents({ sourceId: source.id })).toBe(0);
      for (const logType of LOG_TYPES) expect(await store.listDayCoverage(source.id, logType, addDays(TODAY, -180), TODAY)).toEqual([]);
      expect(await Promise.all(LOG_TYPES.map((logType) => store.getStreamState(source.id, logType)))).toEqual(before);
      expect((await store.listLeases()).map((l) => [l.owner, l.token])).toEqual([[successor!.owner, successor!.token]]);
      expect(DRIVEN_OWNER).not.toBe(successor!.owner);
    });
  });
});
