import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { sampleMatch, START, storeSampleEvents } from './alert-store-contract.test-support.js';
import type { StoreContractOptions, StoreUnderTest } from './store-contract.test-support.js';
import { sampleSource } from './store-contract.test-support.js';
import { DuplicateDestinationError } from './store-errors.js';
import type { Store } from './store.js';

const WEBHOOK_SECRET = 'whsec-7Hq2Lx9Vb4Nc8Rt1';

/**
 * The destination and delivery behaviour every Store must have (the
 * DestinationStore part), as one vitest suite.
 */
export function describeDestinationStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Destination store contract: ${name}`, () => {
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

    const storeEvents = (...rowIds: string[]) => storeSampleEvents(store, sourceId, rowIds);
    const match = (rowId: string, minutes: number) => sampleMatch(sourceId, rowId, minutes);

    describe('destinations and deliveries', () => {
      it('seals the secret: records say only that one is set', async () => {
        const created = await store.createDestination({ name: 'soc', kind: 'webhook', settings: { url: 'https://hooks.example.com/z' }, enabled: true, secret: WEBHOOK_SECRET });
        expect(created.hasSecret).toBe(true);
        expect(JSON.stringify(created)).not.toContain(WEBHOOK_SECRET);
        expect(JSON.stringify(await store.listDestinations())).not.toContain(WEBHOOK_SECRET);
        expect(await store.getDestinationSecret(created.id)).toBe(WEBHOOK_SECRET);
        expect((await store.getDestination('soc'))?.id).toBe(created.id);
        await expect(store.createDestination({ name: 'soc', kind: 'log', settings: {}, enabled: true, secret: null })).rejects.toBeInstanceOf(DuplicateDestinationError);
        const updated = await store.updateDestination(created.id, { secret: null, settings: { url: 'https://hooks.example.com/y', minSeverity: 'HIGH' } });
        expect([updated.hasSecret, updated.settings.minSeverity]).toEqual([false, 'HIGH']);
        expect(await store.getDestinationSecret(created.id)).toBeNull();
      });

      it('queues a raised alert for each destination that wants it, and records attempts until delivered or given up', async () => {
        const all = await store.createDestination({ name: 'all', kind: 'log', settings: {}, enabled: true, secret: null });
        await store.createDestination({ name: 'off', kind: 'log', settings: {}, enabled: false, secret: null });
        await store.createDestination({ name: 'high-only', kind: 'log', settings: { minSeverity: 'HIGH' }, enabled: true, secret: null });
        const hook = await store.createDestination({ name: 'hook', kind: 'webhook', settings: { url: 'http://127.0.0.1:9/x' }, enabled: true, secret: WEBHOOK_SECRET });
        await storeEvents('a');
        const [alert] = (await store.commitDetection({ rowIds: ['a'], matches: [match('a', 0)], errors: [] })).raised;

        const due = await store.dueDeliveries(START, 10);
        expect(due.map((d) => [d.destinationId, d.notice, d.state, d.attempts]).sort()).toEqual(
          [
            [all.id, 'raised', 'pending', 0],
            [hook.id, 'raised', 'pending', 0],
          ].sort(),
        );
        const toHook = due.find((d) => d.destinationId === hook.id)!;
        const toAll = due.find((d) => d.destinationId === all.id)!;
        await store.recordDeliveryAttempt({ deliveryId: toAll.id, at: START + 1, ok: true, status: null, message: 'logged', durationMs: 1, retryAt: null });
        await store.recordDeliveryAttempt({ deliveryId: toHook.id, at: START + 2, ok: false, status: 503, message: 'HTTP 503', durationMs: 5, retryAt: START + 30_000 });
        expect(await store.dueDeliveries(START + 29_999, 10)).toEqual([]);
        expect(await store.nextDeliveryDueAt()).toBe(START + 30_000);
        await store.recordDeliveryAttempt({ deliveryId: toHook.id, at: START + 30_000, ok: false, status: 400, message: 'HTTP 400', durationMs: 5, retryAt: null });
        const states = await store.listDeliveries({ alertId: alert!.id });
        expect(states.map((d) => [d.destinationId, d.state, d.attempts, d.lastStatus]).sort()).toEqual(
          [
            [all.id, 'delivered', 1, null],
            [hook.id, 'failed', 2, 400],
          ].sort(),
        );
        expect((await store.listDeliveryAttempts(toHook.id)).map((a) => [a.attempt, a.ok, a.status, a.message])).toEqual([
          [1, false, 503, 'HTTP 503'],
          [2, false, 400, 'HTTP 400'],
        ]);
        expect(await store.nextDeliveryDueAt()).toBeNull();

        // Resolving tells the destinations that were told about it.
        await store.setAlertStatus(alert!.id, 'resolved');
        const resolved = await store.dueDeliveries(clock.now(), 10);
        expect(resolved.map((d) => [d.destinationId, d.notice]).sort()).toEqual(
          [
            [all.id, 'resolved'],
            [hook.id, 'resolved'],
          ].sort(),
        );
      });

      it('removing a destination drops its pending deliveries', async () => {
        const hook = await store.createDestination({ name: 'hook', kind: 'log', settings: {}, enabled: true, secret: null });
        await storeEvents('a');
        await store.commitDetection({ rowIds: ['a'], matches: [match('a', 0)], errors: [] });
        expect((await store.dueDeliveries(START, 10)).length).toBe(1);
        expect(await store.removeDestination(hook.id)).toBe(true);
        expect(await store.removeDestination(hook.id)).toBe(false);
        expect(await store.dueDeliveries(START, 10)).toEqual([]);
      });
    });
  });
}
