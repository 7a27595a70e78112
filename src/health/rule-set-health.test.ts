import { describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { forEachStoreTarget } from '../store/store-test-targets.test-support.js';
import { RULE_SET_REPORT_MS, ruleSetHealth } from './rule-set-health.js';

const START = Date.parse('2026-03-10T12:00:00Z');

forEachStoreTarget((target) => {
  describe(`rule set digests of several instances: ${target.name}`, () => {
    it('two live instances with one digest: no mismatch; with two digests: a mismatch; an instance gone quiet no longer counts', async () => {
      const clock = new ManualClock(START);
      const { store, cleanup } = await target.open({ clock, batchSize: 100 });
      try {
        expect(await ruleSetHealth(store, clock.now())).toEqual({ instances: [], mismatch: false });
        await store.reportRuleSet({ owner: 'host-a/10/aa', digest: 'd1', userRules: 2, loadErrors: 0 });
        await store.reportRuleSet({ owner: 'host-b/20/bb', digest: 'd1', userRules: 2, loadErrors: 0 });
        expect((await ruleSetHealth(store, clock.now())).mismatch).toBe(false);

        clock.advance(RULE_SET_REPORT_MS);
        await store.reportRuleSet({ owner: 'host-b/20/bb', digest: 'd2', userRules: 3, loadErrors: 1 });
        const mixed = await ruleSetHealth(store, clock.now());
        expect(mixed.mismatch).toBe(true);
        expect(mixed.instances.map((i) => [i.owner, i.digest])).toEqual([
          ['host-a/10/aa', 'd1'],
          ['host-b/20/bb', 'd2'],
        ]);

        // host-a stops reporting: after two periods only host-b is live, and alone it matches itself.
        clock.advance(RULE_SET_REPORT_MS + 1);
        await store.reportRuleSet({ owner: 'host-b/20/bb', digest: 'd2', userRules: 3, loadErrors: 1 });
        expect(await ruleSetHealth(store, clock.now())).toMatchObject({ instances: [{ owner: 'host-b/20/bb' }], mismatch: false });
      } finally {
        await cleanup();
      }
    });
  });
});
