import { afterEach, describe, expect, it } from 'vitest';
import { replayRules } from '../src/detect/rules-replay.js';
import { HistoryDetector } from '../src/detect/history-detector.js';
import { isHistoryRule } from '../src/detect/history-rule.js';
import { DEFAULT_HISTORY_SETTINGS, withEgressAllowed } from '../src/domain/history-settings.js';
import { FileIpLocator } from '../src/normalize/ip-locator.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { RULES } from '../src/rules/rule-registry.js';
import { privilegeGrantOf } from '../src/rules/zoom/privilege-then-weakening.js';
import { addDays } from '../src/zoom-sim/day-calendar.js';
import { generateDay } from '../src/zoom-sim/record-generator.js';
import {
  expectedSignInAlerts,
  SCENARIO_PLACES,
  SIGN_IN_SCENARIO_MIN_DAYS,
  signInScenarioTruth,
  signInScenarioUsers,
  SIM_EGRESS_CIDR,
} from '../src/zoom-sim/scenarios/sign-in-scenarios.js';
import { startCollectHarness, type CollectHarness } from './support/collect-harness.js';

/**
 * The simulator's planted sign-in scenarios (issue 15 §4), collected end to
 * end: simulator -> collector (with IP enrichment) -> store -> history
 * detector, as one 90-day backfill and as daily polls, then `rules replay`
 * over the stored events. The sign-in alerts are exactly the scenarios' ground
 * truth each time, and no near miss alerts.
 */

const ACCOUNT = 'acct-scenarios';
const APP = { clientId: 'SCENARIO_S2S', clientSecret: 'scenario-secret-7a6b5c4d' };
const DAYS = 90;
const BACKFILL = 5;
const TO_DAY = '2026-03-10'; // the harness clock's day
const locator = new FileIpLocator();
const HISTORY_RULES = RULES.filter(isHistoryRule);
const SETTINGS = withEgressAllowed(DEFAULT_HISTORY_SETTINGS, SIM_EGRESS_CIDR);
const isSignInRule = (ruleId: string) => ruleId.startsWith('Zoom.SignIn.');

let h: CollectHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('planted sign-in scenarios: the simulator', () => {
  it('signs the scenarios in from real public addresses that enrichment places in the country and network the truth assumes', () => {
    for (const [name, place] of Object.entries(SCENARIO_PLACES)) {
      const where = locator.locate(place.ip);
      expect({ name, kind: where.kind, country: where.country, asn: where.asn }).toEqual({ name, kind: 'public', country: place.country, asn: place.asn });
    }
    const range = { fromDay: addDays(TO_DAY, -(DAYS - 1)), toDay: TO_DAY };
    const all = Array.from({ length: DAYS }, (_, i) => generateDay({ seed: 5, day: addDays(range.fromDay, i), volume: { activities: 20, operations: 2 }, signInScenarios: range }));
    const scenarioUsers = new Set(signInScenarioUsers());
    const planted = all.flatMap((d) => d.activities.filter((a) => scenarioUsers.has(a.email) && a.type === 'Sign in'));
    // Every scenario address and home address is located publicly, except the VPN user's private ones.
    for (const a of planted) {
      const where = locator.locate(a.ip_address!);
      expect({ ip: a.ip_address, kind: where.kind }).toEqual({ ip: a.ip_address, kind: a.ip_address!.startsWith('10.8.0.') ? 'private' : 'public' });
    }
    // Deterministic, and a day does not depend on others.
    const again = generateDay({ seed: 5, day: addDays(range.fromDay, 40), volume: { activities: 20, operations: 2 }, signInScenarios: range });
    expect(again).toEqual(all[40]);
    expect(() => generateDay({ seed: 5, day: TO_DAY, volume: { activities: 1, operations: 1 }, signInScenarios: { fromDay: addDays(TO_DAY, -10), toDay: TO_DAY } })).toThrow(
      new RegExp(`at least ${SIGN_IN_SCENARIO_MIN_DAYS} generated days`),
    );
  });

  it('raises exactly the ground truth, collected as a backfill and in `rules replay`; near misses stay silent', { timeout: 90_000 }, async () => {
    h = await startCollectHarness({
      volume: { activities: 10, operations: 5 },
      source: { backfillDays: 10, paused: true },
      collectorDeps: { normalizers: loadNormalizers(undefined, locator) },
    });
    const fromDay = addDays(TO_DAY, -(DAYS - 1));
    h.sim.addAccount({ accountId: ACCOUNT, plan: 'pro', generated: { seed: 3, fromDay, toDay: TO_DAY, volume: { activities: 30, operations: 5 }, signInScenarios: true } });
    h.sim.addApp({ ...APP, accountId: ACCOUNT, kind: 's2s' });
    const { source, collector } = await h.addSource({
      name: 'Scenarios',
      zoomAccountId: ACCOUNT,
      clientId: APP.clientId,
      credentials: { clientSecret: APP.clientSecret },
      backfillDays: DAYS,
    });
    const detector = new HistoryDetector({ store: h.store, rules: RULES, settings: SETTINGS, privilegeGrant: privilegeGrantOf, clock: h.clock, logger: h.logger });

    await collector.runCycle();
    const drained = await detector.drain();
    expect(drained.events, 'sign-ins were evaluated').toBeGreaterThan(1000);

    const truth = h.sim.account(ACCOUNT).signInScenarioTruth();
    expect(truth.map((t) => t.scenario)).toEqual(signInScenarioTruth().map((t) => t.scenario));
    const expected = expectedSignInAlerts();
    const alerts = (await h.store.listAlerts({ limit: 10_000 })).filter((a) => isSignInRule(a.ruleId));
    const raised = [...new Set(alerts.map((a) => `${a.ruleId}|${a.dedup}`))].sort();
    expect(raised).toEqual(expected);

    // Near misses: no sign-in alert names their users (the slow traveller, the new country while learning, the VPN user);
    // the corporate egress's daily crowd raised no shared-IP alert.
    const nearMissUsers = truth.filter((t) => t.alerts.length === 0 && !t.scenario.startsWith('corporate')).flatMap((t) => t.users);
    expect(alerts.filter((a) => nearMissUsers.some((u) => a.dedup.startsWith(u)))).toEqual([]);
    expect(alerts.filter((a) => a.dedup.startsWith('88.64.66.'))).toEqual([]);

    // `rules replay` over the stored events: the same alerts, with the same events in each.
    const replay = await replayRules(HISTORY_RULES, h.store.queryEvents({ sourceId: source.id }), 500, (chunk) => detector.evaluate(chunk, HISTORY_RULES));
    const replayed = [...new Set(replay.raised.filter((g) => isSignInRule(g.ruleId)).map((g) => `${g.ruleId}|${g.dedup}`))].sort();
    expect(replayed).toEqual(expected);
    const storedRows = new Map<string, string[]>();
    for (const a of alerts) storedRows.set(`${a.ruleId}|${a.dedup}`, [...(storedRows.get(`${a.ruleId}|${a.dedup}`) ?? []), ...(await h.store.alertRowIds(a.id, 1000))]);
    for (const g of replay.raised.filter((r) => isSignInRule(r.ruleId))) {
      expect([...g.rowIds].every((id) => storedRows.get(`${g.ruleId}|${g.dedup}`)?.includes(id))).toBe(true);
    }

    // Without the egress on the allow list, the office's morning crowd is a shared source IP (the near miss is a near miss because of it).
    const unlisted = new HistoryDetector({ store: h.store, rules: RULES, settings: DEFAULT_HISTORY_SETTINGS, privilegeGrant: privilegeGrantOf, clock: h.clock, logger: h.logger });
    const withoutAllowList = await replayRules(HISTORY_RULES, h.store.queryEvents({ sourceId: source.id }), 500, (chunk) => unlisted.evaluate(chunk, HISTORY_RULES));
    expect(withoutAllowList.raised.map((g) => `${g.ruleId}|${g.dedup}`)).toContain(`Zoom.SignIn.SharedSourceIp|${SCENARIO_PLACES.officeEgress.ip}`);
  });
  it('raises the same ground truth from daily polls (a 5-day backfill, then two polls a day; each day complete once settled)', { timeout: 120_000 }, async () => {
    h = await startCollectHarness({
      volume: { activities: 10, operations: 5 },
      source: { backfillDays: 10, paused: true },
      collectorDeps: { normalizers: loadNormalizers(undefined, locator) },
    });
    const fromDay = addDays(TO_DAY, -(DAYS - 1));
    h.sim.addAccount({ accountId: ACCOUNT, plan: 'pro', generated: { seed: 3, fromDay, toDay: TO_DAY, volume: { activities: 30, operations: 5 }, signInScenarios: true } });
    h.sim.addApp({ ...APP, accountId: ACCOUNT, kind: 's2s' });
    // Created on the 5th day with a 5-day backfill: its history starts on the account's first day, as the truth assumes. (A day is read
    // until it settles only while it is within the backfill days back from today, so a source needs more than settleDays + 1 of them.)
    h.clock.set(Date.parse(`${addDays(fromDay, BACKFILL - 1)}T06:00:00Z`));
    const { collector } = await h.addSource({
      name: 'Polls',
      zoomAccountId: ACCOUNT,
      clientId: APP.clientId,
      credentials: { clientSecret: APP.clientSecret },
      backfillDays: BACKFILL,
    });
    const detector = new HistoryDetector({ store: h.store, rules: RULES, settings: SETTINGS, privilegeGrant: privilegeGrantOf, clock: h.clock, logger: h.logger });
    for (let d = BACKFILL - 1; d < DAYS; d++) {
      for (const time of ['T12:30:00Z', 'T23:30:00Z']) {
        h.clock.set(Date.parse(`${addDays(fromDay, d)}${time}`));
        await collector.runCycle();
        await detector.drain();
      }
    }
    const alerts = (await h.store.listAlerts({ limit: 10_000 })).filter((a) => isSignInRule(a.ruleId));
    expect([...new Set(alerts.map((a) => `${a.ruleId}|${a.dedup}`))].sort()).toEqual(expectedSignInAlerts());
  });
});
