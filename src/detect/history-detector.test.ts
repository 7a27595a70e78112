import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertGrouper } from '../domain/alert-grouping.js';
import { DEFAULT_HISTORY_SETTINGS, type HistorySettings } from '../domain/history-settings.js';
import { addDays, dayStartMs } from '../domain/utc-days.js';
import { RULES } from '../rules/rule-registry.js';
import { privilegeGrantOf } from '../rules/zoom/privilege-then-weakening.js';
import { ManualClock } from '../shared/clock.js';
import type { RuleMatchRow } from '../store/alert-store.js';
import type { EventRow, Store } from '../store/store.js';
import { ACTIVITY, BATCH_SIZE, collect, OPERATION, page, sampleOperationEvent, sampleSource } from '../store/store-contract.test-support.js';
import { forEachStoreTarget } from '../store/store-test-targets.test-support.js';
import { HistoryDetector } from './history-detector.js';
import { isHistoryRule } from './history-rule.js';
import { dayOf, DAYS, EGRESS_CIDR, EXPECTED_ALERTS, simulatedSignIns } from './sign-in-scenarios.test-support.js';

const HISTORY_RULES = RULES.filter(isHistoryRule);
const SETTINGS: HistorySettings = { ...DEFAULT_HISTORY_SETTINGS, sharedSourceIp: { ...DEFAULT_HISTORY_SETTINGS.sharedSourceIp, allowCidrs: [EGRESS_CIDR] } };
const PAGE = 100;

function detectorFor(store: Store, clock: ManualClock, settings = SETTINGS): HistoryDetector {
  return new HistoryDetector({ store, rules: RULES, settings, privilegeGrant: privilegeGrantOf, clock, logger: pino({ level: 'silent' }), batchSize: 500 });
}

async function complete(store: Store, sourceId: string, days: string[], logType = ACTIVITY): Promise<void> {
  if (days.length > 0) await store.updateStream(sourceId, logType, {}, days.map((day) => ({ day, state: 'complete' as const, lastFullReadAt: 0 })));
}

/** Stored alerts as `rule|dedup|row ids`. */
async function storedAlerts(store: Store): Promise<string[]> {
  const alerts = await store.listAlerts({ limit: 10_000 });
  const out: string[] = [];
  for (const a of alerts) out.push(`${a.ruleId}|${a.dedup}|${(await store.alertRowIds(a.id, 10_000)).sort().join(',')}`);
  return out.sort();
}

/** Pages newest first, as Zoom returns a window. */
function newestFirstPages(events: readonly EventRow[]): EventRow[][] {
  const sorted = [...events].sort((a, b) => b.eventTimeMs - a.eventTimeMs);
  const pages: EventRow[][] = [];
  for (let i = 0; i < sorted.length; i += PAGE) pages.push(sorted.slice(i, i + PAGE));
  return pages;
}

const byDay = (events: readonly EventRow[], day: string) => events.filter((e) => e.day === day);

forEachStoreTarget((target) => {
  describe(`HistoryDetector: ${target.name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      clock = new ManualClock(dayStartMs(dayOf(0)));
      ({ store, cleanup } = await target.open({ clock, batchSize: BATCH_SIZE }));
    });
    afterEach(async () => cleanup());

    it('raises the same alerts, exactly the ground truth, from a newest-first backfill, from daily polls and in replay', { timeout: 300_000 }, async () => {
      const events = simulatedSignIns();
      const lastDay = dayOf(DAYS - 1);

      // 1. A 121-day backfill, newest day first, pages newest first, detection after every page.
      clock.set(dayStartMs(lastDay) + 23 * 3_600_000);
      const backfill = await store.createSource(sampleSource({ name: 'backfill', backfillDays: DAYS }));
      const detector = detectorFor(store, clock);
      for (let i = DAYS - 1; i >= 0; i--) {
        for (const p of newestFirstPages(byDay(events, dayOf(i)))) {
          await store.commitPage(page(backfill.id, p));
          await detector.drain();
        }
        if (i < DAYS - 2) await complete(store, backfill.id, [dayOf(i)]); // the two newest days settle later
        await detector.drain();
      }
      // The two newest days are not complete: their events wait in the queue.
      expect(await store.countHistoryPending()).toBe(byDay(events, dayOf(DAYS - 2)).length + byDay(events, lastDay).length);
      await complete(store, backfill.id, [dayOf(DAYS - 2), lastDay]);
      await detector.drain();
      expect(await store.countHistoryPending()).toBe(0);
      const fromBackfill = await storedAlerts(store);
      await store.removeSource(backfill.id);
      for (const a of await store.listAlerts({ limit: 10_000 })) await store.setAlertStatus(a.id, 'resolved');

      // 2. Daily polls (two a day, pages newest first), each day complete two days after it ends.
      clock.set(dayStartMs(dayOf(0)));
      const polls = await store.createSource(sampleSource({ name: 'polls', backfillDays: 1 }));
      const pollAlerts: string[] = [];
      const before = new Set(await storedAlerts(store));
      for (let i = 0; i < DAYS; i++) {
        const dayEvents = byDay(events, dayOf(i));
        const noon = dayStartMs(dayOf(i)) + 12 * 3_600_000;
        for (const half of [dayEvents.filter((e) => e.eventTimeMs < noon), dayEvents.filter((e) => e.eventTimeMs >= noon)]) {
          for (const p of newestFirstPages(half)) {
            await store.commitPage(page(polls.id, p));
            await detector.drain();
          }
        }
        if (i >= 2) await complete(store, polls.id, [dayOf(i - 2)]);
        await detector.drain();
      }
      await complete(store, polls.id, [dayOf(DAYS - 2), lastDay]);
      await detector.drain();
      for (const a of await storedAlerts(store)) if (!before.has(a)) pollAlerts.push(a);

      // 3. Replay over the stored events (the polls' source), writing nothing.
      const stored = await collect(store.queryEvents({ sourceId: polls.id }));
      const replay = await detector.evaluate(stored, HISTORY_RULES);
      expect(replay.waiting.size).toBe(0);
      const grouper = new AlertGrouper<RuleMatchRow>();
      grouper.addBatch(replay.matches, (m) => m.eventTimeMs);
      const fromReplay = [...grouper.groups()]
        .filter((g) => g.state.raisedAt !== null)
        .map((g) => `${g.ruleId}|${g.dedup}|${g.matches.map((m) => m.rowId).sort().join(',')}`)
        .sort();

      const truth = (alerts: string[]) => [...new Set(alerts.map((a) => a.split('|').slice(0, 2).join('|')))].sort();
      expect(truth(fromBackfill)).toEqual(EXPECTED_ALERTS);
      expect(pollAlerts.sort()).toEqual(fromBackfill);
      expect(fromReplay).toEqual(fromBackfill);
    });
  });
});
