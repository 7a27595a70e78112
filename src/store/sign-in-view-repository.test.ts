import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { locatedSignIn } from './sign-in-history-store-contract.test-support.js';
import { BATCH_SIZE, page, sampleSource } from './store-contract.test-support.js';
import { forEachStoreTarget } from './store-test-targets.test-support.js';
import type { Store } from './store.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const H = 3_600_000;
const PARIS = { kind: 'public', country: 'FR', asn: 3215, lat: 48.857, lng: 2.352 };
const TOKYO = { kind: 'public', country: 'JP', asn: 17676, lat: 35.68, lng: 139.69 };

/** The sign-in views (user page, map) read the same on both stores: integer days, counts as numbers, per-user index seeks. */
forEachStoreTarget((target) => {
  describe(`SignInViewRepository: ${target.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await target.open({ clock: new ManualClock(T0 + 10 * 24 * H), batchSize: BATCH_SIZE }));
    });
    afterEach(async () => cleanup());

    it('summarises one user and groups the located sign-ins by point', async () => {
      const a = await store.createSource(sampleSource({ name: 'a' }));
      const b = await store.createSource(sampleSource({ name: 'b' }));
      await store.commitPage(page(a.id, [locatedSignIn('a1', T0, 'Ann@x.io', '90.12.0.1', PARIS), locatedSignIn('a2', T0 + 25 * H, 'ann@x.io', '90.12.0.1', PARIS)]));
      await store.commitPage(page(b.id, [locatedSignIn('b1', T0 + 2 * H, 'ann@x.io', '126.0.0.1', TOKYO), locatedSignIn('b2', T0 + 3 * H, 'max@x.io', '90.12.0.9', PARIS)]));
      const span = { sourceIds: [a.id, b.id], sinceMs: T0 - H, untilMs: T0 + 48 * H };
      const s = await store.userSignInSummary('ann@x.io', span, 2);
      expect(s.total).toBe(3);
      expect(s.byDay).toEqual([
        { day: '2026-03-01', signIns: 2 },
        { day: '2026-03-02', signIns: 1 },
      ]);
      expect(s.countries).toEqual([
        { key: 'FR', signIns: 2, firstSeenMs: T0, lastSeenMs: T0 + 25 * H },
        { key: 'JP', signIns: 1, firstSeenMs: T0 + 2 * H, lastSeenMs: T0 + 2 * H },
      ]);
      expect(s.networks.map((n) => n.key)).toEqual(['3215', '17676']);
      expect(s.ips).toEqual([
        { key: '90.12.0.1', country: 'FR', asn: 3215, signIns: 2, firstSeenMs: T0, lastSeenMs: T0 + 25 * H },
        { key: '126.0.0.1', country: 'JP', asn: 17676, signIns: 1, firstSeenMs: T0 + 2 * H, lastSeenMs: T0 + 2 * H },
      ]);
      expect(s.recent.map((r) => [r.rowId, r.timeMs, r.asn])).toEqual([
        ['a2', T0 + 25 * H, 3215],
        ['b1', T0 + 2 * H, 17676],
      ]);
      // Only the sources asked.
      expect((await store.userSignInSummary('ann@x.io', { ...span, sourceIds: [a.id] }, 10)).total).toBe(2);

      const points = await store.signInPoints(span, undefined, 10);
      expect(points.map((p) => [p.country, p.signIns, p.users])).toEqual([
        ['FR', 3, 2],
        ['JP', 1, 1],
      ]);
      expect((await store.signInPoints(span, 'MAX@x.io', 10)).map((p) => [p.country, p.signIns])).toEqual([['FR', 1]]);
      expect((await store.signInsByRowIds(['b1', 'nope'])).map((r) => [r.rowId, r.user, r.country])).toEqual([['b1', 'ann@x.io', 'JP']]);
      expect(await store.alertIdsForRows(['a1'], 10)).toEqual([]);
    });
  });
});
