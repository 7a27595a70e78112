import { parseEventQuery, type QueryNode } from '../domain/event-query.js';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { EventReader } from './event-reader.js';
import { describeEventStoreContract } from './event-store-contract.test-support.js';
import { ensureTrigramIndexes, HOUR_MS, indexedFieldExpression, postgresDetailExpression } from './migrations/007-search-indexes.js';
import { POSTGRES_TRIGRAM_INDEXES } from './migrations/024-change-names-column.js';
import { staticMigrationProvider } from './migrations/migration-list.js';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './sqlite-store.js';
import type { EventQuery, EventRow, Store } from './store.js';
import { ACTIVITY, collect, ids, OPERATION, sampleEvent, sampleOperationEvent, sampleSource, START } from './store-contract.test-support.js';
import type { StoreTables } from './store-tables.js';
import { adminQuery, dropSchema, forEachStoreTarget, newTestSchema, TEST_DATABASE_URL, testSecretKey, type StoreKind } from './store-test-targets.test-support.js';

// Migration 007 on each store: the plans of the reader's queries (an index for every filter, no
// full scan of events), the per-hour counts and the search index kept right by DELETEs, VACUUM
// and the migration's backfill, the planner's statistics, and PostgreSQL without pg_trgm.

const DAY_MS = 86_400_000;

/** A store under test with a second connection to its database: raw SQL, EXPLAIN, and a reader whose queries are recorded. */
interface OpenedStore {
  store: Store;
  kind: StoreKind;
  /** A Kysely on the same database that records each query it runs. */
  recording: Kysely<StoreTables>;
  recorded: CompiledQuery[];
  /** Runs SQL on the second connection. */
  run(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  /** The plan of a query, one line (SQLite: detail) per node. */
  explain(query: CompiledQuery): Promise<string[]>;
  /** Closes the store (the data stays) and opens it again. */
  reopen(options?: StoreOptions): Promise<void>;
  cleanup(): Promise<void>;
}

interface StoreOptions {
  optimizeEveryEvents?: number;
}

async function openStore(kind: StoreKind, options: StoreOptions = {}): Promise<OpenedStore> {
  const clock = new ManualClock(START);
  const recorded: CompiledQuery[] = [];
  const log = (event: { level: string; query: CompiledQuery }) => {
    if (event.level === 'query') recorded.push(event.query);
  };
  if (kind === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'zoomtrail-search-'));
    const open = (o: StoreOptions) => openSqliteStore({ dataDir, clock, env: {}, batchSize: 1000, ...o });
    let store = await open(options);
    const raw = new Database(join(dataDir, SQLITE_FILE_NAME));
    const recording = new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: raw }), log });
    const opened: OpenedStore = {
      store,
      kind,
      recording,
      recorded,
      run: async (text, values = []) => {
        const statement = raw.prepare(text);
        return statement.reader ? (statement.all(...values) as Record<string, unknown>[]) : (statement.run(...values), []);
      },
      explain: async (query) => (raw.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.parameters) as { detail: string }[]).map((r) => r.detail),
      reopen: async (o = {}) => {
        await store.close();
        store = await open(o);
        opened.store = store;
      },
      cleanup: async () => {
        await store.close();
        await recording.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return opened;
  }
  const schema = newTestSchema();
  const open = (o: StoreOptions) =>
    openPostgresStore({
      url: TEST_DATABASE_URL,
      clock,
      env: { ZOOMTRAIL_SECRET_KEY: key },
      batchSize: 1000,
      schema,
      maxConnections: 4,
      ...(o.optimizeEveryEvents === undefined ? {} : { analyzeEveryEvents: o.optimizeEveryEvents }),
    });
  const key = testSecretKey();
  let store = await open(options);
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
  const recording = new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }), log });
  const opened: OpenedStore = {
    store,
    kind,
    recording,
    recorded,
    run: async (text, values = []) => (await pool.query(text, values)).rows as Record<string, unknown>[],
    explain: async (query) => ((await pool.query(`EXPLAIN ${query.sql}`, [...query.parameters])).rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']),
    reopen: async (o = {}) => {
      await store.close();
      store = await open(o);
      opened.store = store;
    },
    cleanup: async () => {
      await store.close();
      await recording.destroy();
      await dropSchema(schema);
    },
  };
  return opened;
}

/** `n` events over `days` days up to END, in time order: 15% operation logs; 200 users; a few rare words, actions and names. */
function generatedEvents(n: number, days: number, end: number, prefix = ''): { activity: EventRow[]; operation: EventRow[] } {
  const activity: EventRow[] = [];
  const operation: EventRow[] = [];
  const step = Math.floor((days * DAY_MS) / n);
  for (let i = 0; i < n; i++) {
    const time = end - days * DAY_MS + i * step;
    const rowId = `${Math.floor(time / 1000).toString(16)}${prefix}${String(i).padStart(8, '0')}`;
    if (i % 7 === 3) {
      const rare = i % 2000 === 3;
      const event = sampleOperationEvent(rowId, time, {
        category_type: rare ? 'Rare Category' : ['User', 'Account', 'User Settings'][i % 3]!,
        action: rare ? 'Rare Action' : ['Update', 'Add', 'Delete'][i % 3]!,
        operation_detail: rare ? `Meeting - Quokka mode ${i}: from Off to On` : `Meeting - Setting ${i % 40}: from On to Off`,
        changes: rare ? ['Platypus Mode', `Setting ${i % 40}`] : [`Setting ${i % 40}`],
      });
      operation.push({ ...event, emails: [`admin${i % 5}@example.com`], event: { ...event.event, operator: `admin${i % 5}@example.com` } });
    } else {
      activity.push(sampleEvent(rowId, time, `user${i % 200}@example.com`, `10.0.${i % 50}.${i % 200}`));
    }
  }
  return { activity, operation };
}

async function fill(store: Store, sourceId: string, events: { activity: EventRow[]; operation: EventRow[] }): Promise<void> {
  for (const [logType, rows] of [
    [ACTIVITY, events.activity],
    [OPERATION, events.operation],
  ] as const) {
    for (let i = 0; i < rows.length; i += 1000) await store.commitPage({ sourceId, logType, events: rows.slice(i, i + 1000), failures: [], days: [], stream: {} });
  }
}

/** A parsed query (the test's queries are valid). */
function q(text: string): QueryNode {
  const parsed = parseEventQuery(text);
  if (!parsed.ok || !parsed.query) throw new Error(`${text}: not a query`);
  return parsed.query;
}

forEachStoreTarget((target) => {
  describe(`${target.name}: search indexes (migration 007)`, () => {
    describe('query plans', () => {
      const END = Date.parse('2026-03-10T00:00:00Z');
      let s: OpenedStore;
      let a: string;
      let reader: EventReader;

      beforeAll(async () => {
        s = await openStore(target.kind);
        a = (await s.store.createSource(sampleSource({ name: 'a' }))).id;
        const b = (await s.store.createSource(sampleSource({ name: 'b' }))).id;
        await fill(s.store, a, generatedEvents(14_000, 20, END));
        await fill(s.store, b, generatedEvents(6_000, 20, END - 1234, 'b'));
        await s.run('ANALYZE');
        reader = new EventReader(s.recording, 1000, target.kind);
      });
      afterAll(async () => s.cleanup());

      const page = (query: EventQuery) => collect(reader.events({ order: 'desc', limit: 101, ...query }));
      // noJson: PostgreSQL finds change names in `events.change_names` (migration 024), never by parsing event_json.
      const cases: { name: string; run: () => Promise<unknown>; uses?: RegExp; sorts?: true; ordered?: true; noJson?: true }[] = [
        { name: 'newest page', run: () => page({}) },
        { name: 'cursor page', run: () => page({ after: { eventTimeMs: END - 10 * DAY_MS, rowId: 'z' } }) },
        { name: 'export batch, oldest first', run: () => collect(reader.events({ sinceMs: END - 7 * DAY_MS, order: 'asc', limit: 1000 })) },
        { name: 'last 24 hours', run: () => page({ sinceMs: END - DAY_MS }) },
        { name: 'source', run: () => page({ sourceId: a }) },
        { name: 'log type', run: () => page({ logType: OPERATION }) },
        { name: 'source and log type', run: () => page({ sourceId: a, logType: OPERATION }) },
        // Read off event_indicators' (kind, value, event time, event) key in order (migration 017): no sort of a value's
        // events; the key ends with an integer naming the event (SQLite's rowid, migration 026; PostgreSQL's events.id,
        // 035), so only each time's few events are sorted by row id.
        { name: 'email', run: () => page({ email: 'user17@example.com' }), ordered: true },
        { name: 'IP address', run: () => page({ ipAddress: '10.0.17.117' }), ordered: true },
        { name: 'country', run: () => page({ country: 'DE' }), ordered: true },
        { name: 'country, cursor page', run: () => page({ country: 'DE', after: { eventTimeMs: END - 10 * DAY_MS, rowId: 'z' } }), ordered: true },
        { name: 'country and log type, last 24 hours', run: () => page({ country: 'DE', logType: OPERATION, sinceMs: END - DAY_MS }), ordered: true },
        { name: 'ASN', run: () => page({ asn: 3320 }), ordered: true },
        { name: 'ASN and e-mail', run: () => page({ asn: 3320, email: 'user17@example.com' }), ordered: true },
        { name: 'country export batch, oldest first', run: () => collect(reader.events({ country: 'DE', order: 'asc', limit: 1000 })), ordered: true },
        { name: 'country count', run: () => reader.countEvents({ country: 'DE', sinceMs: END - DAY_MS }) },
        { name: 'category', run: () => page({ categoryType: 'rare category' }), uses: /events_category_time/ },
        { name: 'action', run: () => page({ action: 'RARE ACTION' }), uses: /events_action_time/ },
        { name: 'common action', run: () => page({ action: 'update' }) },
        { name: 'free text', run: () => page({ detailText: 'quokka' }), uses: target.kind === 'sqlite' ? /events_search/ : /events_detail_trgm/ },
        { name: 'common free text', run: () => page({ detailText: 'setting 1' }) },
        { name: 'change name', run: () => page({ changeName: 'platypus' }), uses: target.kind === 'sqlite' ? /events_search/ : /events_change_names_trgm/, noJson: true },
        { name: 'common change name', run: () => page({ changeName: 'setting 1' }), noJson: true },
        { name: 'change name, oldest first', run: () => collect(reader.events({ changeName: 'platypus', order: 'asc', limit: 1000 })), noJson: true },
        { name: 'change name count', run: () => reader.countEvents({ changeName: 'platypus' }), noJson: true },
        { name: 'query: change name (p_udm.changes.name)', run: () => page({ where: q('p_udm.changes.name:"platy*mode"') }), sorts: true, noJson: true },
        { name: 'text and action', run: () => page({ detailText: 'quokka', action: 'rare action' }) },
        { name: 'query: action OR category', run: () => page({ where: q('action:"rare action" OR category:"rare category"') }), sorts: true },
        { name: 'query: text OR change name', run: () => page({ where: q('text:quokka OR change:platypus') }), sorts: true },
        { name: 'query: email OR IP address', run: () => page({ where: q('email:user17@example.com OR ip:10.0.17.117') }), sorts: true },
        { name: 'query: country AND NOT action', run: () => page({ where: q('country:DE NOT action:update') }), sorts: true },
        { name: 'query: wildcard change name', run: () => page({ where: q('change:"platy*"') }), sorts: true, noJson: true },
        { name: 'query: time range OR', run: () => page({ where: q('p_event_time>=2026-03-09 (action:"rare action" OR text:quokka)') }), sorts: true },
        { name: 'query: count of an OR', run: () => reader.countEvents({ where: q('action:"rare action" OR text:quokka') }), sorts: true },
        { name: '24-hour histogram', run: () => reader.histogram({}, END - DAY_MS + 777, END + 777, Math.ceil(DAY_MS / 48)) },
        { name: '20-day histogram', run: () => reader.histogram({}, END - 20 * DAY_MS + 777, END + 777, Math.ceil((20 * DAY_MS) / 48)), uses: /event_hour_counts/ },
        { name: 'histogram by source', run: () => reader.histogram({ sourceId: a, logType: OPERATION }, END - 20 * DAY_MS + 777, END + 777, Math.ceil((20 * DAY_MS) / 48)) },
        { name: 'histogram by action', run: () => reader.histogram({ action: 'rare action' }, END - 20 * DAY_MS, END, Math.ceil((20 * DAY_MS) / 48)) },
        { name: 'histogram by text', run: () => reader.histogram({ detailText: 'quokka' }, END - 20 * DAY_MS, END, Math.ceil((20 * DAY_MS) / 48)) },
        { name: 'sparkline', run: () => reader.histogram({ sourceId: a }, END - DAY_MS, END, HOUR_MS), uses: /event_hour_counts/ },
        { name: '24-hour count of a source', run: () => reader.countEvents({ sourceId: a, sinceMs: END - DAY_MS + 777, untilMs: END + 778 }) },
      ];

      it.each(cases)('$name: every query uses an index, none reads all of events', async ({ run, uses, sorts, ordered, noJson }) => {
        s.recorded.length = 0;
        await run();
        expect(s.recorded.length).toBeGreaterThan(0);
        const plans: string[] = [];
        for (const query of s.recorded) {
          const plan = await s.explain(query);
          plans.push(...plan);
          const text = `${query.sql}\n  ${plan.join('\n  ')}`;
          if (target.kind === 'sqlite') {
            expect(
              plan.filter((line) => /^SCAN events\b(?! USING)/.test(line)),
              text,
            ).toEqual([]);
            if (!sorts)
              expect(
                plan.filter((line) => line.includes('USE TEMP B-TREE FOR ORDER BY')),
                text,
              ).toEqual([]);
            if (ordered) expect(plan[0], text).toMatch(/^SEARCH i USING PRIMARY KEY \(kind=\? AND value=\?/);
          } else {
            expect(
              plan.filter((line) => /Seq Scan on events\b/.test(line)),
              text,
            ).toEqual([]);
            if (noJson)
              expect(
                plan.filter((line) => /event_change_names|jsonb/.test(line)),
                text,
              ).toEqual([]);
            // The planner may sort a rare value's few keys (a bitmap scan); never all of events, never all of event_indicators.
            if (ordered) {
              expect(
                plan.some((line) => /Index (Only )?Scan (Backward )?(using|on) event_indicators_pk/.test(line)),
                text,
              ).toBe(true);
              expect(
                plan.filter((line) => /Seq Scan on event_indicators\b/.test(line)),
                text,
              ).toEqual([]);
            }
          }
        }
        if (uses)
          expect(
            plans.some((line) => uses.test(line)),
            plans.join('\n'),
          ).toBe(true);
      });

      it('reads the next batch of a stream while the current one is consumed, and only when there is more to read', async () => {
        const batched = new EventReader(s.recording, 100, target.kind);
        s.recorded.length = 0;
        const stream = batched.events({ sinceMs: END - 7 * DAY_MS, order: 'asc' })[Symbol.asyncIterator]();
        await stream.next(); // the first event: its batch is read, and the next one is being read (logged once done)
        await vi.waitFor(() => expect(s.recorded.length).toBe(2), { timeout: 20_000 });
        await stream.return?.();
        s.recorded.length = 0;
        expect((await collect(batched.events({ order: 'desc', limit: 100 }))).length).toBe(100);
        expect(s.recorded.length).toBe(1);
      });

      if (target.kind === 'postgres') {
        it('knows how many events a searched text, name or action matches (statistics on the expressions)', async () => {
          for (const where of [
            `${postgresDetailExpression('event_json')} LIKE '%setting 1%'`,
            `change_names LIKE '%setting 1%'`,
            `${indexedFieldExpression('postgres', 'event_json', 'action')} = 'update'`,
          ]) {
            const [explained] = await s.run(`EXPLAIN (FORMAT JSON) SELECT 1 FROM events WHERE ${where}`);
            const estimated = (explained?.['QUERY PLAN'] as { Plan: { 'Plan Rows': number } }[])[0]!.Plan['Plan Rows'];
            const [counted] = await s.run(`SELECT count(*) AS n FROM events WHERE ${where}`);
            const actual = Number(counted?.n);
            expect(actual).toBeGreaterThan(500);
            expect(estimated, where).toBeGreaterThan(actual / 3);
            expect(estimated, where).toBeLessThan(actual * 3);
          }
        });
      }
    });

    describe('kept right', () => {
      const H = HOUR_MS;
      const T0 = Date.parse('2026-03-08T00:00:00Z');
      let s: OpenedStore;
      let source: string;
      let rows: EventRow[];

      beforeEach(async () => {
        s = await openStore(target.kind);
        source = (await s.store.createSource(sampleSource())).id;
        rows = Array.from({ length: 120 }, (_, i) =>
          sampleOperationEvent(`k${String(i).padStart(3, '0')}`, T0 + i * 7 * 60_000 + (i % 3) * 1000, {
            category_type: 'Account',
            action: i % 2 ? 'Update' : 'Add',
            operation_detail: `Meeting - ${i % 4 === 0 ? 'Waiting Room' : 'Join before host'}: from On to Off`,
            changes: [i % 4 === 0 ? 'Waiting Room' : 'Join before host'],
          }),
        );
        await s.store.commitPage({ sourceId: source, logType: OPERATION, events: rows, failures: [], days: [], stream: {} });
      });
      afterEach(async () => s.cleanup());

      const expectInStep = async (left: EventRow[]) => {
        const expected = (filter: (e: EventRow) => boolean) => left.filter(filter).map((e) => e.rowId);
        expect(ids(await collect(s.store.queryEvents({ detailText: 'waiting room' })))).toEqual(expected((e) => String(e.event.operation_detail).includes('Waiting Room')));
        expect(ids(await collect(s.store.queryEvents({ changeName: 'before host', order: 'desc' })))).toEqual(
          expected((e) => String(e.event.operation_detail).includes('Join')).reverse(),
        );
        expect(await s.store.countEvents({})).toBe(left.length);
        expect(await s.store.countEvents({ sourceId: source, sinceMs: T0 + H + 1, untilMs: T0 + 9 * H - 1 })).toBe(
          left.filter((e) => e.eventTimeMs >= T0 + H + 1 && e.eventTimeMs < T0 + 9 * H - 1).length,
        );
        const histogram = await s.store.eventHistogram({ sourceId: source }, T0, T0 + 15 * H, H);
        expect(histogram).toEqual(histogram.map((_, i) => left.filter((e) => e.eventTimeMs >= T0 + i * H && e.eventTimeMs < T0 + (i + 1) * H).length));
        const zeroHours = await s.run('SELECT count(*) AS n FROM event_hour_counts WHERE event_count <= 0');
        expect(Number(zeroHours[0]?.n)).toBe(0);
      };

      it('by deletes of events in batches of row ids and by time (a retention purge)', async () => {
        await expectInStep(rows);
        const byIds = rows.filter((_, i) => i % 3 === 1).map((e) => e.rowId);
        for (let i = 0; i < byIds.length; i += 10) {
          const batch = byIds.slice(i, i + 10);
          const list = batch.map((_, j) => (target.kind === 'sqlite' ? '?' : `$${j + 1}`)).join(', ');
          // The keys name the event by an integer: SQLite's rowid (migration 026), PostgreSQL's events.id (035).
          const [key, id] = target.kind === 'sqlite' ? ['event_rowid', 'rowid'] : ['event_id', 'id'];
          await s.run(`DELETE FROM event_indicators WHERE ${key} IN (SELECT ${id} FROM events WHERE row_id IN (${list}))`, batch);
          await s.run(`DELETE FROM events WHERE row_id IN (${list})`, batch);
        }
        let left = rows.filter((e) => !byIds.includes(e.rowId));
        await expectInStep(left);
        const cutoff = [T0 + 3 * H + 30 * 60_000];
        const parameter = target.kind === 'sqlite' ? '?' : '$1';
        const link = target.kind === 'sqlite' ? 'event_rowid IN (SELECT rowid' : 'event_id IN (SELECT id';
        await s.run(`DELETE FROM event_indicators WHERE ${link} FROM events WHERE event_time_ms < ${parameter})`, cutoff);
        await s.run(`DELETE FROM events WHERE event_time_ms < ${parameter}`, cutoff);
        left = left.filter((e) => e.eventTimeMs >= T0 + 3 * H + 30 * 60_000);
        await expectInStep(left);
        // What is stored afterwards is indexed and counted too, in the hours the purge emptied.
        const again = rows.filter((e) => e.eventTimeMs < T0 + 2 * H);
        await s.store.commitPage({ sourceId: source, logType: OPERATION, events: again, failures: [], days: [], stream: {} });
        await expectInStep([...again, ...left]);
      });

      it('by the migration, for events stored before it (backfill), and by its down', async () => {
        await s.store.close();
        const migrator = await migratorOn(s);
        // Down to before 007 (through 008, which drops 007's INSERT trigger).
        const { error } = await migrator.migrateTo('006-setup-finished');
        expect(error).toBeUndefined();
        expect(
          (
            await s.run(
              target.kind === 'sqlite'
                ? "SELECT name FROM sqlite_master WHERE name = 'event_hour_counts'"
                : "SELECT tablename FROM pg_tables WHERE tablename = 'event_hour_counts' AND schemaname = current_schema()",
            )
          ).length,
        ).toBe(0);
        await s.reopen();
        await expectInStep(rows);
      });

      if (target.kind === 'postgres') {
        it('by migration 024 for events stored before it: change names filled from the stored JSON, as the writer writes them', async () => {
          const written = await s.run('SELECT row_id, change_names FROM events ORDER BY row_id');
          await s.store.close();
          const { error } = await (await migratorOn(s)).migrateTo('023-saved-searches');
          expect(error).toBeUndefined();
          expect(await s.run("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'events' AND column_name = 'change_names'")).toEqual(
            [],
          );
          await s.reopen();
          expect(await s.run('SELECT row_id, change_names FROM events ORDER BY row_id')).toEqual(written);
          expect(written.filter((r) => r.change_names === 'waiting room').length).toBe(30);
          await expectInStep(rows);
        });
      }

      if (target.kind === 'sqlite') {
        it('by VACUUM (the search index maps to events by rowid)', async () => {
          await s.run(`DELETE FROM events WHERE row_id < 'k060'`);
          await s.store.close();
          await s.run('VACUUM');
          await s.reopen();
          await expectInStep(rows.filter((e) => e.rowId >= 'k060'));
          const stray = await s.run(
            'SELECT count(*) AS n FROM events_search_keys k LEFT JOIN events e ON e.rowid = k.event_rowid WHERE e.rowid IS NULL OR k.key / 1048576 != e.event_time_ms / 1000',
          );
          expect(Number(stray[0]?.n)).toBe(0);
        });
      }
    });

    describe("the planner's statistics", () => {
      let s: OpenedStore | undefined;
      afterEach(async () => s?.cleanup());

      it('are refreshed after a number of events stored', async () => {
        s = await openStore(target.kind, { optimizeEveryEvents: 50 });
        const source = (await s.store.createSource(sampleSource())).id;
        const events = generatedEvents(60, 1, START);
        await fill(s.store, source, events);
        await s.reopen({ optimizeEveryEvents: 1_000_000 }); // PostgreSQL: close waits for the background ANALYZE
        if (target.kind === 'sqlite') {
          const stats = await s.run("SELECT stat FROM sqlite_stat1 WHERE tbl = 'events' AND idx = 'events_time'");
          expect(stats.map((r) => String(r.stat).split(' ')[0])).toEqual([String(events.activity.length)]);
        } else {
          const [row] = await s.run("SELECT reltuples FROM pg_class WHERE oid = 'events'::regclass");
          expect(Number(row?.reltuples)).toBeGreaterThanOrEqual(50);
        }
      });

      if (target.kind === 'postgres') {
        it('and the queues are vacuumed with them: a drained detection queue does not grow, autovacuum or not', async () => {
          s = await openStore(target.kind, { optimizeEveryEvents: 400 });
          const source = (await s.store.createSource(sampleSource())).id;
          const sizes: number[] = [];
          const vacuums: number[] = [];
          let othersHeldSnapshots = false;
          // VACUUM (manual: autovacuum has its own count) of the queue, as PostgreSQL counts it.
          const vacuumCount = async () => Number((await s!.run("SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = 'detection_pending'::regclass"))[0]?.vacuum_count);
          for (let round = 0; round < 5; round++) {
            await fill(s.store, source, generatedEvents(400, 1, START + round * DAY_MS, `r${round}`));
            // Another test file's open transaction in this database keeps dead rows from any vacuum.
            const othersHold = async () =>
              Number(
                (await s!.run('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL'))[0]?.n,
              ) > 0;
            if (await othersHold()) othersHeldSnapshots = true;
            await s.reopen({ optimizeEveryEvents: 400 }); // close waits for the background job
            if (await othersHold()) othersHeldSnapshots = true;
            await s.run('DELETE FROM detection_pending'); // what detection does once the events are detected
            const [row] = await s.run("SELECT pg_relation_size('detection_pending') AS bytes");
            sizes.push(Number(row?.bytes));
            vacuums.push(await vacuumCount());
          }
          // The store vacuumed the queue in every round, whatever autovacuum does.
          for (let round = 1; round < 5; round++) expect(vacuums[round], vacuums.join(', ')).toBeGreaterThan(vacuums[round - 1]!);
          // Each round writes about a round's worth of pages; without the vacuum they pile up (5 rounds' worth).
          // Only measurable when no other session of this database held a snapshot (test files run two at a time).
          if (!othersHeldSnapshots) expect(sizes[4]!, sizes.join(', ')).toBeLessThanOrEqual(sizes[0]! * 2.5);
        });
      }

      if (target.kind === 'sqlite') {
        it('are gathered at open for tables never analyzed', async () => {
          s = await openStore('sqlite');
          const source = (await s.store.createSource(sampleSource())).id;
          await fill(s.store, source, generatedEvents(200, 1, START));
          await s.reopen();
          const stats = await s.run("SELECT stat FROM sqlite_stat1 WHERE tbl = 'events' AND idx = 'events_time'");
          expect(stats.map((r) => String(r.stat).split(' ')[0])).toEqual(['200']);
        });
      }
    });

    if (target.kind === 'postgres') {
      describe('without pg_trgm', () => {
        let s: OpenedStore | undefined;
        afterEach(async () => s?.cleanup());

        it('leaves the transaction usable when the extension cannot be created, and builds the indexes at open once it can', async () => {
          s = await openStore('postgres');
          await s.run('DROP INDEX events_detail_trgm');
          await s.run('DROP INDEX events_change_names_trgm');
          const made = await s.recording.transaction().execute(async (trx) => {
            const ok = await ensureTrigramIndexes<StoreTables>(trx, POSTGRES_TRIGRAM_INDEXES, 'zoomtrail_no_such_extension');
            await sql`SELECT 1`.execute(trx);
            return ok;
          });
          expect(made).toBe(false);
          const source = (await s.store.createSource(sampleSource())).id;
          await fill(s.store, source, generatedEvents(300, 1, START));
          expect((await collect(s.store.queryEvents({ detailText: 'setting 1' }))).length).toBeGreaterThan(0);
          await s.reopen();
          const indexes = await s.run("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE '%trgm' ORDER BY 1");
          expect(indexes.map((r) => r.indexname)).toEqual(['events_change_names_trgm', 'events_detail_trgm']);
        });
      });

      // The whole event contract on a store whose trigram indexes are missing (the extension could not be created).
      describeEventStoreContract('PostgreSQL without trigram indexes', async ({ clock, batchSize }) => {
        const schema = newTestSchema();
        const store = await openPostgresStore({ url: TEST_DATABASE_URL, clock, env: { ZOOMTRAIL_SECRET_KEY: testSecretKey() }, batchSize, schema, maxConnections: 4 });
        await adminQuery(`DROP INDEX "${schema}".events_detail_trgm, "${schema}".events_change_names_trgm`);
        return {
          store,
          cleanup: async () => {
            await store.close();
            await dropSchema(schema);
          },
        };
      });
    }
  });
});

/** A Kysely Migrator on the store's database (its own connection), for migrating down. */
async function migratorOn(s: OpenedStore): Promise<Migrator> {
  if (s.kind === 'sqlite') return new Migrator({ db: s.recording, provider: staticMigrationProvider });
  const [row] = await s.run('SELECT current_schema() AS schema');
  return new Migrator({ db: s.recording, provider: staticMigrationProvider, migrationTableSchema: String(row?.schema) });
}
