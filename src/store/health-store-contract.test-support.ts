import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { StoreContractOptions, StoreUnderTest } from './store-contract.test-support.js';
import { sampleSource } from './store-contract.test-support.js';
import { HEARTBEAT_RETENTION_MS, type Heartbeat } from './health-store.js';
import type { Store } from './store.js';

const START = Date.parse('2026-03-10T12:00:00Z');
const MIN = 60_000;

/** Heartbeats, quiet schedules and system alarms: what every Store must do (the HealthStore part). */
export function describeHealthStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Health store contract: ${name}`, () => {
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

    const beat = (at: number, outcome: Heartbeat['outcome'], records = 0, errorCode: string | null = null): Heartbeat => ({
      sourceId,
      logType: 'Zoom.Activity',
      at,
      outcome,
      errorCode,
      records,
      durationMs: 12,
    });

    it('records heartbeats, lists them newest first, sums records, and prunes those older than 14 days', async () => {
      await store.recordHeartbeat(beat(START - 20 * 24 * 60 * MIN, 'data', 5));
      clock.advance(2 * 60 * MIN); // the next write prunes
      await store.recordHeartbeat(beat(START - 2 * MIN, 'data', 7));
      await store.recordHeartbeat(beat(START - MIN, 'error', 0, 'zoom_unavailable'));
      await store.recordHeartbeat({ ...beat(START, 'empty'), logType: 'Zoom.Operation' });
      const all = await store.listHeartbeats({ sourceId });
      expect(all.map((b) => [b.outcome, b.errorCode, b.records])).toEqual([
        ['empty', null, 0],
        ['error', 'zoom_unavailable', 0],
        ['data', null, 7],
      ]);
      expect(all.every((b) => b.at >= clock.now() - HEARTBEAT_RETENTION_MS)).toBe(true);
      expect(await store.listHeartbeats({ sourceId, logType: 'Zoom.Operation' })).toHaveLength(1);
      expect(await store.listHeartbeats({ sourceId, sinceMs: START - MIN })).toHaveLength(2);
      expect(await store.healthCounts(sourceId, START - 60 * MIN)).toEqual({ records: 7, classificationFailures: 0, ruleErrors: 0 });
    });

    it('stores a quiet schedule with the source; null removes it', async () => {
      const schedule = { timeZone: 'Europe/Paris', days: [0, 6], window: { from: '22:00', to: '06:00' } };
      expect((await store.updateSource(sourceId, { quietSchedule: schedule })).quietSchedule).toEqual(schedule);
      expect((await store.getSource(sourceId))!.quietSchedule).toEqual(schedule);
      expect((await store.updateSource(sourceId, { quietSchedule: null })).quietSchedule).toBeNull();
    });

    it('raises one open system alarm per rule and dedup with deliveries, refreshes it, and resolves it with resolved notices', async () => {
      const log = await store.createDestination({ name: 'log', kind: 'log', settings: { minSeverity: 'HIGH', ruleIds: ['Some.Rule'] }, enabled: true, secret: null });
      await store.createDestination({ name: 'off', kind: 'log', settings: {}, enabled: false, secret: null });
      const input = { ruleId: 'System.LogDropOff', dedup: sourceId, title: 'No Zoom logs', severity: 'HIGH' as const, context: { n: 1 }, firstEventMs: START - 60 * MIN };
      const first = await store.raiseSystemAlert(input);
      expect(first.raised).toBe(true);
      expect(first.alert).toMatchObject({
        type: 'system',
        ruleId: 'System.LogDropOff',
        dedup: sourceId,
        status: 'open',
        raisedAt: START,
        firstEventMs: START - 60 * MIN,
        context: { n: 1 },
      });
      // System alarms reach every enabled destination at or below their severity, whatever its rule filter.
      expect((await store.listDeliveries({ alertId: first.alert.id })).map((d) => [d.destinationId, d.notice])).toEqual([[log.id, 'raised']]);
      clock.advance(MIN);
      const second = await store.raiseSystemAlert({ ...input, title: 'Still no Zoom logs', context: { n: 2 } });
      expect(second.raised).toBe(false);
      expect(second.alert).toMatchObject({ id: first.alert.id, title: 'Still no Zoom logs', context: { n: 2 }, lastEventMs: START + MIN });
      expect(await store.listDeliveries({ alertId: first.alert.id })).toHaveLength(1);
      expect((await store.listOpenSystemAlerts({ sourceId })).map((a) => a.id)).toEqual([first.alert.id]);
      expect(await store.listOpenSystemAlerts({ sourceId: 'src_other' })).toEqual([]);
      expect((await store.listAlerts({ status: ['open'] })).map((a) => a.id)).toContain(first.alert.id);

      const resolved = await store.resolveSystemAlert('System.LogDropOff', sourceId, 'Events arrived again.');
      expect(resolved).toMatchObject({ status: 'resolved', statusNote: 'Events arrived again.' });
      expect((await store.listDeliveries({ alertId: first.alert.id })).map((d) => d.notice).sort()).toEqual(['raised', 'resolved']);
      expect(await store.resolveSystemAlert('System.LogDropOff', sourceId, 'again')).toBeUndefined();
      expect(await store.listOpenSystemAlerts()).toEqual([]);
      // A new silence opens a new alarm.
      expect((await store.raiseSystemAlert(input)).raised).toBe(true);
      // Dedup `source:logType` counts as the source's too.
      await store.raiseSystemAlert({ ...input, ruleId: 'System.CoverageAtRisk', dedup: `${sourceId}:Zoom.Activity` });
      expect((await store.listOpenSystemAlerts({ sourceId })).map((a) => a.ruleId).sort()).toEqual(['System.CoverageAtRisk', 'System.LogDropOff']);
    });

    it('removing the source removes its heartbeats', async () => {
      await store.recordHeartbeat(beat(START, 'empty'));
      await store.removeSource(sourceId);
      expect(await store.listHeartbeats({ sourceId })).toEqual([]);
    });
  });
}
