import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { sampleMatch } from './alert-store-contract.test-support.js';
import { locatedSignIn } from './sign-in-history-store-contract.test-support.js';
import { OPERATION, page, sampleOperationEvent, sampleSource, START, type StoreContractOptions, type StoreUnderTest } from './store-contract.test-support.js';
import type { Store } from './store.js';

const HOUR = 3_600_000;
const H0 = Date.parse('2026-03-09T10:00:00Z');
const BERLIN = { kind: 'public', country: 'DE', lat: 52.52, lng: 13.405 };
const PARIS = { kind: 'public', country: 'FR', lat: 48.85, lng: 2.35 };

/** The OverviewStore part of the store contract: the overview's aggregates (GET /api/overview). */
export function describeOverviewStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Overview store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let sourceId: string;

    beforeEach(async () => {
      ({ store, cleanup } = await openStore({ clock: new ManualClock(START), batchSize: 7 }));
      sourceId = (await store.createSource(sampleSource())).id;
    });
    afterEach(async () => cleanup());

    it('counts events per hour and log type from the hourly counts, in the range', async () => {
      await store.commitPage(
        page(sourceId, [
          locatedSignIn('s1', H0 + 60_000, 'a@x.io', '198.51.100.1', BERLIN),
          locatedSignIn('s2', H0 + 120_000, 'b@x.io', '198.51.100.2', BERLIN),
          locatedSignIn('s3', H0 + HOUR + 5, 'c@x.io', '198.51.100.3', PARIS),
          locatedSignIn('s4', H0 + 3 * HOUR, 'c@x.io', '198.51.100.3', null),
        ]),
      );
      await store.commitPage(page(sourceId, [sampleOperationEvent('o1', H0 + 10, { category_type: 'Account', action: 'Update', operation_detail: 'x' })], { logType: OPERATION }));
      expect(await store.eventCountsByHour(H0 + 30_000, H0 + 3 * HOUR)).toEqual([
        { hourMs: H0, logType: 'Zoom.Activity', count: 2 },
        { hourMs: H0, logType: 'Zoom.Operation', count: 1 },
        { hourMs: H0 + HOUR, logType: 'Zoom.Activity', count: 1 },
      ]);
      expect(await store.eventCountsByHour(H0 + 4 * HOUR, H0 + 5 * HOUR)).toEqual([]);
      // Sign-ins by country: located ones only, most first, in the range.
      expect(await store.signInCountries(H0, H0 + 4 * HOUR, 10)).toEqual([
        { country: 'DE', count: 2 },
        { country: 'FR', count: 1 },
      ]);
      expect(await store.signInCountries(H0 + HOUR, H0 + 4 * HOUR, 10)).toEqual([{ country: 'FR', count: 1 }]);
      expect(await store.signInCountries(H0, H0 + 4 * HOUR, 1)).toEqual([{ country: 'DE', count: 2 }]);
    });

    it('counts raised alerts per hour and severity, and open alerts per rule and severity', async () => {
      await store.commitPage(
        page(
          sourceId,
          ['a', 'b', 'c', 'd'].map((id, i) => locatedSignIn(id, H0 + i * 1000, 'a@x.io', '198.51.100.1', null)),
        ),
      );
      const { raised } = await store.commitDetection({
        rowIds: ['a', 'b', 'c', 'd'],
        matches: [
          sampleMatch(sourceId, 'a', 0, { dedup: 'a', severity: 'HIGH' }),
          sampleMatch(sourceId, 'b', 1, { dedup: 'b', severity: 'HIGH' }),
          sampleMatch(sourceId, 'c', 2, { dedup: 'c', severity: 'LOW', ruleId: 'Zoom.Other.Rule' }),
          sampleMatch(sourceId, 'd', 3, { dedup: 'd', severity: 'HIGH', threshold: 2 }), // not raised
        ],
        errors: [],
      });
      expect(raised.length).toBe(3);
      const hour = START - (START % HOUR);
      expect(await store.alertCountsByHour(START - HOUR, START + HOUR)).toEqual([
        { hourMs: hour, severity: 'HIGH', count: 2 },
        { hourMs: hour, severity: 'LOW', count: 1 },
      ]);
      expect(await store.alertCountsByHour(START + 1, START + HOUR)).toEqual([]);
      await store.setAlertStatus(raised.find((a) => a.dedup === 'b')!.id, 'acknowledged');
      expect(await store.openAlertCounts()).toEqual([
        { ruleId: 'Zoom.Other.Rule', severity: 'LOW', count: 1 },
        { ruleId: 'Zoom.Test.Rule', severity: 'HIGH', count: 1 },
      ]);
    });
  });
}
