import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../src/alert/delivery-worker.js';
import { verifyWebhookSignature } from '../src/alert/webhook-sender.js';
import { startReceiver, type Receiver } from '../src/alert/http-receiver.test-support.js';
import type { NewlyStoredEvent } from '../src/collect/page-ingest.js';
import { Detector } from '../src/detect/detector.js';
import { findRule, RULES } from '../src/rules/rule-registry.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { normalizers, startCollectHarness, TEST_SECRET_KEY, type CollectHarness } from './support/collect-harness.js';
import { expectedRuleMatches, isPerEventRule } from './support/detect-harness.js';
import { multisetDiff } from './support/multiset.js';
import { ACCOUNT_ID } from './support/sim-harness.js';

/**
 * Collection -> detection -> alerts -> delivery, against the simulator and a
 * real local HTTP receiver: every rule match of the collected events lands in
 * exactly one alert once, re-reads add nothing, a crash between store and
 * detect loses nothing, and a destination that fails and recovers gets every
 * alert, even across a restart.
 */

const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';
const TWO_FACTOR_OFF = {
  time: '2026-03-10T11:40:00Z',
  operator: 'mallory@example.com',
  category_type: 'Account',
  action: 'Update',
  operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off ',
};

let h: CollectHarness | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await h?.close();
  await receiver?.close();
  h = undefined;
  receiver = undefined;
});

interface Wired {
  h: CollectHarness;
  detector: Detector;
  deliveries: DeliveryWorker;
  /** When set, the collector's detection hook throws (a crash between store and detect). */
  failDetection: { on: boolean };
}

async function wired(): Promise<Wired> {
  const failDetection = { on: false };
  let detector: Detector | undefined;
  const harness = await startCollectHarness({
    volume: { activities: 60, operations: 200 },
    collectorDeps: {
      onEventsStored: async (events: readonly NewlyStoredEvent[]) => {
        if (failDetection.on) throw new Error('simulated crash between store and detect');
        await detector!.detect(events);
      },
    },
  });
  h = harness;
  detector = new Detector({ store: harness.store, rules: RULES, clock: harness.clock, logger: harness.logger });
  const deliveries = new DeliveryWorker({ store: harness.store, clock: harness.clock, logger: harness.logger, fetch: globalThis.fetch, ruleMeta: (id) => findRule(id)?.meta });
  return { h: harness, detector, deliveries, failDetection };
}

async function groupedMatches(c: CollectHarness): Promise<string[]> {
  const out: string[] = [];
  for (const alert of await c.store.listAlerts({ limit: 10_000 })) {
    if (!isPerEventRule(alert.ruleId)) continue;
    for (const rowId of await c.store.alertRowIds(alert.id, 100_000)) out.push(`${alert.ruleId} ${rowId}`);
  }
  return out;
}

describe('detection and alerting end to end', () => {
  it('every rule match of a collected backfill is in exactly one alert, once; re-reads add nothing', async () => {
    const { h: c } = await wired();
    await c.cycle();
    const expected = await expectedRuleMatches(c.store);
    expect(expected.length, 'the simulator planted detection triggers').toBeGreaterThan(10);
    expect(new Set(expected.map((m) => m.split(' ')[0])).size, 'several rules fired').toBeGreaterThanOrEqual(5);
    expect(multisetDiff(await groupedMatches(c), expected)).toEqual([]);
    expect(await c.store.countPendingDetection()).toBe(0);

    const alertsBefore = (await c.store.listAlerts({ limit: 10_000 })).map((a) => [a.id, a.eventCount]);
    c.clock.advance(2 * 3_600_000);
    await c.cycle({ reconcile: true });
    expect((await c.store.listAlerts({ limit: 10_000 })).map((a) => [a.id, a.eventCount])).toEqual(alertsBefore);
  });

  it('alerts match what the simulator planted, not what the rules say: every trigger in an alert of its rule, no near miss in any', async () => {
    const { h: c } = await wired();
    await c.cycle();
    const first = '2026-03-01';
    const last = '2026-03-10';
    const inRange = (ms: number) => ms >= Date.parse(`${first}T00:00:00Z`) && ms < Date.parse(`${last}T00:00:00Z`) + 86_400_000;
    const keyOf = (e: Readonly<Record<string, unknown>>, ms: number) => [ms, e.operator, e.category_type, e.action, e.operation_detail].join('|');

    // What the simulator planted, from its own record of it.
    const planted = c.sim.account(ACCOUNT_ID).plantedDetections(first, last);
    const expected: string[] = [];
    const nearMisses = new Set<string>();
    for (const p of planted) {
      const result = normalizers.get('Zoom.Operation')!.normalize(p.record, { sourceId: 'x', sourceLabel: 'x', rowId: 'x', parseTimeMs: 0 });
      if (!result.ok) throw new Error('a planted record fails its schema');
      const key = keyOf(result.value.event, result.value.eventTimeMs);
      if (p.expectAlert) expected.push(`${p.ruleId} ${key}`);
      else nearMisses.add(key);
    }
    const plantedRules = new Set(planted.map((p) => p.ruleId));
    expect(expected.length, 'triggers planted').toBeGreaterThan(50);
    expect(nearMisses.size, 'near misses planted').toBeGreaterThan(10);

    // What the alerts hold.
    const events = new Map<string, { key: string; ms: number }>();
    for await (const e of c.store.queryEvents({ sourceId: c.source.id, logType: 'Zoom.Operation' })) events.set(e.rowId, { key: keyOf(e.event, e.eventTimeMs), ms: e.eventTimeMs });
    const alerted: string[] = [];
    for (const alert of await c.store.listAlerts({ limit: 10_000 })) {
      // The rules the simulator plants for (Panther's); Zoomtrail's own rules have their own truth tests.
      if (!plantedRules.has(alert.ruleId)) continue;
      for (const rowId of await c.store.alertRowIds(alert.id, 100_000)) {
        const event = events.get(rowId)!;
        if (inRange(event.ms)) alerted.push(`${alert.ruleId} ${event.key}`);
      }
    }
    expect(multisetDiff(alerted, expected)).toEqual([]);
    expect(alerted.filter((a) => nearMisses.has(a.slice(a.indexOf(' ') + 1)))).toEqual([]);
  });

  it("a two-factor change emitted by Zoom raises its alert on the next poll, with Panther's title", async () => {
    const { h: c } = await wired();
    await c.cycle();
    c.sim.account(ACCOUNT_ID).addRecords('Zoom.Operation', [TWO_FACTOR_OFF]);
    c.clock.advance(5 * 60_000);
    await c.cycle();
    const [alert] = await c.store
      .listAlerts({ ruleId: 'Zoom.Two.Factor.Authentication.Disabled', limit: 10 })
      .then((all) => all.filter((a) => a.firstEventMs === Date.parse(TWO_FACTOR_OFF.time)));
    expect(alert?.title).toBe("Zoom User [mallory@example.com] disabled your organization's setting to sign in with Two-Factor Authentication.");
    expect([alert?.severity, alert?.status, alert?.eventCount]).toEqual(['MEDIUM', 'open', 1]);
  });

  it('a crash between store and detect loses nothing: the queue is drained once, later', async () => {
    const w = await wired();
    w.failDetection.on = true;
    await w.h.cycle();
    const queued = await w.h.store.countPendingDetection();
    expect(queued).toBeGreaterThan(0);
    expect(await w.h.store.listAlerts({})).toEqual([]);
    expect(w.h.logLines.some((l) => String(l.msg).includes('they stay queued'))).toBe(true);

    const drained = await w.detector.drain();
    expect(drained.events).toBe(queued);
    const expected = await expectedRuleMatches(w.h.store);
    expect(multisetDiff(await groupedMatches(w.h), expected)).toEqual([]);
    expect(await w.detector.drain()).toEqual({ events: 0, raised: 0 });
  });

  it('a webhook that fails, then recovers, receives every alert once each, signed, even across a restart of the worker', async () => {
    const w = await wired();
    receiver = await startReceiver();
    await w.h.store.createDestination({ name: 'soc', kind: 'webhook', settings: { url: `${receiver.origin}/zoomtrail` }, enabled: true, secret: WEBHOOK_SECRET });
    await w.h.cycle();
    const alerts = await w.h.store.listAlerts({ limit: 10_000 });
    expect(alerts.length).toBeGreaterThan(3);

    // The receiver is down for the first two attempts.
    receiver.reply({ status: 503, body: 'maintenance' }, { status: 503, body: 'maintenance' });
    expect(await w.deliveries.deliverDue()).toBe(alerts.length);
    expect((await w.h.store.listDeliveries({ state: 'pending', limit: 1000 })).length).toBe(2);

    // A restart: the store reopened, a new worker; the outbox is where it was.
    await w.h.store.close();
    const store = await openSqliteStore({ dataDir: w.h.dataDir, clock: w.h.clock, env: { ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY } });
    w.h.store = store;
    const worker = new DeliveryWorker({ store, clock: w.h.clock, logger: w.h.logger, fetch: globalThis.fetch, ruleMeta: (id) => findRule(id)?.meta });
    expect(await worker.deliverDue()).toBe(0); // not due yet: backoff
    w.h.clock.advance(60_000);
    expect(await worker.deliverDue()).toBe(2);
    expect(await store.listDeliveries({ state: 'pending', limit: 1000 })).toEqual([]);
    expect((await store.listDeliveries({ state: 'delivered', limit: 1000 })).length).toBe(alerts.length);

    const delivered = receiver.requests.slice(2);
    expect(delivered.length).toBe(alerts.length);
    const ids = delivered.map((r) => (JSON.parse(r.body) as { alert: { alertId: string } }).alert.alertId);
    expect(new Set(ids)).toEqual(new Set(alerts.map((a) => a.id)));
    for (const r of receiver.requests) {
      expect(
        verifyWebhookSignature(WEBHOOK_SECRET, r.headers['x-zoomtrail-timestamp'] as string, r.body, r.headers['x-zoomtrail-signature'] as string, w.h.clock.now(), 3600),
      ).toBe(true);
    }
    const retried = (await store.listDeliveries({ limit: 1000 })).filter((d) => d.attempts === 2);
    expect(retried.length).toBe(2);
    expect((await store.listDeliveryAttempts(retried[0]!.id)).map((a) => [a.ok, a.status])).toEqual([
      [false, 503],
      [true, 200],
    ]);
    await store.close();
  });
});
