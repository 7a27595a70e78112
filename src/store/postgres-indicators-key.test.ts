import { Kysely, Migrator } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { CurrentSchemaPostgresDialect } from './current-schema-postgres-dialect.js';
import { INDICATOR_KIND_CODES } from './indicator-kind-codes.js';
import { staticMigrationProvider } from './migrations/migration-list.js';
import { openPostgresStore } from './postgres-store.js';
import { locatedSignIn } from './sign-in-history-store-contract.test-support.js';
import { page, pagedRowIds, sampleSource, START } from './store-contract.test-support.js';
import { dropSchema, forEachStoreTarget, newTestSchema, TEST_DATABASE_URL, testSecretKey } from './store-test-targets.test-support.js';
import type { EventRow, Store } from './store.js';

// PostgreSQL's event_indicators keyed by the event's integer id and the kind's code (migration 035): the shape,
// the bytes a key takes, the keys carried over both ways, and the plan of an indicator page on a common value.

const BERLIN = { kind: 'public', country: 'DE', asn: 3320, lat: 52.52, lng: 13.405, accuracy_km: 20 };
const PARIS = { kind: 'public', country: 'FR', asn: 3215, lat: 48.857, lng: 2.352, accuracy_km: 20 };
const T = START - 86_400_000;
/** The migration before 035: event_indicators as migrations 001 and 017 left it on PostgreSQL. */
const BEFORE = '034-sqlite-change-names-column';
/**
 * Bytes of event_indicators and its primary key per key, after VACUUM FULL (packed heap, key built sorted), for the
 * values of `signIns`: about 110 with the integer event id and kind code, about 185 with the 32-character row id and
 * the kind's name (each in the heap and in the key).
 */
const MAX_BYTES_PER_KEY = 140;

/** A row id as the store makes them: 32 characters. */
function rowIdOf(i: number): string {
  return `ev${String(i).padStart(30, '0')}`;
}

/** `n` located sign-ins of 20 users (a value shared by many events), two at each time (ties), from 30 addresses: 4 keys each. */
function signIns(n: number, from = 0): EventRow[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return locatedSignIn(rowIdOf(i), T + Math.floor(i / 2) * 1000, `user${i % 20}@example.com`, `198.51.100.${i % 30}`, i % 5 === 0 ? PARIS : BERLIN);
  });
}

forEachStoreTarget((target) => {
  if (target.kind !== 'postgres') return;

  describe('PostgreSQL event_indicators keyed by the event id and the kind code (migration 035)', () => {
    let schema: string;
    let key: string;
    const stores: Store[] = [];
    const open = async () => {
      const store = await openPostgresStore({
        url: TEST_DATABASE_URL,
        clock: new ManualClock(START),
        env: { ZOOMTRAIL_SECRET_KEY: key },
        schema,
        maxConnections: 4,
        readWorkers: 0,
      });
      stores.push(store);
      return store;
    };
    /** Runs `text` on a connection of its own in the test's schema (outside a transaction: VACUUM FULL can run). */
    const rows = async (text: string) => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        return (await client.query(text)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    };
    const columns = async (table: string) =>
      (
        await rows(
          `SELECT column_name || ' ' || data_type AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' ORDER BY ordinal_position`,
        )
      ).map((r) => r.c as string);
    const primaryKey = async () =>
      (
        await rows(`SELECT a.attname FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
          WHERE x.indrelid = 'event_indicators'::regclass AND x.indisprimary ORDER BY array_position(x.indkey::int2[], a.attnum)`)
      ).map((r) => r.attname);
    /** Every key as `kind-name value time row-id`, sorted, whichever layout the table has. */
    const keys = async () => {
      const byId = (await columns('event_indicators')).includes('event_id bigint');
      const names = `CASE i.kind ${Object.entries(INDICATOR_KIND_CODES)
        .map(([name, code]) => `WHEN ${code} THEN '${name}'`)
        .join(' ')} ELSE 'unknown ' || i.kind END`;
      const text = byId
        ? `SELECT ${names} || ' ' || i.value || ' ' || i.event_time_ms || ' ' || e.row_id AS k FROM event_indicators i JOIN events e ON e.id = i.event_id`
        : `SELECT i.kind || ' ' || i.value || ' ' || i.event_time_ms || ' ' || i.row_id AS k FROM event_indicators i`;
      return (await rows(text)).map((r) => r.k as string).sort();
    };
    const bytesPerKey = async () => {
      await rows('VACUUM FULL event_indicators');
      const [row] = await rows(`SELECT (pg_relation_size('event_indicators') + pg_relation_size('event_indicators_pk'))::float8 / count(*) AS b FROM event_indicators`);
      return Number(row!.b);
    };
    const migrateDown = async () => {
      for (const store of stores.splice(0)) await store.close();
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
      const kysely = new Kysely<unknown>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
      const { error } = await new Migrator({ db: kysely, provider: staticMigrationProvider, migrationTableSchema: schema }).migrateTo(BEFORE);
      await kysely.destroy();
      expect(error).toBeUndefined();
    };
    /** Row ids of a filter's events, newest first, pages of three through the cursor. */
    const paged = (store: Store, filter: Parameters<typeof pagedRowIds>[1]) => pagedRowIds(store, filter, 3);
    /** What `paged` must give: the events of `events` matching, in (time, row id) order, newest first. */
    const expected = (events: EventRow[], match: (e: EventRow) => boolean) =>
      events
        .filter(match)
        .sort((a, b) => b.eventTimeMs - a.eventTimeMs || (a.rowId < b.rowId ? 1 : -1))
        .map((e) => e.rowId);

    beforeEach(() => {
      schema = newTestSchema();
      key = testSecretKey();
    });
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
      await dropSchema(schema);
    });

    it('has (event_time_ms, event_id, kind smallint, value) keyed (kind, value, event_time_ms, event_id), a unique events.id, and fewer bytes a key', async () => {
      const store = await open();
      const { id } = await store.createSource(sampleSource());
      // The second event of each time (the greater row id) is stored first, in a page of its own: its id is the smaller
      // (a page's events are inserted in row-id order), so ids and row ids disagree within each time.
      const events = signIns(1500);
      for (const half of [1, 0])
        await store.commitPage(
          page(
            id,
            events.filter((_, i) => i % 2 === half),
          ),
        );
      expect(await columns('event_indicators')).toEqual(['event_time_ms bigint', 'event_id bigint', 'kind smallint', 'value text']);
      expect(await primaryKey()).toEqual(['kind', 'value', 'event_time_ms', 'event_id']);
      expect(await rows(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'events_id'`)).toEqual([
        { indexdef: expect.stringMatching(/^CREATE UNIQUE INDEX events_id ON .*events USING btree \(id\)$/) },
      ]);
      expect(await rows('SELECT count(*)::int AS n, count(DISTINCT e.row_id)::int AS events FROM event_indicators i JOIN events e ON e.id = i.event_id')).toEqual([
        { n: 1500 * 4, events: 1500 },
      ]);
      // Two events at each time, most of them in DE: the page puts each time's events in row-id order.
      expect(await paged(store, { country: 'DE' })).toEqual(expected(events, (e) => Number(e.rowId.slice(2)) % 5 !== 0));
      expect(await bytesPerKey()).toBeLessThan(MAX_BYTES_PER_KEY);
    });

    it('carries every key over down to the row-id layout and back up; ids continue after the numbered events', async () => {
      let store = await open();
      const { id } = await store.createSource(sampleSource());
      const events = signIns(1500);
      for (let i = 0; i < events.length; i += 500) await store.commitPage(page(id, events.slice(i + 0, i + 500).reverse()));
      const before = await keys();
      expect(before).toHaveLength(1500 * 4);
      expect(before).toContain(`email user3@example.com ${T + 1000} ${rowIdOf(3)}`);
      expect(before).toContain(`country FR ${T} ${rowIdOf(0)}`);
      expect(before).toContain(`asn 3320 ${T} ${rowIdOf(1)}`);

      await migrateDown();
      expect(await columns('event_indicators')).toEqual(['row_id text', 'kind text', 'value text', 'event_time_ms bigint']);
      expect(await primaryKey()).toEqual(['kind', 'value', 'event_time_ms', 'row_id']);
      expect((await columns('events')).filter((c) => c.startsWith('id '))).toEqual([]);
      expect(await keys()).toEqual(before);
      // The bound of the first test tells the layouts apart: the old one takes more.
      expect(await bytesPerKey()).toBeGreaterThan(MAX_BYTES_PER_KEY);

      store = await open(); // up again, with the store's own runner
      expect(await columns('event_indicators')).toEqual(['event_time_ms bigint', 'event_id bigint', 'kind smallint', 'value text']);
      expect(await keys()).toEqual(before);
      expect(await rows('SELECT count(*)::int AS n FROM events WHERE id IS NULL')).toEqual([{ n: 0 }]);
      // New events get ids after the numbered ones (the identity's sequence moved on), and their keys name them.
      const more = signIns(10, 1500);
      await store.commitPage(page(id, more));
      expect((await keys()).length).toBe(1510 * 4);
      const all = [...events, ...more];
      expect(await paged(store, { email: 'user3@example.com' })).toEqual(expected(all, (e) => e.emails.includes('user3@example.com')));
      expect(await paged(store, { ipAddress: '198.51.100.7' })).toEqual(expected(all, (e) => e.ipAddresses.includes('198.51.100.7')));
      expect(await paged(store, { country: 'FR' })).toEqual(expected(all, (e) => Number(e.rowId.slice(2)) % 5 === 0));
      expect((await paged(store, { asn: 3320 })).length).toBe(all.length - all.length / 5);
    });

    it("retention purges and source removal take their events' keys: none is left naming a missing event", async () => {
      const store = await open();
      const kept = await store.createSource(sampleSource({ name: 'kept' }));
      const removed = await store.createSource(sampleSource({ name: 'removed' }));
      // Over four days from T: the purge before the third day takes half of `kept`'s (a key left behind would not be
      // found by a search, its event id never coming back: it is counted in the table).
      const spread = (list: EventRow[]) => list.map((e, i) => locatedSignIn(e.rowId, T + (i % 4) * 86_400_000, e.emails[0]!, e.ipAddresses[0]!, BERLIN));
      await store.commitPage(page(kept.id, spread(signIns(200))));
      await store.commitPage(page(removed.id, spread(signIns(100, 200))));
      const orphans = async () => (await rows('SELECT count(*)::int AS n FROM event_indicators i WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = i.event_id)'))[0]!.n;
      const total = async () => (await rows('SELECT count(*)::int AS n FROM event_indicators'))[0]!.n;
      expect(await total()).toBe(300 * 4);
      const beforeDay = new Date(T + 2 * 86_400_000).toISOString().slice(0, 10);
      while (!(await store.purgeBefore('Zoom.Activity', beforeDay, 40)).done);
      expect(await orphans()).toBe(0);
      expect(await total()).toBe(150 * 4);
      expect(await store.removeSource(removed.id)).toBe(true);
      expect(await orphans()).toBe(0);
      expect(await total()).toBe(100 * 4);
    });

    it("reads a common value's newest page off the key in time order, events by their id index (no sort of all its events)", async () => {
      const store = await open();
      const { id } = await store.createSource(sampleSource());
      const events = signIns(6000); // 4,800 in DE, AS3320: a rare value's few keys may be sorted, a common one's never
      for (let i = 0; i < events.length; i += 1000) await store.commitPage(page(id, events.slice(i, i + 1000)));
      await rows('ANALYZE');
      for (const [kind, value] of [
        [INDICATOR_KIND_CODES.country, 'DE'],
        [INDICATOR_KIND_CODES.asn, '3320'],
      ] as const) {
        // The reader's indicator page (event-reader.ts indicatorPage), a page of 101.
        const plan = (
          await rows(`EXPLAIN SELECT events.row_id, events.event_json FROM event_indicators i JOIN events ON events.id = i.event_id
            WHERE i.kind = ${kind} AND i.value = '${value}' ORDER BY i.event_time_ms DESC, events.row_id DESC LIMIT 101`)
        ).map((r) => r['QUERY PLAN'] as string);
        const text = plan.join('\n');
        expect(
          plan.filter((line) => /(?<!Incremental )Sort\b/.test(line) && !/Sort Key|Presorted Key/.test(line)),
          text,
        ).toEqual([]);
        expect(text).toMatch(/Incremental Sort[\s\S]*Presorted Key: i\.event_time_ms/);
        expect(text).toMatch(/Index (Only )?Scan Backward using event_indicators_pk on event_indicators i/);
        expect(text).toMatch(/Index Scan using events_id on events/);
      }
    });
  });
});
