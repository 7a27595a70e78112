import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { SEVERITIES } from '../domain/severity.js';
import { ALERT_SORTS, ALERT_STATUSES, alertPosition, type AlertQuery, type AlertRecord, type AlertSort, type RuleMatchRow } from './alert-store.js';
import type { StoreContractOptions, StoreUnderTest } from './store-contract.test-support.js';
import { sampleEvent, sampleSource } from './store-contract.test-support.js';
import { UnknownAlertError } from './store-errors.js';
import type { Store } from './store.js';

export const START = Date.parse('2026-03-10T12:00:00Z');
const MIN = 60_000;
const T = Date.parse('2026-03-10T09:00:00Z');

/** Stores one sample sign-in event per row id, a second apart from `T`. */
export async function storeSampleEvents(store: Store, sourceId: string, rowIds: string[]): Promise<void> {
  await store.commitPage({
    sourceId,
    logType: 'Zoom.Activity',
    events: rowIds.map((id, i) => sampleEvent(id, T + i * 1000)),
    failures: [],
    days: [],
    stream: {},
  });
}

/** A match of `Zoom.Test.Rule` on `rowId`, `minutes` after `T`, dedup `same`, one hour, threshold 1. */
export function sampleMatch(sourceId: string, rowId: string, minutes: number, extra: Partial<RuleMatchRow> = {}): RuleMatchRow {
  return {
    ruleId: 'Zoom.Test.Rule',
    rowId,
    sourceId,
    logType: 'Zoom.Activity',
    eventTimeMs: T + minutes * MIN,
    title: `title of ${rowId}`,
    dedup: 'same',
    severity: 'MEDIUM',
    context: { rowId },
    dedupPeriodMs: 60 * MIN,
    threshold: 1,
    ...extra,
  };
}

/**
 * The detection and alert behaviour every Store must have (the AlertStore
 * part), as one vitest suite; destinations and deliveries are in
 * destination-store-contract.test-support.ts.
 */
export function describeAlertStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Alert store contract: ${name}`, () => {
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

    const storeEvents = (...rowIds: string[]) => storeSampleEvents(store, sourceId, rowIds);
    const match = (rowId: string, minutes: number, extra: Partial<RuleMatchRow> = {}) => sampleMatch(sourceId, rowId, minutes, extra);

    describe('detection queue', () => {
      it('queues each newly stored event once, with the event, oldest row first', async () => {
        await storeEvents('r2', 'r1');
        await storeEvents('r1', 'r3'); // r1 again: already stored, not queued again
        expect(await store.countPendingDetection()).toBe(3);
        const pending = await store.listPendingDetection(10);
        expect(pending.map((e) => e.rowId)).toEqual(['r1', 'r2', 'r3']);
        expect(pending[0]!.event.email).toBe('Alice@Example.com');
        expect((await store.listPendingDetection(2)).length).toBe(2);
      });

      it('takes rows off the queue with their results, exactly once', async () => {
        await storeEvents('r1', 'r2');
        const first = await store.commitDetection({ rowIds: ['r1', 'r2'], matches: [match('r1', 0)], errors: [] });
        expect([first.claimed, first.matched, first.raised.length]).toEqual([2, 1, 1]);
        expect(await store.countPendingDetection()).toBe(0);
        // The same rows evaluated again (a crash after the commit, another process): nothing changes.
        const again = await store.commitDetection({
          rowIds: ['r1', 'r2'],
          matches: [match('r1', 0), match('r2', 1)],
          errors: [{ ruleId: 'Zoom.Test.Rule', rowId: 'r2', sourceId, logType: 'Zoom.Activity', functionName: 'rule', message: 'boom' }],
        });
        expect([again.claimed, again.matched, again.raised.length]).toEqual([0, 0, 0]);
        const alerts = await store.listAlerts({});
        expect(alerts.map((a) => a.eventCount)).toEqual([1]);
        expect(await store.countRuleErrors({})).toBe(0);
      });
    });

    describe('alert grouping', () => {
      it('joins matches of one dedup string within the period, starts a new alert after it, keeps dedup strings apart', async () => {
        await storeEvents('a', 'b', 'c', 'd');
        const result = await store.commitDetection({
          rowIds: ['a', 'b', 'c', 'd'],
          matches: [match('a', 0), match('b', 59), match('c', 60), match('d', 1, { dedup: 'other' })],
          errors: [],
        });
        expect(result.raised.length).toBe(3);
        const alerts = await store.listAlerts({});
        const byFirst = alerts.map((a) => [a.dedup, a.eventCount, a.firstEventMs - T, a.lastEventMs - T]).sort();
        expect(byFirst).toEqual([
          ['other', 1, MIN, MIN],
          ['same', 1, 60 * MIN, 60 * MIN],
          ['same', 2, 0, 59 * MIN],
        ]);
        const grouped = alerts.find((a) => a.eventCount === 2)!;
        expect(await store.alertRowIds(grouped.id)).toEqual(['a', 'b']);
        expect(grouped.title).toBe('title of a');
        expect(grouped.context).toEqual({ rowId: 'a' });
      });

      it('raises only when the threshold is reached within the period, across commits', async () => {
        await storeEvents('a', 'b', 'c');
        const three = { threshold: 3 };
        let result = await store.commitDetection({ rowIds: ['a', 'b'], matches: [match('a', 0, three), match('b', 10, three)], errors: [] });
        expect(result.raised).toEqual([]);
        expect(await store.listAlerts({})).toEqual([]);
        clock.advance(5 * MIN);
        result = await store.commitDetection({ rowIds: ['c'], matches: [match('c', 20, three)], errors: [] });
        expect(result.raised.map((a) => [a.eventCount, a.raisedAt])).toEqual([[3, START + 5 * MIN]]);
        expect((await store.listAlerts({})).length).toBe(1);
      });

      it('a resolved alert takes no more matches: a new one opens', async () => {
        await storeEvents('a', 'b');
        const [alert] = (await store.commitDetection({ rowIds: ['a'], matches: [match('a', 0)], errors: [] })).raised;
        await store.setAlertStatus(alert!.id, 'resolved', 'checked with the admin');
        const result = await store.commitDetection({ rowIds: ['b'], matches: [match('b', 5)], errors: [] });
        expect(result.raised.length).toBe(1);
        expect(result.raised[0]!.id).not.toBe(alert!.id);
      });
    });

    describe('alert status', () => {
      it('acknowledges and resolves, and rejects an unknown id', async () => {
        await storeEvents('a');
        const [alert] = (await store.commitDetection({ rowIds: ['a'], matches: [match('a', 0)], errors: [] })).raised;
        expect(alert!.status).toBe('open');
        clock.advance(MIN);
        const acked = await store.setAlertStatus(alert!.id, 'acknowledged', 'looking');
        expect([acked.status, acked.statusChangedAt, acked.statusNote]).toEqual(['acknowledged', START + MIN, 'looking']);
        expect((await store.listAlerts({ status: ['open'] })).length).toBe(0);
        expect((await store.listAlerts({ status: ['acknowledged'] })).length).toBe(1);
        await expect(store.setAlertStatus('nope', 'resolved')).rejects.toBeInstanceOf(UnknownAlertError);
      });
    });

    describe('alert triage', () => {
      it('keeps a history of every status change, assignment and comment: who, when, the note', async () => {
        await storeEvents('a');
        const [alert] = (await store.commitDetection({ rowIds: ['a'], matches: [match('a', 0)], errors: [] })).raised;
        const id = alert!.id;
        expect(alert!.assignee).toBeNull();
        clock.advance(MIN);
        const assigned = await store.assignAlert(id, 'bob', 'yours', 'alice');
        expect(assigned.assignee).toBe('bob');
        expect((await store.assignAlert(id, 'bob', 'again', 'alice')).assignee).toBe('bob'); // no change, no entry
        clock.advance(MIN);
        await store.setAlertStatus(id, 'acknowledged', 'looking', 'bob');
        await store.setAlertStatus(id, 'acknowledged', 'still', 'bob'); // no change, no entry
        clock.advance(MIN);
        const comment = await store.commentOnAlert(id, 'a VPN, see ticket 12', 'bob');
        expect(comment).toMatchObject({ alertId: id, kind: 'comment', actor: 'bob', note: 'a VPN, see ticket 12', at: START + 3 * MIN });
        clock.advance(MIN);
        await store.setAlertStatus(id, 'resolved', undefined, 'bob');
        await store.assignAlert(id, null, undefined, 'alice');
        const history = await store.alertHistory(id);
        expect(history.map((h) => [h.kind, h.actor, h.from, h.to, h.note, h.at])).toEqual([
          ['assignee', 'alice', null, 'bob', 'yours', START + MIN],
          ['status', 'bob', 'open', 'acknowledged', 'looking', START + 2 * MIN],
          ['comment', 'bob', null, null, 'a VPN, see ticket 12', START + 3 * MIN],
          ['status', 'bob', 'acknowledged', 'resolved', null, START + 4 * MIN],
          ['assignee', 'alice', 'bob', null, null, START + 4 * MIN],
        ]);
        expect((await store.getAlert(id))!.assignee).toBeNull();
        await expect(store.assignAlert('nope', 'bob', undefined, 'alice')).rejects.toBeInstanceOf(UnknownAlertError);
        await expect(store.commentOnAlert('nope', 'x', 'alice')).rejects.toBeInstanceOf(UnknownAlertError);
        expect(await store.alertHistory('nope')).toEqual([]);
      });

      it('filters by assignee (null: unassigned) and by the source of the matched events', async () => {
        const otherSource = (await store.createSource({ ...sampleSource(), name: 'other' })).id;
        await storeEvents('a', 'b');
        await storeSampleEvents(store, otherSource, ['c']);
        const { raised } = await store.commitDetection({
          rowIds: ['a', 'b', 'c'],
          matches: [match('a', 0, { dedup: 'a' }), match('b', 1, { dedup: 'b' }), sampleMatch(otherSource, 'c', 2, { dedup: 'c' })],
          errors: [],
        });
        const byDedup = new Map(raised.map((a) => [a.dedup, a.id]));
        await store.assignAlert(byDedup.get('a')!, 'bob', undefined, 'alice');
        await store.assignAlert(byDedup.get('c')!, 'bob', undefined, 'alice');
        const dedups = async (q: AlertQuery) => (await store.listAlerts(q)).map((a) => a.dedup).sort();
        expect(await dedups({ assignee: 'bob' })).toEqual(['a', 'c']);
        expect(await dedups({ assignee: null })).toEqual(['b']);
        expect(await dedups({ sourceId })).toEqual(['a', 'b']);
        expect(await dedups({ sourceId: otherSource, assignee: 'bob' })).toEqual(['c']);
        expect(await store.countAlerts({ sourceId, assignee: 'bob' })).toBe(1);
        expect(await store.countAlerts({ sourceId: 'no-such-source' })).toBe(0);
      });
    });

    describe('alert paging', () => {
      /** Every alert of `query`, page by page (keyset: each page after the last alert of the one before). */
      async function allPages(query: AlertQuery, pageSize: number): Promise<{ pages: AlertRecord[][]; ids: string[] }> {
        const pages: AlertRecord[][] = [];
        let after: AlertRecord | undefined;
        for (;;) {
          const page = await store.listAlerts({ ...query, limit: pageSize, ...(after ? { after: alertPosition(after) } : {}) });
          if (page.length === 0) break;
          pages.push(page);
          after = page.at(-1);
          if (pages.length > 1000) throw new Error('paging does not end');
        }
        return { pages, ids: pages.flat().map((a) => a.id) };
      }

      it('more alerts than a page (a backfill raising the oldest last): the newest last event comes first, and paging reaches every alert once', async () => {
        // 637 alerts, one per dedup string, a minute of event time apart; raised newest events first
        // (as a backfill reading newest pages first does), so raise time and event time disagree.
        const total = 637;
        const rowIds = Array.from({ length: total }, (_, i) => `r${String(i).padStart(4, '0')}`);
        await storeEvents(...rowIds);
        for (let start = total - 1; start >= 0; start -= 100) {
          const batch = rowIds.slice(Math.max(0, start - 99), start + 1);
          await store.commitDetection({ rowIds: batch, matches: batch.map((id) => match(id, Number(id.slice(1)), { dedup: id })), errors: [] });
          clock.advance(MIN);
        }
        expect(await store.countAlerts({})).toBe(total);

        const first = await store.listAlerts({ limit: 500 });
        expect(first.length).toBe(500);
        expect(first[0]!.dedup).toBe('r0636'); // the newest event, although raised first
        expect(first.slice(0, 137).map((a) => a.dedup)).toEqual(rowIds.slice(-137).reverse());

        const { pages, ids } = await allPages({}, 500);
        expect(pages.map((p) => p.length)).toEqual([500, 137]);
        expect(new Set(ids).size).toBe(total);
        expect(pages.flat().map((a) => a.dedup)).toEqual([...rowIds].reverse());
      }, 60_000); // 637 detection matches: seconds on PostgreSQL under load

      it('each sort pages through ties (same last event, severity, status, raise time) in one total order, every alert once', async () => {
        const severities = ['LOW', 'CRITICAL', 'HIGH', 'CRITICAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'INFO', 'LOW', 'HIGH'] as const;
        const rowIds = severities.map((_, i) => `s${String(i).padStart(2, '0')}`);
        await storeEvents(...rowIds);
        // Three commits (three raise times); event times in threes (ties on the last event).
        for (const batch of [rowIds.slice(0, 4), rowIds.slice(4, 8), rowIds.slice(8)]) {
          await store.commitDetection({
            rowIds: batch,
            matches: batch.map((id) => match(id, Math.floor(Number(id.slice(1)) / 3), { dedup: id, severity: severities[Number(id.slice(1))]! })),
            errors: [],
          });
          clock.advance(MIN);
        }
        const all = await store.listAlerts({ limit: 1000 });
        expect(all.length).toBe(severities.length);
        for (const [i, a] of all.filter((x) => ['s01', 's05', 's09'].includes(x.dedup)).entries()) await store.setAlertStatus(a.id, i === 1 ? 'resolved' : 'acknowledged');
        for (const a of all) if (['s02', 's03', 's04'].includes(a.dedup)) await store.assignAlert(a.id, a.dedup === 's04' ? 'alice' : 'bob', undefined, 'lead');
        const records = await store.listAlerts({ limit: 1000 });

        const byId = (a: AlertRecord, b: AlertRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        const newestEvent = (a: AlertRecord, b: AlertRecord) => b.lastEventMs - a.lastEventMs;
        const rank = <T extends string>(list: readonly T[], value: T) => list.indexOf(value);
        const expected: Record<AlertSort, (a: AlertRecord, b: AlertRecord) => number> = {
          'last-event': (a, b) => newestEvent(a, b) || byId(a, b),
          severity: (a, b) => rank(SEVERITIES, b.severity) - rank(SEVERITIES, a.severity) || newestEvent(a, b) || byId(a, b),
          status: (a, b) => rank(ALERT_STATUSES, a.status) - rank(ALERT_STATUSES, b.status) || newestEvent(a, b) || byId(a, b),
          raised: (a, b) => b.raisedAt! - a.raisedAt! || byId(a, b),
          rule: (a, b) => a.ruleId.localeCompare(b.ruleId) || newestEvent(a, b) || byId(a, b),
          assignee: (a, b) => (a.assignee ?? '').localeCompare(b.assignee ?? '') || newestEvent(a, b) || byId(a, b),
        };
        for (const sort of ALERT_SORTS) {
          const want = [...records].sort(expected[sort]).map((a) => a.dedup);
          expect(
            (await store.listAlerts({ sort, limit: 1000 })).map((a) => a.dedup),
            sort,
          ).toEqual(want);
          for (const pageSize of [1, 2, 4]) {
            const { pages } = await allPages({ sort }, pageSize);
            expect(
              pages.flat().map((a) => a.dedup),
              `${sort}, pages of ${pageSize}`,
            ).toEqual(want);
          }
        }
        // The ties are there: the test would not catch a missing tie-break without them.
        expect(new Set(records.map((a) => a.lastEventMs)).size).toBeLessThan(records.length);
        expect(new Set(records.map((a) => a.raisedAt)).size).toBe(3);
      });

      it('paging and the count respect the filters; groups below their threshold are not alerts', async () => {
        await storeEvents('a', 'b', 'c', 'd', 'e');
        await store.commitDetection({
          rowIds: ['a', 'b', 'c', 'd', 'e'],
          matches: [
            match('a', 0, { dedup: 'a', severity: 'HIGH' }),
            match('b', 1, { dedup: 'b', severity: 'HIGH' }),
            match('c', 2, { dedup: 'c', severity: 'LOW' }),
            match('d', 3, { dedup: 'd', severity: 'HIGH', ruleId: 'Zoom.Other.Rule' }),
            match('e', 4, { dedup: 'e', severity: 'HIGH', threshold: 2 }),
          ],
          errors: [],
        });
        expect(await store.countAlerts({})).toBe(4);
        expect(await store.countAlerts({ severity: ['HIGH'] })).toBe(3);
        expect(await store.countAlerts({ severity: ['HIGH'], ruleId: 'Zoom.Test.Rule' })).toBe(2);
        expect(await store.countAlerts({ status: ['resolved'] })).toBe(0);
        const { ids } = await allPages({ severity: ['HIGH'], ruleId: 'Zoom.Test.Rule' }, 1);
        expect(ids.length).toBe(2);
        expect((await allPages({ severity: ['HIGH'], ruleId: 'Zoom.Test.Rule' }, 1)).pages.flat().map((a) => a.dedup)).toEqual(['b', 'a']);
      });
    });

    describe('rule errors and settings', () => {
      it('records a rule error once per rule, row and function', async () => {
        await storeEvents('a', 'b');
        const error = { ruleId: 'Zoom.Test.Rule', rowId: 'a', sourceId, logType: 'Zoom.Activity' as const, functionName: 'title', message: 'TypeError: x is undefined' };
        await store.commitDetection({ rowIds: ['a', 'b'], matches: [], errors: [error, error, { ...error, rowId: 'b', functionName: 'rule' }] });
        expect(await store.countRuleErrors({})).toBe(2);
        const listed = await store.listRuleErrors({ ruleId: 'Zoom.Test.Rule' });
        expect(listed.map((e) => [e.rowId, e.functionName, e.message, e.at])).toEqual([
          ['a', 'title', 'TypeError: x is undefined', START],
          ['b', 'rule', 'TypeError: x is undefined', START],
        ]);
      });

      it('keeps rule suppressions with reason, author and end, counts what they held back, and removes them', async () => {
        expect(await store.listSuppressions()).toEqual([]);
        const match = [{ Key: 'operator', Condition: 'Equals', Value: 'backup-admin@example.com' }];
        const a = await store.createSuppression({ ruleId: 'Zoom.A', match, reason: 'the backup admin rotates settings nightly', untilMs: START + 86_400_000, createdBy: 'admin' });
        clock.advance(1000);
        const b = await store.createSuppression({ ruleId: 'Zoom.B', match: [{ Condition: 'AlwaysTrue' }], reason: 'noisy during migration', untilMs: null, createdBy: 'ops' });
        expect(a).toMatchObject({
          ruleId: 'Zoom.A',
          match,
          reason: 'the backup admin rotates settings nightly',
          untilMs: START + 86_400_000,
          createdBy: 'admin',
          createdAt: START,
          suppressedCount: 0,
          lastSuppressedMs: null,
        });
        expect(await store.listSuppressions()).toEqual([a, b]);
        expect(await store.listSuppressions({ ruleId: 'Zoom.B' })).toEqual([b]);

        await store.recordSuppressed(new Map([[a.id, { count: 3, lastEventMs: T + 5000 }]]));
        await store.recordSuppressed(
          new Map([
            [a.id, { count: 2, lastEventMs: T + 1000 }],
            [b.id, { count: 1, lastEventMs: T }],
            ['no-such-suppression', { count: 9, lastEventMs: T }],
          ]),
        );
        const [a2, b2] = await store.listSuppressions();
        expect([a2!.suppressedCount, a2!.lastSuppressedMs]).toEqual([5, T + 5000]);
        expect([b2!.suppressedCount, b2!.lastSuppressedMs]).toEqual([1, T]);

        expect(await store.deleteSuppression(a.id)).toBe(true);
        expect(await store.deleteSuppression(a.id)).toBe(false);
        expect((await store.listSuppressions()).map((s) => s.id)).toEqual([b.id]);
      });

      it('keeps saved searches per user and shared, changes and removes them', async () => {
        expect(await store.listSavedSearches('u1')).toEqual([]);
        const mine = await store.createSavedSearch({ ownerId: 'u1', ownerName: 'ann', name: 'Two-factor off', query: 'change:"two-factor*"', shared: false });
        const theirs = await store.createSavedSearch({ ownerId: 'u2', ownerName: 'bob', name: 'Admins', query: 'category:role', shared: false });
        const shared = await store.createSavedSearch({ ownerId: 'u2', ownerName: 'bob', name: 'Deletes', query: 'action:delete', shared: true });
        expect(mine).toMatchObject({ ownerId: 'u1', ownerName: 'ann', shared: false, createdAt: START, updatedAt: START });
        expect(await store.listSavedSearches('u1')).toEqual([shared, mine]);
        expect(await store.listSavedSearches('u2')).toEqual([theirs, shared]);
        expect(await store.getSavedSearch(theirs.id)).toEqual(theirs);
        clock.advance(5000);
        const changed = await store.updateSavedSearch(mine.id, { shared: true, query: 'action:update' });
        expect(changed).toEqual({ ...mine, shared: true, query: 'action:update', updatedAt: START + 5000 });
        expect((await store.listSavedSearches('u3')).map((s) => s.id)).toEqual([shared.id, mine.id]);
        expect(await store.updateSavedSearch('nope', { name: 'x' })).toBeUndefined();
        expect(await store.deleteSavedSearch(mine.id)).toBe(true);
        expect(await store.deleteSavedSearch(mine.id)).toBe(false);
        expect(await store.getSavedSearch(mine.id)).toBeUndefined();
      });

      it('keeps the rules the user enabled or disabled', async () => {
        expect(await store.ruleEnabledOverrides()).toEqual(new Map());
        await store.setRuleEnabled('Zoom.A', false);
        await store.setRuleEnabled('Zoom.B', true);
        await store.setRuleEnabled('Zoom.A', true);
        expect(await store.ruleEnabledOverrides()).toEqual(
          new Map([
            ['Zoom.A', true],
            ['Zoom.B', true],
          ]),
        );
      });

      it('keeps per-rule tuning with who changed it and when; null clears one override, reset clears all', async () => {
        expect(await store.listRuleTunings()).toEqual(new Map());
        const first = await store.tuneRule('Zoom.A', { severity: 'LOW', threshold: 5, destinations: ['pager', 'chat'] }, 'alice');
        expect(first).toEqual({
          ruleId: 'Zoom.A',
          enabled: null,
          severity: 'LOW',
          dedupPeriodMinutes: null,
          threshold: 5,
          destinations: ['pager', 'chat'],
          updatedBy: 'alice',
          updatedAt: START,
        });
        clock.advance(1000);
        const second = await store.tuneRule('Zoom.A', { enabled: false, threshold: null, dedupPeriodMinutes: 15 }, 'bob');
        expect(second).toEqual({ ...first, enabled: false, threshold: null, dedupPeriodMinutes: 15, updatedBy: 'bob', updatedAt: START + 1000 });
        expect(await store.getRuleTuning('Zoom.A')).toEqual(second);
        // The enabled override is the tuning's.
        expect(await store.ruleEnabledOverrides()).toEqual(new Map([['Zoom.A', false]]));
        await store.setRuleEnabled('Zoom.B', true, 'carol');
        expect((await store.getRuleTuning('Zoom.B'))?.updatedBy).toBe('carol');
        expect([...(await store.listRuleTunings()).keys()]).toEqual(['Zoom.A', 'Zoom.B']);
        // Clearing every override leaves no tuning.
        expect(await store.tuneRule('Zoom.B', { enabled: null }, 'carol')).toBeUndefined();
        expect(await store.resetRuleTuning('Zoom.A')).toBe(true);
        expect(await store.resetRuleTuning('Zoom.A')).toBe(false);
        expect(await store.listRuleTunings()).toEqual(new Map());
      });

      it("keeps each instance's rule set digest; lists those seen since a time", async () => {
        await store.reportRuleSet({ owner: 'host-a:1', digest: 'aaa', userRules: 2, loadErrors: 0 });
        clock.advance(60_000);
        await store.reportRuleSet({ owner: 'host-b:2', digest: 'bbb', userRules: 1, loadErrors: 1 });
        await store.reportRuleSet({ owner: 'host-a:1', digest: 'ccc', userRules: 3, loadErrors: 0 });
        expect(await store.listRuleSets(START)).toEqual([
          { owner: 'host-a:1', digest: 'ccc', userRules: 3, loadErrors: 0, seenAt: START + 60_000 },
          { owner: 'host-b:2', digest: 'bbb', userRules: 1, loadErrors: 1, seenAt: START + 60_000 },
        ]);
        expect(await store.listRuleSets(START + 60_001)).toEqual([]);
      });
    });

    it('removing a source drops its queued detections and rule errors and keeps its alerts', async () => {
      await storeEvents('a', 'b', 'c');
      await store.commitDetection({
        rowIds: ['a', 'b'],
        matches: [match('a', 0)],
        errors: [{ ruleId: 'Zoom.Test.Rule', rowId: 'b', sourceId, logType: 'Zoom.Activity', functionName: 'rule', message: 'boom' }],
      });
      expect(await store.removeSource(sourceId)).toBe(true);
      expect(await store.countPendingDetection()).toBe(0);
      expect(await store.countRuleErrors({})).toBe(0);
      const [alert] = await store.listAlerts({});
      expect(alert?.eventCount).toBe(1);
      expect(await store.alertRowIds(alert!.id)).toEqual([]);
    });
  });
}
