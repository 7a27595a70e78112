import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyWindows, DEFAULT_HISTORY_SETTINGS, type HistoryWindows } from '../domain/history-settings.js';
import type { SignInContext } from '../domain/sign-in-context.js';
import { signInFactOf, type SignInFact } from '../domain/sign-in-facts.js';
import { ManualClock } from '../shared/clock.js';
import type { EventRow, Store } from './store.js';
import {
  ACTIVITY,
  BATCH_SIZE,
  OPERATION,
  page,
  sampleEvent,
  sampleOperationEvent,
  sampleSource,
  START,
  type StoreContractOptions,
  type StoreUnderTest,
} from './store-contract.test-support.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOWS = historyWindows(DEFAULT_HISTORY_SETTINGS);

/** A sign-in with an enrichment location (as the enrichment stage writes it). */
export function locatedSignIn(
  rowId: string,
  timeMs: number,
  email: string,
  ip: string,
  location: { kind: string; country?: string; asn?: number; lat?: number; lng?: number; accuracy_km?: number } | null,
  type = 'Sign in',
): EventRow {
  const row = sampleEvent(rowId, timeMs, email, ip);
  return { ...row, event: { ...row.event, type, ...(location ? { p_enrichment: { ip_location: { ip_address: location } } } : {}) } };
}

const BERLIN = { kind: 'public', country: 'de', asn: 3320, lat: 52.52, lng: 13.405, accuracy_km: 20 };
const NEW_YORK = { kind: 'public', country: 'US', asn: 7922, lat: 40.71, lng: -74.0, accuracy_km: 50 };

/** Windows of a few minutes, so that a small history lands on every bound and tie. */
const MINUTE = 60_000;
const SMALL_WINDOWS: HistoryWindows = {
  countryLookbackMs: 10 * MINUTE,
  asnLookbackMs: 8 * MINUTE,
  dormantLookbackMs: 15 * MINUTE,
  travelLookbackMs: 5 * MINUTE,
  burstWindowMs: 3 * MINUTE,
  sharedIpWindowMs: 4 * MINUTE,
};

/**
 * SignInContext by its definition, from the facts of one source (a plain scan,
 * no index): strictly before t for the previous sign-ins and the seen
 * questions, [t - window, t] for the counts; the newest is the latest time,
 * then the highest row id.
 */
export function expectedSignInContext(fact: SignInFact, facts: readonly SignInFact[], w: HistoryWindows): SignInContext {
  const t = fact.timeMs;
  const mine = facts.filter((f) => f.user === fact.user);
  const newest = (list: SignInFact[]) =>
    list.reduce<SignInFact | null>((a, f) => (a === null || f.timeMs > a.timeMs || (f.timeMs === a.timeMs && f.rowId > a.rowId) ? f : a), null);
  const before = (from: number) => mine.filter((f) => f.timeMs >= t - from && f.timeMs < t);
  const upTo = (list: readonly SignInFact[], window: number) => list.filter((f) => f.timeMs >= t - window && f.timeMs <= t);
  const distinct = (values: (string | null)[]) => new Set(values.filter((v) => v !== null)).size;
  const previous = newest(before(w.dormantLookbackMs));
  return {
    previous,
    previousLocated: previous !== null && previous.timeMs >= t - w.travelLookbackMs ? newest(before(w.travelLookbackMs).filter((f) => f.lat !== null)) : null,
    countrySeen: fact.country === null ? null : before(w.countryLookbackMs).some((f) => f.country === fact.country),
    asnSeen: fact.asn === null ? null : before(w.asnLookbackMs).some((f) => f.asn === fact.asn),
    recentCountries: distinct(upTo(mine, w.burstWindowMs).map((f) => f.country)),
    recentIps: distinct(upTo(mine, w.burstWindowMs).map((f) => f.ip)),
    ipUsers:
      fact.ip === null
        ? 0
        : distinct(
            upTo(facts, w.sharedIpWindowMs)
              .filter((f) => f.ip === fact.ip)
              .map((f) => f.user),
          ),
  };
}

/**
 * A made-up history: `count` sign-ins of `users` at whole minutes of a span of
 * `minutes`, from 5 addresses (and none) and 6 places (none, private, a country
 * without a point, located ones with and without an ASN), each user mostly from
 * a home address and place. Fixed pseudo-random (the same on every run); row
 * ids of one width, so their order is the same in every collation.
 */
function madeUpHistory(prefix: string, count: number, users: readonly string[], minutes: number, seed: number): EventRow[] {
  const ips = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '10.0.0.1', '203.0.113.9', null];
  const places = [
    null,
    { kind: 'private' },
    { kind: 'public', country: 'FR', asn: 12322 },
    BERLIN,
    NEW_YORK,
    { kind: 'public', country: 'de', lat: 48.14, lng: 11.58, accuracy_km: 10 },
  ];
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % n;
  };
  const home = users.map((_, u) => ({ ip: ips[u % ips.length]!, place: places[(u * 7) % places.length]! }));
  return Array.from({ length: count }, (_, i) => {
    const rowId = `${prefix}${String(i).padStart(3, '0')}`;
    const user = next(users.length);
    const away = next(10) < 4;
    const ip = away ? ips[next(ips.length)]! : home[user]!.ip;
    const place = away ? places[next(places.length)]! : home[user]!.place;
    const row = locatedSignIn(rowId, START + next(minutes) * MINUTE, users[user]!, ip ?? '', place);
    if (ip !== null) return row;
    const { ip_address: _dropped, ...event } = row.event;
    return { ...row, ipAddresses: [], event: { ...event, p_any_ip_addresses: [] } };
  });
}

/**
 * The SignInHistoryStore part of the store contract (migration 009): the
 * triggers that keep `sign_ins` and `history_pending`, the history questions
 * as of an event's time, and taking rows off the history queue exactly once.
 */
export function describeSignInHistoryStoreContract(name: string, openStore: (options: StoreContractOptions) => Promise<StoreUnderTest>): void {
  describe(`Sign-in history store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      clock = new ManualClock(START);
      ({ store, cleanup } = await openStore({ clock, batchSize: BATCH_SIZE }));
    });
    afterEach(async () => cleanup());

    it('queues stored sign-ins and account / user-group operations, not sign-outs or other operations, once per row', async () => {
      const { id } = await store.createSource(sampleSource());
      const t = START - 3 * DAY;
      const events = [locatedSignIn('a1', t, 'A@x.io', '198.51.100.1', BERLIN), locatedSignIn('a2', t + 1000, 'a@x.io', '198.51.100.1', BERLIN, 'Sign out')];
      await store.commitPage(page(id, events));
      await store.commitPage(page(id, events));
      await store.commitPage({
        ...page(id, [
          sampleOperationEvent('o1', t, { category_type: 'Account', action: 'Update', operation_detail: 'Security  - x: from On to Off' }),
          sampleOperationEvent('o2', t, { category_type: 'User', action: 'Delete', operation_detail: 'Delete User - b@x.io' }),
          sampleOperationEvent('o3', t + 5, { category_type: 'User Group', action: 'Update', operation_detail: 'Group - y: from On to Off' }),
        ]),
        logType: OPERATION,
      });
      expect(await store.countHistoryPending()).toBe(3);
      expect(await store.listHistoryPendingDays()).toEqual([
        { sourceId: id, logType: ACTIVITY, day: '2026-03-07', events: 1 },
        { sourceId: id, logType: OPERATION, day: '2026-03-07', events: 2 },
      ]);
      const waiting = await store.listHistoryPending(id, OPERATION, '2026-03-07', 10);
      expect(waiting.map((e) => e.rowId)).toEqual(['o1', 'o3']);
      expect((await store.listHistoryPending(id, OPERATION, '2026-03-07', 10, { eventTimeMs: t, rowId: 'o1' })).map((e) => e.rowId)).toEqual(['o3']);

      const history = await store.signInHistory(id, ['a1', 'a2', 'o1'], WINDOWS);
      expect([...history.keys()]).toEqual(['a1']);
      expect(history.get('a1')!.fact).toEqual(signInFactOf('a1', t, events[0]!.event));
      expect(history.get('a1')!.fact).toEqual({ rowId: 'a1', user: 'a@x.io', timeMs: t, ip: '198.51.100.1', country: 'DE', asn: 3320, lat: 52.52, lng: 13.405, accuracyKm: 20 });
    });

    it('keeps no location for private, unknown or unlocated addresses', async () => {
      const { id } = await store.createSource(sampleSource());
      await store.commitPage(
        page(id, [
          locatedSignIn('p1', START, 'a@x.io', '10.0.0.1', { kind: 'private', country: 'DE', lat: 1, lng: 2 }),
          locatedSignIn('p2', START + 1, 'a@x.io', '198.51.100.2', null),
          locatedSignIn('p3', START + 2, 'a@x.io', '198.51.100.3', { kind: 'public', country: 'FR' }),
        ]),
      );
      const history = await store.signInHistory(id, ['p1', 'p2', 'p3'], WINDOWS);
      expect(history.get('p1')!.fact).toMatchObject({ ip: '10.0.0.1', country: null, asn: null, lat: null, accuracyKm: null });
      expect(history.get('p2')!.fact).toMatchObject({ ip: '198.51.100.2', country: null, lat: null });
      expect(history.get('p3')!.fact).toMatchObject({ country: 'FR', lat: null, lng: null, accuracyKm: null });
      for (const [rowId, row] of [
        ['p1', 0],
        ['p2', 1],
        ['p3', 2],
      ] as const) {
        const events = [
          locatedSignIn('p1', START, 'a@x.io', '10.0.0.1', { kind: 'private', country: 'DE', lat: 1, lng: 2 }),
          locatedSignIn('p2', START + 1, 'a@x.io', '198.51.100.2', null),
          locatedSignIn('p3', START + 2, 'a@x.io', '198.51.100.3', { kind: 'public', country: 'FR' }),
        ];
        expect(history.get(rowId)!.fact).toEqual(signInFactOf(rowId, events[row]!.eventTimeMs, events[row]!.event));
      }
    });

    it('answers as of the event time, with exact look-back bounds, whatever order the history was stored in', async () => {
      const { id } = await store.createSource(sampleSource());
      const t = START;
      const events = [
        locatedSignIn('h1', t - WINDOWS.countryLookbackMs - 1, 'a@x.io', '198.51.100.9', { ...NEW_YORK, asn: 1 }), // just outside the look-back
        locatedSignIn('h2', t - WINDOWS.countryLookbackMs, 'a@x.io', '198.51.100.8', { ...BERLIN, asn: 2 }), // on its first ms
        locatedSignIn('h3', t - 2 * HOUR, 'a@x.io', '198.51.100.1', BERLIN),
        locatedSignIn('h4', t - HOUR, 'a@x.io', '10.1.1.1', { kind: 'private' }), // newest, not located
        locatedSignIn('e', t, 'A@X.io', '198.51.100.7', NEW_YORK),
        locatedSignIn('later', t + 1, 'a@x.io', '198.51.100.6', { ...NEW_YORK, country: 'JP' }), // after: never counts
        locatedSignIn('b1', t - 10 * 60_000, 'b@x.io', '198.51.100.7', NEW_YORK),
        locatedSignIn('b2', t - HOUR, 'c@x.io', '198.51.100.7', NEW_YORK), // first ms of the shared-IP window
        locatedSignIn('b3', t - HOUR - 1, 'd@x.io', '198.51.100.7', NEW_YORK), // outside it
      ];
      await store.commitPage(page(id, [...events].reverse()));
      const answer = (await store.signInHistory(id, ['e'], WINDOWS)).get('e')!;
      expect(answer.context).toEqual({
        previous: expect.objectContaining({ rowId: 'h4' }),
        previousLocated: expect.objectContaining({ rowId: 'h3', country: 'DE' }),
        countrySeen: false,
        asnSeen: false,
        recentCountries: 1, // only 'e' itself has a country in the last hour (h4 is private)
        recentIps: 2,
        ipUsers: 3,
      });
      const berlin = (await store.signInHistory(id, ['h3'], WINDOWS)).get('h3')!;
      expect(berlin.context).toMatchObject({ previous: expect.objectContaining({ rowId: 'h2' }), previousLocated: null, countrySeen: true, asnSeen: false });

      // The same answers with the events stored one by one, oldest first, in another store's source.
      const other = await store.createSource(sampleSource({ name: 'other' }));
      for (const event of events) await store.commitPage(page(other.id, [{ ...event, rowId: `x-${event.rowId}`, event: { ...event.event, p_row_id: `x-${event.rowId}` } }]));
      const again = (await store.signInHistory(other.id, ['x-e'], WINDOWS)).get('x-e')!;
      expect(again.context.previous?.rowId).toBe('x-h4');
      expect({ ...again.context, previous: null, previousLocated: null }).toEqual({ ...answer.context, previous: null, previousLocated: null });
      // Sources never mix.
      expect((await store.signInHistory(id, ['x-e'], WINDOWS)).size).toBe(0);
    });

    it('answers every sign-in of a batch as its definition says: ties, bounds, no IP or place, other sources, several sign-ins per user', async () => {
      const { id } = await store.createSource(sampleSource());
      const other = await store.createSource(sampleSource({ name: 'other' }));
      const users = ['a@x.io', 'B@x.io', 'c@x.io', 'd@x.io'];
      const sparseUsers = ['e@x.io', 'f@x.io', 'g@x.io', 'h@x.io', 'i@x.io', 'j@x.io', 'k@x.io', 'l@x.io'];
      // Dense (ties on one millisecond) and sparse (gaps as long as the windows) histories.
      const events = [...madeUpHistory('r', 160, users, 40, 7), ...madeUpHistory('s', 120, sparseUsers, 240, 11)];
      await store.commitPage(page(id, events));
      // The same users, others, addresses and minutes in another source: never counted.
      await store.commitPage(page(other.id, [...madeUpHistory('x', 120, [...users, ...sparseUsers], 240, 13), ...madeUpHistory('y', 80, ['m@x.io', 'n@x.io', 'o@x.io'], 240, 17)]));
      const facts = events.map((e) => signInFactOf(e.rowId, e.eventTimeMs, e.event)!);
      const expected = new Map(facts.map((f) => [f.rowId, { fact: f, context: expectedSignInContext(f, facts, SMALL_WINDOWS) }]));
      // The history covers every edge the rules read.
      const records = [...expected.values()];
      const count = (test: (fact: SignInFact, context: SignInContext) => boolean) => records.filter((r) => test(r.fact, r.context)).length;
      const w = SMALL_WINDOWS;
      expect(count((f) => f.ip === null)).toBeGreaterThan(5);
      expect(count((f) => f.country === null)).toBeGreaterThan(5);
      expect(count((f) => f.country !== null && f.lat === null)).toBeGreaterThan(5);
      expect(count((f) => facts.some((g) => g !== f && g.user === f.user && g.timeMs === f.timeMs))).toBeGreaterThan(20); // ties on one millisecond
      expect(count((f, c) => c.previous?.timeMs === f.timeMs - w.dormantLookbackMs)).toBeGreaterThan(0); // the first ms of a look-back
      expect(count((f, c) => c.previous?.country === f.country && c.previous.timeMs < f.timeMs - w.countryLookbackMs)).toBeGreaterThan(0);
      expect(count((f, c) => c.previous?.asn === f.asn && c.previous.timeMs < f.timeMs - w.asnLookbackMs)).toBeGreaterThan(0);
      expect(count((f, c) => f.country !== null && c.previous?.country === f.country && c.countrySeen === true)).toBeGreaterThan(5);
      expect(count((_, c) => c.previous !== null && c.previousLocated !== null && c.previous.rowId !== c.previousLocated.rowId)).toBeGreaterThan(3);
      expect(count((_, c) => c.previous !== null && c.previousLocated === null)).toBeGreaterThan(3);
      expect(count((_, c) => c.ipUsers > 1)).toBeGreaterThan(5);

      // The whole batch at once (with duplicates, another source's row and an unknown row), and each row alone.
      const asked = [...facts.map((f) => f.rowId).reverse(), 'r005', 'x001', 'nope'];
      const batch = await store.signInHistory(id, asked, SMALL_WINDOWS);
      expect([...batch.keys()]).toEqual(facts.map((f) => f.rowId).reverse());
      for (const [rowId, record] of expected) expect({ rowId, ...batch.get(rowId)! }).toEqual({ rowId, ...record });
      for (const rowId of ['r000', 'r001', 'r002', 'r077', 'r159', 's000', 's001', 's119'])
        expect((await store.signInHistory(id, [rowId], SMALL_WINDOWS)).get(rowId)).toEqual(expected.get(rowId));
      expect((await store.signInHistory(id, [], SMALL_WINDOWS)).size).toBe(0);
    });

    it("finds the previous sign-in by time, then the highest row id on the same millisecond, never one at the sign-in's own time", async () => {
      const { id } = await store.createSource(sampleSource());
      const t = START;
      await store.commitPage(
        page(id, [
          locatedSignIn('t1', t - MINUTE, 'a@x.io', '198.51.100.1', { ...NEW_YORK, country: 'FR', asn: 1 }),
          locatedSignIn('t3', t - MINUTE, 'a@x.io', '198.51.100.2', { kind: 'private' }), // newest: highest row id of the newest millisecond
          locatedSignIn('t2', t - MINUTE, 'a@x.io', '198.51.100.3', BERLIN), // newest located
          locatedSignIn('t4', t - WINDOWS.countryLookbackMs - 1, 'a@x.io', '198.51.100.4', NEW_YORK), // same country, out of the look-back
          locatedSignIn('t5', t, 'a@x.io', '198.51.100.5', NEW_YORK),
          locatedSignIn('t6', t, 'a@x.io', '198.51.100.6', NEW_YORK), // the same millisecond as t5: not before it
        ]),
      );
      const history = await store.signInHistory(id, ['t5', 't6'], WINDOWS);
      for (const rowId of ['t5', 't6']) {
        expect(history.get(rowId)!.context).toEqual({
          previous: expect.objectContaining({ rowId: 't3' }),
          previousLocated: expect.objectContaining({ rowId: 't2' }),
          countrySeen: false,
          asnSeen: false,
          recentCountries: 3, // FR, DE, US (t1, t2, t5 and t6)
          recentIps: 5,
          ipUsers: 1,
        });
      }
    });

    it('takes rows off the history queue exactly once, apart from the detection queue', async () => {
      const { id } = await store.createSource(sampleSource());
      await store.commitPage(page(id, [locatedSignIn('q1', START, 'a@x.io', '198.51.100.1', BERLIN)]));
      const match = {
        ruleId: 'Zoom.Test',
        rowId: 'q1',
        sourceId: id,
        logType: ACTIVITY,
        eventTimeMs: START,
        title: 't',
        dedup: 'd',
        severity: 'LOW' as const,
        context: {},
        dedupPeriodMs: HOUR,
        threshold: 1,
      };
      const first = await store.commitDetection({ ledger: 'history', rowIds: ['q1'], matches: [match], errors: [] });
      expect(first).toMatchObject({ claimed: 1, matched: 1 });
      const second = await store.commitDetection({ ledger: 'history', rowIds: ['q1'], matches: [match], errors: [] });
      expect(second).toMatchObject({ claimed: 0, matched: 0, raised: [] });
      expect(await store.countHistoryPending()).toBe(0);
      expect(await store.countPendingDetection()).toBe(1); // the per-event queue is its own
      expect(await store.countAlerts({ ruleId: 'Zoom.Test' })).toBe(1);
    });

    it('forgets the sign-ins and queue rows of removed events', async () => {
      const { id } = await store.createSource(sampleSource());
      await store.commitPage(page(id, [locatedSignIn('r1', START, 'a@x.io', '198.51.100.1', BERLIN)]));
      expect(await store.removeSource(id)).toBe(true);
      expect(await store.countHistoryPending()).toBe(0);
      expect((await store.signInHistory(id, ['r1'], WINDOWS)).size).toBe(0);
    });
  });
}
