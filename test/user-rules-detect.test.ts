import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowIdFor } from '../src/collect/row-identity.js';
import { Detector } from '../src/detect/detector.js';
import { RuleGuard } from '../src/detect/rule-guard.js';
import { SuppressionFilter } from '../src/detect/suppression-filter.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { ADMIN_SETTING_YAML, LOOP_RULE, TS_HELPER, TS_RULE } from '../src/rules/user/user-rule-fixtures.test-support.js';
import { UserRuleSet } from '../src/rules/user/user-rule-set.js';
import { ManualClock, utcDay } from '../src/shared/clock.js';
import { sampleSource } from '../src/store/store-contract.test-support.js';
import { STORE_TARGETS } from '../src/store/store-test-targets.test-support.js';
import type { EventRow, Store } from '../src/store/store.js';

/**
 * User rules go through the Detector's one commit path: on SQLite and
 * PostgreSQL, two instances (two Detectors, each with its own copy of the
 * rules directory loaded) racing on the same stored rows put every user-rule
 * match in exactly one alert, grouped with the rule's GroupBy, dedup period
 * and threshold; an endless loop in one user rule neither stops detection nor
 * leaves rows queued.
 */

const START = Date.parse('2026-03-10T12:00:00Z');
const silent = pino({ level: 'silent' });

function raw(i: number): Record<string, unknown> {
  const time = new Date(START - 3_600_000 + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (i % 3 === 0) return { time, operator: 'mallory@acme.example', category_type: 'Role', action: 'Delete', operation_detail: `Delete Role R${i}` };
  if (i % 3 === 1)
    return {
      time,
      operator: i % 2 ? 'eve@acme.example' : 'mallory@acme.example',
      category_type: 'Account',
      action: 'Update',
      operation_detail: 'Security  - Waiting room: from On to Off',
    };
  return { time, operator: 'alice@acme.example', category_type: 'Account', action: 'Update', operation_detail: 'Security  - Waiting room: from On to Off' };
}

async function storeEvents(store: Store, sourceId: string, count: number): Promise<string[]> {
  const normalizer = loadNormalizers().get('Zoom.Operation')!;
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) {
    const event = raw(i);
    const rowId = rowIdFor(sourceId, 'Zoom.Operation', `u-${i}`, 0, Date.parse(event.time as string));
    const result = normalizer.normalize(event, { sourceId, sourceLabel: 'Test', rowId, parseTimeMs: START });
    if (!result.ok) throw new Error(result.problem.reason);
    const { event: normalized, eventTimeMs, emails, ipAddresses } = result.value;
    rows.push({ rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event: normalized });
  }
  await store.commitPage({ sourceId, logType: 'Zoom.Operation', events: rows, failures: [], days: [], stream: {} });
  return rows.map((r) => r.rowId);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zoomtrail-user-detect-'));
  await writeFile(path.join(dir, 'admin-setting.yml'), ADMIN_SETTING_YAML);
  await writeFile(path.join(dir, 'role-removed.ts'), TS_RULE);
  await writeFile(path.join(dir, '_helpers.ts'), TS_HELPER);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function instance(store: Store, clock: ManualClock, guard = new RuleGuard()): Promise<Detector> {
  const set = new UserRuleSet({ dir, guard });
  await set.load();
  expect(set.errors).toEqual([]);
  return new Detector({ store, rules: set.all, guard: set.guard, clock, logger: silent, batchSize: 5 });
}

for (const target of STORE_TARGETS) {
  describe(`user rules in detection: ${target.name}`, () => {
    it('two instances racing on the same rows: every user-rule match in exactly one alert, grouped by GroupBy', async () => {
      const clock = new ManualClock(START);
      const { store, cleanup } = await target.open({ clock, batchSize: 7 });
      try {
        const source = await store.createSource(sampleSource());
        const rowIds = await storeEvents(store, source.id, 30);
        const [a, b] = [await instance(store, clock), await instance(store, clock)];
        const stored = await store.listPendingDetection(100);
        await Promise.all([a.detect(stored), b.detect(stored), a.drain(), b.drain()]);
        expect(await store.listPendingDetection(100)).toEqual([]);

        const alerts = await store.listAlerts({ limit: 1000 });
        const byRule = (id: string) => alerts.filter((x) => x.ruleId === id);
        // Role deletes by mallory (i % 3 === 0): 10 matches, one title, within one hour: one alert.
        expect(byRule('Acme.Zoom.Role.Removed').map((x) => [x.title, x.eventCount])).toEqual([['mallory@acme.example deleted a role', 10]]);
        // Waiting room by eve and mallory (i % 3 === 1), not alice (allowed): GroupBy operator, 30-minute dedup period.
        const setting = byRule('Acme.Zoom.Security.Setting.Changed');
        expect(setting.reduce((n, x) => n + x.eventCount, 0)).toBe(10);
        expect(new Set(setting.map((x) => x.dedup))).toEqual(new Set(['eve@acme.example', 'mallory@acme.example']));
        // Each matching row in exactly one alert.
        const grouped: string[] = [];
        for (const alert of alerts) if (alert.ruleId.startsWith('Acme.')) grouped.push(...(await store.alertRowIds(alert.id, 1000)));
        expect(grouped.length).toBe(20);
        expect(new Set(grouped).size).toBe(20);
        expect(grouped.every((id) => rowIds.includes(id))).toBe(true);
        // A second pass changes nothing.
        await a.detect(stored);
        expect((await store.listAlerts({ limit: 1000 })).map((x) => x.eventCount)).toEqual(alerts.map((x) => x.eventCount));
      } finally {
        await cleanup();
      }
    });

    it('suppressions hold back matching matches (counted, visible), until their end; the others alert', async () => {
      const clock = new ManualClock(START);
      const { store, cleanup } = await target.open({ clock, batchSize: 7 });
      try {
        const source = await store.createSource(sampleSource());
        await storeEvents(store, source.id, 30);
        const mallory = [{ Key: 'operator', Condition: 'Equals', Value: 'mallory@acme.example' }];
        const roles = await store.createSuppression({
          ruleId: 'Acme.Zoom.Role.Removed',
          match: mallory,
          reason: 'mallory runs the role clean-up this week',
          untilMs: START + 86_400_000,
          createdBy: 'admin',
        });
        const expired = await store.createSuppression({
          ruleId: 'Acme.Zoom.Security.Setting.Changed',
          match: [{ Condition: 'AlwaysTrue' }],
          reason: 'was noisy last month',
          untilMs: START - 1,
          createdBy: 'admin',
        });
        const eve = await store.createSuppression({
          ruleId: 'Acme.Zoom.Security.Setting.Changed',
          match: [{ Key: 'operator', Condition: 'IEndsWith', Value: 'EVE@ACME.EXAMPLE' }],
          reason: 'eve is our new admin',
          untilMs: null,
          createdBy: 'admin',
        });
        const set = new UserRuleSet({ dir });
        await set.load();
        const detector = new Detector({ store, rules: set.all, guard: set.guard, suppressions: new SuppressionFilter(store, clock), clock, logger: silent, batchSize: 5 });
        await detector.drain();
        const alerts = await store.listAlerts({ limit: 100 });
        expect(alerts.filter((a) => a.ruleId === 'Acme.Zoom.Role.Removed')).toEqual([]);
        expect(alerts.filter((a) => a.ruleId === 'Acme.Zoom.Security.Setting.Changed').map((a) => a.dedup)).toEqual(['mallory@acme.example']);
        const counts = new Map((await store.listSuppressions()).map((x) => [x.id, x.suppressedCount]));
        expect(counts.get(roles.id)).toBe(10);
        expect(counts.get(expired.id)).toBe(0);
        expect(counts.get(eve.id)).toBe(5);
      } finally {
        await cleanup();
      }
    });

    it('a user rule that loops forever is disabled with a rule error; the other rules alert and the queue empties', async () => {
      await writeFile(path.join(dir, 'loop.mjs'), LOOP_RULE.replace("e.text('action') === 'Loop'", "e.text('action') === 'Delete'"));
      const clock = new ManualClock(START);
      const { store, cleanup } = await target.open({ clock, batchSize: 7 });
      try {
        const source = await store.createSource(sampleSource());
        await storeEvents(store, source.id, 9);
        const detector = await instance(store, clock, new RuleGuard(100));
        expect(await detector.drain()).toMatchObject({ events: 9 });
        expect(await store.listPendingDetection(100)).toEqual([]);
        const errors = await store.listRuleErrors({ limit: 10 });
        expect(errors.map((e) => [e.ruleId, e.functionName])).toEqual([['Acme.Loop', 'rule']]);
        expect(errors[0]!.message).toContain('ran past its time budget of 100 ms');
        expect(new Set((await store.listAlerts({ limit: 100 })).map((x) => x.ruleId))).toEqual(new Set(['Acme.Zoom.Role.Removed', 'Acme.Zoom.Security.Setting.Changed']));
      } finally {
        await cleanup();
      }
    });
  });
}
