import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { StoreContractOptions, StoreUnderTest } from './store-contract.test-support.js';
import { sampleEvent, sampleSource } from './store-contract.test-support.js';
import { LeaseLostError } from './store-errors.js';
import type { Store } from './store.js';

const START = Date.parse('2026-03-10T12:00:00Z');
const TTL = 30_000;

/** Leases with fencing, the shared request budget and delivery claims: what several instances on one database rely on. */
export function describeLeaseStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Lease store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;
    let sourceId: string;

    beforeEach(async () => {
      clock = new ManualClock(START);
      ({ store, cleanup } = await openStore({ clock, batchSize: 7 }));
      sourceId = (await store.createSource(sampleSource())).id;
    });
    afterEach(async () => cleanup());

    const page = (rowId: string, fence?: { owner: string; token: number }) => ({
      sourceId,
      logType: 'Zoom.Activity' as const,
      events: [sampleEvent(rowId, START - 3_600_000)],
      failures: [],
      days: [],
      stream: {},
      ...(fence ? { fence } : {}),
    });

    it('one owner at a time; renewing keeps the token; an expired lease goes to the next owner with token + 1', async () => {
      const a = await store.acquireLease(sourceId, 'a', TTL);
      expect(a?.token).toBe(1);
      expect(await store.acquireLease(sourceId, 'b', TTL)).toBeNull();
      clock.advance(TTL / 2);
      expect(await store.renewLease(a!, TTL)).toBe(true);
      expect((await store.acquireLease(sourceId, 'a', TTL))?.token).toBe(1);
      clock.advance(TTL + 1);
      const b = await store.acquireLease(sourceId, 'b', TTL);
      expect(b?.token).toBe(2);
      expect(await store.renewLease(a!, TTL)).toBe(false);
      expect((await store.listLeases()).map((l) => [l.owner, l.token])).toEqual([['b', 2]]);
    });

    it('fences commits: a writer whose lease was taken cannot commit; the new holder can', async () => {
      const a = (await store.acquireLease(sourceId, 'a', TTL))!;
      await store.commitPage(page('r1', a));
      clock.advance(TTL + 1);
      const b = (await store.acquireLease(sourceId, 'b', TTL))!;
      await expect(store.commitPage(page('r2', a))).rejects.toBeInstanceOf(LeaseLostError);
      await expect(store.updateStream(sourceId, 'Zoom.Activity', { readingPages: 3 }, [], a)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await store.countEvents({})).toBe(1);
      await store.commitPage(page('r3', b));
      expect(await store.countEvents({})).toBe(2);
      expect((await store.getStreamState(sourceId, 'Zoom.Activity')).readingPages).toBe(0);
    });

    it('releasing frees the lease at once; force takes a live one (its owner is known dead)', async () => {
      const a = (await store.acquireLease(sourceId, 'a', TTL))!;
      await store.releaseLease(a);
      expect((await store.acquireLease(sourceId, 'b', TTL))?.token).toBe(2);
      expect(await store.acquireLease(sourceId, 'c', TTL)).toBeNull();
      expect((await store.acquireLease(sourceId, 'c', TTL, { force: true }))?.token).toBe(3);
    });

    it('claims deliveries for one owner at a time; a recorded attempt ends the claim; a lapsed claim is taken', async () => {
      await store.createDestination({ name: 'log', kind: 'log', settings: {}, enabled: true, secret: null });
      await store.commitPage(page('a'));
      await store.commitPage(page('b'));
      const match = (rowId: string, dedup: string) => ({
        ruleId: 'Zoom.Test',
        rowId,
        sourceId,
        logType: 'Zoom.Activity' as const,
        eventTimeMs: START,
        title: rowId,
        dedup,
        severity: 'LOW' as const,
        context: {},
        dedupPeriodMs: 3_600_000,
        threshold: 1,
      });
      await store.commitDetection({ rowIds: ['a', 'b'], matches: [match('a', 'x'), match('b', 'y')], errors: [] });
      const first = await store.claimDueDeliveries('i1', START, 1, 60_000);
      const second = await store.claimDueDeliveries('i2', START, 10, 60_000);
      expect(first.length + second.length).toBe(2);
      expect(new Set([...first, ...second].map((d) => d.id)).size).toBe(2);
      expect(await store.claimDueDeliveries('i3', START, 10, 60_000)).toEqual([]);
      await store.recordDeliveryAttempt({ deliveryId: first[0]!.id, at: START, ok: false, status: 503, message: 'down', durationMs: 1, retryAt: START + 1000 });
      expect((await store.claimDueDeliveries('i3', START + 1000, 10, 60_000)).map((d) => d.id)).toEqual([first[0]!.id]);
      // i3's claim (at START + 1000) and i2's (at START) have both lapsed by now.
      clock.set(START + 61_001);
      expect((await store.claimDueDeliveries('i4', clock.now(), 10, 60_000)).length).toBe(2);
    });

    it('shares a request budget: per window, per day, and a hold after a 429', async () => {
      const limits = { windowMs: 1000, perWindow: 2, perDay: 5 };
      const take = () => store.takeBudgetSlot('acct', limits);
      expect((await take()).ok).toBe(true);
      expect((await take()).ok).toBe(true);
      expect(await take()).toEqual({ ok: false, reason: 'window', retryAt: START + 1000 });
      clock.advance(1000);
      expect((await take()).ok).toBe(true);
      await store.holdBudget('acct', START + 5000);
      expect(await take()).toEqual({ ok: false, reason: 'hold', retryAt: START + 5000 });
      clock.set(START + 5000);
      expect((await take()).ok).toBe(true);
      expect((await take()).ok).toBe(true);
      clock.advance(1000);
      expect(await take()).toMatchObject({ ok: false, reason: 'day' });
      expect((await store.takeBudgetSlot('other', limits)).ok).toBe(true);
    });
  });
}
