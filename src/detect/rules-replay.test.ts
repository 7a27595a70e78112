import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertGrouper } from '../domain/alert-grouping.js';
import { Detector, evaluateBatch } from './detector.js';
import type { Rule } from './rule.js';
import { ManualClock } from '../shared/clock.js';
import type { RuleMatchRow } from '../store/alert-store.js';
import { sampleEvent, sampleSource } from '../store/store-contract.test-support.js';
import { forEachStoreTarget } from '../store/store-test-targets.test-support.js';
import type { Store, StoredEvent } from '../store/store.js';
import { replayRules } from './rules-replay.js';

const MIN = 60_000;
const T = Date.parse('2026-03-10T09:00:00Z');

/** Matches every sign-in; one dedup string, so the title (from the email) tells which match started a group. */
const signInRule: Rule = {
  meta: {
    id: 'Test.Replay.Sign.In',
    displayName: 'Any sign-in',
    logTypes: ['Zoom.Activity'],
    severity: 'MEDIUM',
    description: '',
    runbook: '',
    reference: '',
    tags: [],
    mitre: [],
    dedupPeriodMinutes: 60,
    threshold: 1,
    summaryAttributes: [],
    enabled: true,
  },
  rule: () => true,
  title: (event) => `sign-in by ${event.text('email')}`,
  dedup: () => 'same',
  tests: [],
};

/** A grouping, comparable between a store, a replay and AlertGrouper (ids and processing times left out). */
interface Grouping {
  title: string;
  firstMin: number;
  lastMin: number;
  count: number;
  rowIds: string[];
}

async function storeGroupings(store: Store): Promise<Grouping[]> {
  const out: Grouping[] = [];
  for (const a of await store.listAlerts({ limit: 1000 })) {
    out.push({ title: a.title, firstMin: (a.firstEventMs - T) / MIN, lastMin: (a.lastEventMs - T) / MIN, count: a.eventCount, rowIds: (await store.alertRowIds(a.id)).sort() });
  }
  return out.sort((a, b) => a.firstMin - b.firstMin);
}

// One order of grouping (alert-grouping.ts) for the SQLite writer, the PostgreSQL writer and `rules replay`:
// the same events grouped by live detection in a store and by a replay over that store must agree.
forEachStoreTarget((target) => {
  describe(`grouping parity, store vs rules replay: ${target.name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;
    let sourceId: string;
    let detector: Detector;

    beforeEach(async () => {
      clock = new ManualClock(T + 24 * 60 * MIN);
      ({ store, cleanup } = await target.open({ clock, batchSize: 100 }));
      sourceId = (await store.createSource(sampleSource())).id;
      detector = new Detector({ store, rules: [signInRule], clock, logger: pino({ level: 'silent' }) });
    });
    afterEach(async () => cleanup());

    async function storeSignIns(signIns: Array<[rowId: string, minutes: number, email: string]>): Promise<StoredEvent[]> {
      await store.commitPage({
        sourceId,
        logType: 'Zoom.Activity',
        events: signIns.map(([rowId, m, email]) => sampleEvent(rowId, T + m * MIN, email)),
        failures: [],
        days: [],
        stream: {},
      });
      const byId = new Map<string, StoredEvent>();
      for await (const e of store.queryEvents({ sourceId })) byId.set(e.rowId, e);
      return signIns.map(([rowId]) => byId.get(rowId)!);
    }

    it('matches at one instant are grouped in row-id order whatever order detection got them in, as the replay groups them', async () => {
      const events = await storeSignIns([
        ['r-b', 0, 'bob@example.com'],
        ['r-a', 0, 'alice@example.com'],
        ['r-c', 0, 'carol@example.com'],
        ['r-d', 59, 'dave@example.com'],
        ['r-f', 60, 'frank@example.com'],
        ['r-e', 60, 'erin@example.com'],
      ]);
      // Newest row first, as a page of Zoom's (newest first) hands them to detection.
      await detector.detect([...events].sort((a, b) => (a.rowId < b.rowId ? 1 : -1)));

      const replayed = await replayRules([signInRule], store.queryEvents({ sourceId }));
      const replayGroupings = replayed.raised.map((g) => ({
        title: g.title,
        firstMin: (g.firstEventMs - T) / MIN,
        lastMin: (g.lastEventMs - T) / MIN,
        count: g.eventCount,
        rowIds: [...g.rowIds].sort(),
      }));
      const expected: Grouping[] = [
        { title: 'sign-in by alice@example.com', firstMin: 0, lastMin: 59, count: 4, rowIds: ['r-a', 'r-b', 'r-c', 'r-d'] },
        { title: 'sign-in by erin@example.com', firstMin: 60, lastMin: 60, count: 2, rowIds: ['r-e', 'r-f'] },
      ];
      expect(await storeGroupings(store)).toEqual(replayGroupings);
      expect(replayGroupings).toEqual(expected);
    });

    it('a match two groups accept joins the one the stores and AlertGrouper both prefer (latest first event), commit by commit', async () => {
      const events = await storeSignIns([
        ['r-1', 0, 'one@example.com'],
        ['r-2', 61, 'two@example.com'],
        ['r-3', 30, 'three@example.com'], // within a period of both groups
      ]);
      const grouper = new AlertGrouper<RuleMatchRow>();
      const byLogType = new Map([['Zoom.Activity' as const, [signInRule]]]);
      for (const event of events) {
        await detector.detect([event]);
        grouper.addBatch(evaluateBatch(byLogType, [event]).matches, () => clock.now());
      }
      const inMemory = [...grouper.groups()]
        .map((g) => ({
          title: g.matches[0]!.title,
          firstMin: (g.state.firstEventMs - T) / MIN,
          lastMin: (g.state.lastEventMs - T) / MIN,
          count: g.state.eventCount,
          rowIds: g.matches.map((m) => m.rowId).sort(),
        }))
        .sort((a, b) => a.firstMin - b.firstMin);
      expect(await storeGroupings(store)).toEqual(inMemory);
      expect(inMemory).toEqual([
        { title: 'sign-in by one@example.com', firstMin: 0, lastMin: 0, count: 1, rowIds: ['r-1'] },
        { title: 'sign-in by two@example.com', firstMin: 30, lastMin: 61, count: 2, rowIds: ['r-2', 'r-3'] },
      ]);
    });
  });
});

describe('replayRules', () => {
  it('keeps the events of one instant in one chunk, so they are grouped in grouping order even if they came out of it', async () => {
    const at = (rowId: string, email: string) => ({ rowId, sourceId: 's', logType: 'Zoom.Activity' as const, eventTimeMs: T, event: sampleEvent(rowId, T, email).event });
    // A database whose collation sorts row ids otherwise than code units (a PostgreSQL locale) could return these so.
    async function* events() {
      yield at('r-b', 'bob@example.com');
      yield at('r-a', 'alice@example.com');
      yield at('r-c', 'carol@example.com');
    }
    const result = await replayRules([signInRule], events(), 1);
    expect(result.raised.map((g) => [g.title, g.rowIds])).toEqual([['sign-in by alice@example.com', ['r-a', 'r-b', 'r-c']]]);
  });
});
