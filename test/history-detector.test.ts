import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY_SETTINGS, type HistorySettings } from '../src/domain/history-settings.js';
import { dayStartMs } from '../src/domain/utc-days.js';
import { RULES } from '../src/rules/rule-registry.js';
import { privilegeGrantOf } from '../src/rules/zoom/privilege-then-weakening.js';
import { ManualClock } from '../src/shared/clock.js';
import type { EventRow, Store } from '../src/store/store.js';
import { ACTIVITY, BATCH_SIZE, collect, OPERATION, page, sampleOperationEvent, sampleSource } from '../src/store/store-contract.test-support.js';
import { locatedSignIn } from '../src/store/sign-in-history-store-contract.test-support.js';
import { forEachStoreTarget } from '../src/store/store-test-targets.test-support.js';
import { replayRules } from '../src/detect/rules-replay.js';
import { HistoryDetector } from '../src/detect/history-detector.js';
import { isHistoryRule } from '../src/detect/history-rule.js';
import { dayOf, DAYS, EGRESS_CIDR, EXPECTED_ALERTS, simulatedSignIns } from '../src/detect/sign-in-scenarios.test-support.js';

const HISTORY_RULES = RULES.filter(isHistoryRule);
const SETTINGS: HistorySettings = { ...DEFAULT_HISTORY_SETTINGS, sharedSourceIp: { ...DEFAULT_HISTORY_SETTINGS.sharedSourceIp, allowCidrs: [EGRESS_CIDR] } };
const PAGE = 100;

function detectorFor(store: Store, clock: ManualClock, settings = SETTINGS): HistoryDetector {
  return new HistoryDetector({ store, rules: RULES, settings, privilegeGrant: privilegeGrantOf, clock, logger: pino({ level: 'silent' }), batchSize: 500 });
}

async function complete(store: Store, sourceId: string, days: string[], logType = ACTIVITY): Promise<void> {
  if (days.length > 0)
    await store.updateStream(
      sourceId,
      logType,
      {},
      days.map((day) => ({ day, state: 'complete' as const, lastFullReadAt: 0 })),
    );
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

      // 3. `rules replay` over the stored events (the polls' source), writing nothing.
      const replay = await replayRules(HISTORY_RULES, store.queryEvents({ sourceId: polls.id }), 500, (chunk) => detector.evaluate(chunk, HISTORY_RULES));
      expect(replay.waiting).toBe(0);
      const fromReplay = replay.raised.map((g) => `${g.ruleId}|${g.dedup}|${[...g.rowIds].sort().join(',')}`).sort();

      const truth = (alerts: string[]) => [...new Set(alerts.map((a) => a.split('|').slice(0, 2).join('|')))].sort();
      expect(truth(fromBackfill)).toEqual(EXPECTED_ALERTS);
      expect(pollAlerts.sort()).toEqual(fromBackfill);
      expect(fromReplay).toEqual(fromBackfill);
    });

    const BERLIN = { kind: 'public', country: 'DE', asn: 3320, lat: 52.52, lng: 13.405, accuracy_km: 20 };
    const PARIS = { kind: 'public', country: 'FR', asn: 3215, lat: 48.857, lng: 2.352, accuracy_km: 20 };
    const hour = (day: number, h: number) => dayStartMs(dayOf(day)) + h * 3_600_000;
    const daysUpTo = (last: number) => Array.from({ length: last + 1 }, (_, i) => dayOf(i));

    /** A source whose history starts on day 0; user a@ signs in from Berlin at noon on days 0..(last). */
    async function berlinHistory(last: number): Promise<string> {
      clock.set(dayStartMs(dayOf(0)));
      const { id } = await store.createSource(sampleSource({ backfillDays: 1 }));
      await store.commitPage(
        page(
          id,
          Array.from({ length: last + 1 }, (_, d) => locatedSignIn(`b${d}`, hour(d, 12), 'a@x.io', '192.0.2.1', BERLIN)),
        ),
      );
      return id;
    }

    it('waits while a day of the look-back is open, failed or unread, then evaluates; silent while learning', async () => {
      const id = await berlinHistory(20);
      await store.commitPage(
        page(id, [
          locatedSignIn('early-fr', hour(10, 18), 'a@x.io', '192.0.2.9', PARIS),
          locatedSignIn('late-fr', hour(20, 18), 'a@x.io', '192.0.2.9', PARIS),
          locatedSignIn('late-us', hour(20, 20), 'a@x.io', '192.0.2.8', { ...PARIS, country: 'US', lat: 40.7, lng: -74 }),
        ]),
      );
      const detector = detectorFor(store, clock);
      await complete(
        store,
        id,
        daysUpTo(20).filter((d) => d !== dayOf(15)),
      );
      await store.updateStream(id, ACTIVITY, {}, [{ day: dayOf(15), state: 'failed' }]);
      expect(await detector.drain()).toMatchObject({ raised: 0 });
      // Days 0..14 were evaluated (day 10's new country silently: learning until day 14); 15..20 wait for day 15.
      expect(await store.countHistoryPending()).toBe(8);
      expect(await store.countAlerts({})).toBe(0);
      await complete(store, id, [dayOf(15)]);
      // France was seen on day 10 (while learning: no alert then, but part of the baseline now); the US is new.
      expect(await detector.drain()).toMatchObject({ events: 8, waiting: 0 });
      const [alert, ...others] = await store.listAlerts({ ruleId: 'Zoom.SignIn.NewCountry' });
      expect(others).toEqual([]);
      expect(alert).toMatchObject({ ruleId: 'Zoom.SignIn.NewCountry', dedup: 'a@x.io US' });
      expect(await store.alertRowIds(alert!.id)).toEqual(['late-us']);
    });

    it("late record: evaluated against the history as stored when it arrives; earlier alerts stay; replay reads today's history", async () => {
      const id = await berlinHistory(30);
      const detector = detectorFor(store, clock);
      await store.commitPage(page(id, [locatedSignIn('fr-10', hour(30, 22), 'a@x.io', '192.0.2.9', PARIS)]));
      await complete(store, id, daysUpTo(30));
      await detector.drain();
      // A record of the same day, earlier, from France, arrives after the day was complete.
      await store.commitPage(page(id, [locatedSignIn('fr-08', hour(30, 8), 'a@x.io', '192.0.2.9', PARIS)]));
      expect(await store.countHistoryPending()).toBe(1);
      await detector.drain();
      const alerts = (await storedAlerts(store)).filter((a) => a.startsWith('Zoom.SignIn.NewCountry'));
      // Both raised (14 h apart: two groups): fr-10 was new when evaluated, and fr-08 is new in today's history.
      expect(alerts).toEqual(['Zoom.SignIn.NewCountry|a@x.io FR|fr-08', 'Zoom.SignIn.NewCountry|a@x.io FR|fr-10']);
      const replay = await detector.evaluate(await collect(store.queryEvents({ sourceId: id })), HISTORY_RULES);
      expect(replay.matches.filter((m) => m.ruleId === 'Zoom.SignIn.NewCountry').map((m) => m.rowId)).toEqual(['fr-08']);
    });

    it('applies rule tuning: a disabled history rule raises nothing; a tuned severity shows on the alert', async () => {
      const id = await berlinHistory(20);
      await store.commitPage(
        page(id, [
          // New York an hour after Berlin: a new country for a@ and impossible travel.
          locatedSignIn('us', hour(20, 13), 'a@x.io', '192.0.2.8', { ...PARIS, country: 'US', lat: 40.7, lng: -74 }),
        ]),
      );
      await complete(store, id, daysUpTo(20));
      await store.tuneRule('Zoom.SignIn.NewCountry', { enabled: false }, 'dana');
      await store.tuneRule('Zoom.SignIn.ImpossibleTravel', { severity: 'CRITICAL' }, 'dana');
      await detectorFor(store, clock).drain();
      expect(await store.listAlerts({ ruleId: 'Zoom.SignIn.NewCountry' })).toEqual([]);
      const travel = await store.listAlerts({ ruleId: 'Zoom.SignIn.ImpossibleTravel' });
      expect(travel.length).toBeGreaterThan(0);
      expect(travel.every((a) => a.severity === 'CRITICAL')).toBe(true);
    });

    it('alerts each match exactly once with two detectors draining at the same time', async () => {
      const id = await berlinHistory(20);
      const french = Array.from({ length: 40 }, (_, i) => locatedSignIn(`fr-${i}`, hour(20, 13) + i * 1000, `u${i}@x.io`, '192.0.2.9', PARIS));
      await store.commitPage(page(id, french));
      await complete(store, id, daysUpTo(20));
      const results = await Promise.all([detectorFor(store, clock).drain(), detectorFor(store, clock).drain(), detectorFor(store, clock).drain()]);
      expect(results.reduce((n, r) => n + r.events, 0)).toBe(21 + 40);
      const alerts = await store.listAlerts({ ruleId: 'Zoom.SignIn.SharedSourceIp' });
      expect(alerts).toHaveLength(1);
      const rowIds = await store.alertRowIds(alerts[0]!.id, 1000);
      expect(new Set(rowIds).size).toBe(rowIds.length);
      expect(rowIds).toHaveLength(31); // the 10th user onwards
      expect(results.reduce((n, r) => n + r.raised, 0)).toBe(1);
    });

    it('privilege then weakening: a promotion stored in another page, before or after, within the window', async () => {
      clock.set(dayStartMs(dayOf(0)));
      const { id } = await store.createSource(sampleSource({ backfillDays: 1 }));
      const t = hour(3, 10);
      const weakening = {
        ...sampleOperationEvent('weak', t + 30 * 60_000, {
          category_type: 'Account',
          action: 'Update',
          operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off',
        }),
      };
      weakening.event = { ...weakening.event, operator: 'mallory@duff.io' };
      const promotion = sampleOperationEvent('promo', t, { category_type: 'User', action: 'Update', operation_detail: 'Change Role  - mallory@duff.io: from Member to Admin' });
      const tooEarly = { ...weakening, rowId: 'weak-late', eventTimeMs: t + 90 * 60_000, event: { ...weakening.event, p_row_id: 'weak-late' } };
      const detector = detectorFor(store, clock);
      await store.commitPage({ ...page(id, [weakening, tooEarly]), logType: OPERATION }); // the weakening first, as a newest-first read gives it
      await detector.drain();
      await store.commitPage({ ...page(id, [promotion]), logType: OPERATION });
      await complete(store, id, daysUpTo(3), OPERATION);
      await detector.drain();
      const alerts = await store.listAlerts({ ruleId: 'Zoom.PrivilegeThenWeakening' });
      expect(alerts).toHaveLength(1);
      expect(await store.alertRowIds(alerts[0]!.id)).toEqual(['weak']);
      expect(alerts[0]!.context).toMatchObject({ operator: 'mallory@duff.io', promotions: [{ rowId: 'promo', promoted: 'mallory@duff.io', toRole: 'Admin' }] });
    });
  });
});
