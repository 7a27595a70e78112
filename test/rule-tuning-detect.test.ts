import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowIdFor } from '../src/collect/row-identity.js';
import { Detector } from '../src/detect/detector.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { ADMIN_SETTING_YAML, TS_HELPER, TS_RULE } from '../src/rules/user/user-rule-fixtures.test-support.js';
import { UserRuleSet } from '../src/rules/user/user-rule-set.js';
import { ManualClock, utcDay } from '../src/shared/clock.js';
import { sampleSource } from '../src/store/store-contract.test-support.js';
import { STORE_TARGETS } from '../src/store/store-test-targets.test-support.js';
import type { EventRow, Store } from '../src/store/store.js';

/**
 * Per-rule tuning applied by the Detector, on SQLite and PostgreSQL, for a
 * user rule (code) and a user rule (YAML): a disabled rule raises nothing, a
 * raised threshold or a shorter dedup period changes the grouping, a tuned
 * severity shows on the alert, tuned destinations get the alert and no other.
 */

const START = Date.parse('2026-03-10T12:00:00Z');
const silent = pino({ level: 'silent' });
const ROLE = 'Acme.Zoom.Role.Removed';
const SETTING = 'Acme.Zoom.Security.Setting.Changed';

/** 30 operations a minute apart: every third a role delete by mallory (10 matches of ROLE, one dedup string). */
function raw(i: number): Record<string, unknown> {
  const time = new Date(START - 3_600_000 + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (i % 3 === 0) return { time, operator: 'mallory@acme.example', category_type: 'Role', action: 'Delete', operation_detail: `Delete Role R${i}` };
  return { time, operator: 'eve@acme.example', category_type: 'Account', action: 'Update', operation_detail: 'Security  - Waiting room: from On to Off' };
}

async function storeEvents(store: Store, sourceId: string, count: number): Promise<void> {
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
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zoomtrail-tuning-'));
  await writeFile(path.join(dir, 'admin-setting.yml'), ADMIN_SETTING_YAML);
  await writeFile(path.join(dir, 'role-removed.ts'), TS_RULE);
  await writeFile(path.join(dir, '_helpers.ts'), TS_HELPER);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const target of STORE_TARGETS) {
  describe(`rule tuning in detection: ${target.name}`, () => {
    async function run(tune: (store: Store) => Promise<void>) {
      const clock = new ManualClock(START);
      const opened = await target.open({ clock, batchSize: 7 });
      const { store } = opened;
      const set = new UserRuleSet({ dir });
      await set.load();
      expect(set.errors).toEqual([]);
      const source = await store.createSource(sampleSource());
      await tune(store);
      await storeEvents(store, source.id, 30);
      await new Detector({ store, rules: set.all, guard: set.guard, clock, logger: silent }).drain();
      expect(await store.listPendingDetection(10)).toEqual([]);
      const alerts = await store.listAlerts({ limit: 1000 });
      return { store, alerts, byRule: (id: string) => alerts.filter((a) => a.ruleId === id), cleanup: opened.cleanup };
    }

    it('untuned: one alert per rule and dedup string, at the rule severity', async () => {
      const { byRule, cleanup } = await run(async () => {});
      try {
        expect(byRule(ROLE).map((a) => [a.eventCount, a.severity, a.threshold])).toEqual([[10, 'LOW', 1]]);
        expect(byRule(SETTING).length).toBeGreaterThan(0);
      } finally {
        await cleanup();
      }
    });

    it('a disabled rule raises nothing; the others still do', async () => {
      const { byRule, cleanup } = await run((store) => store.tuneRule(ROLE, { enabled: false }, 'alice').then(() => undefined));
      try {
        expect(byRule(ROLE)).toEqual([]);
        expect(byRule(SETTING).length).toBeGreaterThan(0);
      } finally {
        await cleanup();
      }
    });

    it('a threshold above the matches raises no alert; a 1-minute dedup period splits the group', async () => {
      const high = await run((store) => store.tuneRule(ROLE, { threshold: 11 }, 'alice').then(() => undefined));
      try {
        expect(high.byRule(ROLE)).toEqual([]);
      } finally {
        await high.cleanup();
      }
      const short = await run((store) => store.tuneRule(ROLE, { dedupPeriodMinutes: 1 }, 'alice').then(() => undefined));
      try {
        // Matches are 3 minutes apart: each its own alert.
        expect(short.byRule(ROLE).map((a) => [a.eventCount, a.dedupPeriodMs])).toEqual(Array.from({ length: 10 }, () => [1, 60_000]));
      } finally {
        await short.cleanup();
      }
    });

    it('a tuned severity shows on the alert; tuned destinations get it (over their own minimum severity) and no other destination does', async () => {
      let ids: Record<string, string> = {};
      const { store, byRule, cleanup } = await run(async (s) => {
        const pager = await s.createDestination({ name: 'pager', kind: 'log', settings: { minSeverity: 'CRITICAL' }, enabled: true, secret: null });
        const chat = await s.createDestination({ name: 'chat', kind: 'log', settings: {}, enabled: true, secret: null });
        ids = { pager: pager.id, chat: chat.id };
        await s.tuneRule(ROLE, { severity: 'HIGH', destinations: ['pager'] }, 'alice');
      });
      try {
        const [role] = byRule(ROLE);
        expect(role!.severity).toBe('HIGH');
        expect((await store.listDeliveries({ alertId: role!.id })).map((d) => d.destinationId)).toEqual([ids.pager]);
        // The untuned rule goes by the destinations' own filters: chat (all), not pager (CRITICAL only).
        const [setting] = byRule(SETTING);
        expect((await store.listDeliveries({ alertId: setting!.id })).map((d) => d.destinationId)).toEqual([ids.chat]);
      } finally {
        await cleanup();
      }
    });
  });
}
