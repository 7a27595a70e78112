import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, Migrator } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { RuleMatchRow } from './alert-store.js';
import { MIGRATIONS, staticMigrationProvider } from './migrations/migration-list.js';
import { CurrentSchemaPostgresDialect } from './current-schema-postgres-dialect.js';
import { openPostgresStore } from './postgres-store.js';
import { DatabaseConnectionError, redactDatabaseUrl } from './postgres-url.js';
import { collect, OPERATION, sampleEvent, sampleSource, settingsOperation, TEST_CLIENT_SECRET, TEST_REFRESH_TOKEN } from './store-contract.test-support.js';
import { LastAdminError, SecretKeyError, StoreSchemaError } from './store-errors.js';
import { adminQuery, dropSchema, forEachStoreTarget, newTestSchema, TEST_DATABASE_URL, testSecretKey } from './store-test-targets.test-support.js';
import type { EventRow, Store } from './store.js';

describe('redactDatabaseUrl', () => {
  it('hides the password, keeps the rest', () => {
    expect(redactDatabaseUrl('postgres://zt:s3cret@db.example:5432/zoomtrail?sslmode=require')).toBe('postgres://zt:***@db.example:5432/zoomtrail?sslmode=require');
    expect(redactDatabaseUrl('postgresql://zt@db/x')).toBe('postgresql://zt@db/x');
    expect(redactDatabaseUrl('postgres://db/x')).toBe('postgres://db/x');
  });
});

forEachStoreTarget((target) => {
  if (target.kind !== 'postgres') return;

  describe('PostgreSQL store', () => {
    let clock: ManualClock;
    let schema: string;
    let key: string;
    const stores: Store[] = [];
    const open = async (env: NodeJS.ProcessEnv = { ZOOMTRAIL_SECRET_KEY: key }, extra: { secretKeyFile?: string } = {}) => {
      const store = await openPostgresStore({ url: TEST_DATABASE_URL, clock, env, schema, maxConnections: 4, ...extra });
      stores.push(store);
      return store;
    };

    beforeEach(() => {
      clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
      schema = newTestSchema();
      key = testSecretKey();
    });
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
      await dropSchema(schema);
    });

    const tablesOf = async (name: string) =>
      (await adminQuery(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT LIKE 'kysely%' ORDER BY table_name`, [name])).rows.map(
        (r: { table_name: string }) => r.table_name,
      );

    it('is kind postgres and runs the migrations on an empty schema, idempotently on reopen', async () => {
      const first = await open();
      expect(first.kind).toBe('postgres');
      await first.close();
      await (await open()).close();
      const applied = await adminQuery(`SELECT name FROM "${schema}".kysely_migration ORDER BY name`);
      expect(applied.rows.map((r: { name: string }) => r.name)).toEqual(Object.keys(MIGRATIONS));
      const tables = await tablesOf(schema);
      for (const t of [
        'alert_events',
        'alerts',
        'api_tokens',
        'classification_failures',
        'day_coverage',
        'deliveries',
        'delivery_attempts',
        'destinations',
        'detection_pending',
        'event_indicators',
        'events',
        'meta',
        'oauth_states',
        'oidc_identities',
        'oidc_logins',
        'rule_errors',
        'rule_set_instances',
        'rule_suppressions',
        'saved_searches',
        'rule_tuning',
        'sessions',
        'setup_tokens',
        'sources',
        'streams',
        'users',
      ]) {
        expect(tables).toContain(t);
      }
    });

    it("introspects only its own schema: another schema's tables (which may be dropped at any moment) are never read", async () => {
      await (await open()).close();
      const other = newTestSchema();
      await adminQuery(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".kysely_migration (name text); CREATE TABLE "${other}".elsewhere (x int)`);
      try {
        const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
        const kysely = new Kysely<unknown>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
        const tables = await kysely.introspection.getTables({ withInternalKyselyTables: true });
        await kysely.destroy();
        expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([schema]));
        expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['kysely_migration', 'events', 'sources']));
        expect(tables.find((t) => t.name === 'events')?.columns.length).toBeGreaterThan(3);
      } finally {
        await dropSchema(other);
      }
    });

    it('upgrades a schema of the previous version (001 only) in place, keeping its data; old events are not queued for detection', async () => {
      let store = await open();
      const source = await store.createSource(sampleSource());
      await store.commitPage({ sourceId: source.id, logType: 'Zoom.Activity', events: [sampleEvent('old', clock.now())], failures: [], days: [], stream: {} });
      await store.close();
      // Back to the previous version's schema, data kept (the key check row in meta stays, as it would have been written at open).
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
      const kysely = new Kysely<unknown>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
      const { error } = await new Migrator({ db: kysely, provider: staticMigrationProvider, migrationTableSchema: schema }).migrateTo('001-initial');
      await kysely.destroy();
      expect(error).toBeUndefined();
      expect(await tablesOf(schema)).not.toContain('detection_pending');

      store = await open();
      expect((await store.getSource(source.id))?.name).toBe(source.name);
      expect(await store.countEvents({})).toBe(1);
      expect(await store.countPendingDetection()).toBe(0);
      await store.commitPage({ sourceId: source.id, logType: 'Zoom.Activity', events: [sampleEvent('new', clock.now())], failures: [], days: [], stream: {} });
      expect((await store.listPendingDetection(10)).map((e) => e.rowId)).toEqual(['new']);
      const applied = await adminQuery(`SELECT name FROM "${schema}".kysely_migration ORDER BY name`);
      expect(applied.rows.map((r: { name: string }) => r.name)).toEqual(Object.keys(MIGRATIONS));
    });

    it('migration 033: an operation stored without p_udm before it was derived reads without one (no change names); its down stores the derived ones again', async () => {
      let store = await open();
      const source = await store.createSource(sampleSource());
      const op = (rowId: string, time: string) => settingsOperation(source.id, rowId, time);
      const rows = [op('with', '2026-03-10T10:00:00Z'), op('legacy', '2026-03-10T10:01:00Z')];
      await store.commitPage({ sourceId: source.id, logType: OPERATION, events: rows, failures: [], days: [], stream: {} });
      await store.close();
      const storedJson = async (rowId: string) =>
        JSON.parse((await adminQuery(`SELECT event_json FROM "${schema}".events WHERE row_id = $1`, [rowId])).rows[0].event_json as string) as Record<string, unknown>;
      expect(await storedJson('with')).not.toHaveProperty('p_udm');

      // Down: the rows as the earlier code stores them (p_udm kept).
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
      const kysely = new Kysely<unknown>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
      const { error } = await new Migrator({ db: kysely, provider: staticMigrationProvider, migrationTableSchema: schema }).migrateTo('030-forward-log-writer-lock');
      await kysely.destroy();
      expect(error).toBeUndefined();
      expect((await storedJson('with')).p_udm).toEqual(rows[0]!.event.p_udm);
      // An operation event that had no p_udm, as the earlier code stored it (compact, without one; its change names
      // as migration 024 would have filled them from the derived p_udm).
      const { p_udm: _udm, ...legacy } = await storedJson('legacy');
      await adminQuery(`UPDATE "${schema}".events SET event_json = $1 WHERE row_id = 'legacy'`, [JSON.stringify(legacy)]);

      store = await open();
      expect(JSON.stringify((await store.getEvent('with'))?.event)).toBe(JSON.stringify(rows[0]!.event));
      const { p_udm: _derived, ...withoutUdm } = rows[1]!.event;
      expect(JSON.stringify((await store.getEvent('legacy'))?.event)).toBe(JSON.stringify(withoutUdm));
      expect((await collect(store.queryEvents({ changeName: 'breakout' }))).map((e) => e.rowId)).toEqual(['with']);
      await store.close();
    });

    it('migration 012: users of the previous version become admins, their API tokens keep every scope', async () => {
      let store = await open();
      const user = await store.createUser({ username: 'old-admin', passwordHash: 'h', role: 'viewer' });
      await store.createApiToken({ name: 'old', tokenHash: 'hash-old', userId: user.id, scopes: ['read'] });
      await store.close();
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
      const kysely = new Kysely<unknown>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
      const { error } = await new Migrator({ db: kysely, provider: staticMigrationProvider, migrationTableSchema: schema }).migrateTo('010-rule-suppressions');
      await kysely.destroy();
      expect(error).toBeUndefined();
      store = await open();
      expect(await store.getUser(user.id)).toMatchObject({ role: 'admin', disabledAt: null });
      expect((await store.useApiToken('hash-old'))?.token).toMatchObject({ scopes: ['admin'], expiresAt: null });
      await store.close();
    });

    it('refuses a schema written by a newer Zoomtrail with StoreSchemaError', async () => {
      await (await open()).close();
      await adminQuery(`INSERT INTO "${schema}".kysely_migration (name, timestamp) VALUES ('999-future', '2030-01-01T00:00:00.000Z')`);
      const error = await open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreSchemaError);
      expect((error as StoreSchemaError).message).toContain('999-future');
    });

    it('requires ZOOMTRAIL_SECRET_KEY (or a key file), checks it at open, and keeps secrets sealed', async () => {
      const missing = await open({}).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(SecretKeyError);
      expect((missing as SecretKeyError).message).toContain('ZOOMTRAIL_SECRET_KEY');
      expect((missing as SecretKeyError).fix).toContain('ZOOMTRAIL_SECRET_KEY');

      const store = await open();
      const { id } = await store.createSource(sampleSource({ credentials: { clientSecret: TEST_CLIENT_SECRET, refreshToken: TEST_REFRESH_TOKEN } }));
      await store.close();
      const rows = await adminQuery(`SELECT client_secret_sealed, refresh_token_sealed FROM "${schema}".sources`);
      expect(JSON.stringify(rows.rows)).not.toContain(TEST_CLIENT_SECRET);
      expect(JSON.stringify(rows.rows)).not.toContain(TEST_REFRESH_TOKEN);

      const wrong = await open({ ZOOMTRAIL_SECRET_KEY: testSecretKey() }).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(SecretKeyError);
      expect((wrong as SecretKeyError).message).toMatch(/does not decrypt/);

      const dir = mkdtempSync(join(tmpdir(), 'zoomtrail-pg-key-'));
      try {
        const keyFile = join(dir, 'zoomtrail.key');
        writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
        const viaFile = await open({ ZOOMTRAIL_SECRET_KEY_FILE: keyFile });
        expect(await viaFile.getSourceCredentials(id)).toEqual({ clientSecret: TEST_CLIENT_SECRET, refreshToken: TEST_REFRESH_TOKEN });
        await expect(open({}, { secretKeyFile: join(dir, 'absent.key') })).rejects.toThrow(/absent\.key/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('fails to open with DatabaseConnectionError naming DATABASE_URL, without the password', async () => {
      const url = 'postgres://zoomtrail:hunter2secret@127.0.0.1:1/nothing';
      const error = await openPostgresStore({ url, clock, env: { ZOOMTRAIL_SECRET_KEY: key } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as DatabaseConnectionError).code).toBe('database_unreachable');
      expect((error as DatabaseConnectionError).message).toContain('DATABASE_URL');
      expect((error as DatabaseConnectionError).message).toContain('postgres://zoomtrail:***@127.0.0.1:1/nothing');
      expect(JSON.stringify((error as DatabaseConnectionError).toJSON())).not.toContain('hunter2secret');
    });

    it('two concurrent demotions of the last two admins (two pools): one wins, one gets LastAdminError, one admin stays', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      for (let round = 0; round < 12; round++) {
        const first = await a.createUser({ username: `admin-a-${round}`, passwordHash: 'h', role: 'admin' });
        const second = await a.createUser({ username: `admin-b-${round}`, passwordHash: 'h', role: 'admin' });
        // Every other admin of earlier rounds is gone: these two are the last ones.
        for (const user of await a.listUsers())
          if (user.role === 'admin' && user.id !== first.id && user.id !== second.id) await adminQuery(`UPDATE "${schema}".users SET role = 'viewer' WHERE id = $1`, [user.id]);
        const outcomes = await Promise.allSettled([
          a.updateUser(first.id, round % 2 === 0 ? { role: 'viewer' } : { disabled: true }),
          b.updateUser(second.id, { role: 'analyst' }),
        ]);
        expect(
          outcomes.filter((o) => o.status === 'fulfilled'),
          `round ${round}`,
        ).toHaveLength(1);
        const refused = outcomes.find((o) => o.status === 'rejected');
        expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(LastAdminError);
        const admins = (await a.listUsers()).filter((u) => u.role === 'admin' && u.disabledAt === null);
        expect(admins, `round ${round}`).toHaveLength(1);
      }
    });

    it('two stores (two pools) commit overlapping pages at once: each row stored once, inserted ids disjoint, day records equal rows', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const source = await a.createSource(sampleSource());
      const base = Date.parse('2026-03-07T00:00:00Z');
      const rows: EventRow[] = [];
      for (let i = 0; i < 600; i++) rows.push(sampleEvent(`r${String(i).padStart(4, '0')}`, base + i * 6 * 60_000));
      const pages = (from: number, to: number, reverse: boolean) => {
        const slice = rows.slice(from, to);
        if (reverse) slice.reverse();
        const out: EventRow[][] = [];
        for (let i = 0; i < slice.length; i += 50) out.push(slice.slice(i, i + 50));
        return out;
      };
      const run = async (store: Store, pagesOf: EventRow[][]) => {
        const ids: string[] = [];
        await Promise.all(
          [0, 1].map(async (lane) => {
            for (let p = lane; p < pagesOf.length; p += 2) {
              const result = await store.commitPage({
                sourceId: source.id,
                logType: 'Zoom.Activity',
                events: pagesOf[p]!,
                failures: [],
                days: [],
                stream: { lastPollAt: clock.now(), readingPages: p },
              });
              ids.push(...result.insertedEventIds);
            }
          }),
        );
        return ids;
      };
      const [idsA, idsB] = await Promise.all([run(a, pages(0, 450, false)), run(b, pages(150, 600, true))]);
      const all = [...idsA, ...idsB];
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(600);
      expect(await a.countEvents({})).toBe(600);
      expect(await b.countPendingDetection()).toBe(600);
      const coverage = await a.listDayCoverage(source.id, 'Zoom.Activity', '2026-03-01', '2026-03-31');
      const perDay = new Map<string, number>();
      for (const row of rows) perDay.set(row.day, (perDay.get(row.day) ?? 0) + 1);
      expect(new Map(coverage.map((d) => [d.day, d.records]))).toEqual(perDay);
      expect(await a.countEvents({ email: 'alice@example.com' })).toBe(600);
    });

    it('two concurrent commitDetection calls over overlapping rows: claimed once in all, one alert counting every match', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const source = await a.createSource(sampleSource());
      const base = Date.parse('2026-03-10T09:00:00Z');
      const events = Array.from({ length: 200 }, (_, i) => sampleEvent(`d${String(i).padStart(4, '0')}`, base + i * 1000));
      await a.commitPage({ sourceId: source.id, logType: 'Zoom.Activity', events, failures: [], days: [], stream: {} });
      const match = (e: EventRow): RuleMatchRow => ({
        ruleId: 'Test.Rule',
        rowId: e.rowId,
        sourceId: source.id,
        logType: 'Zoom.Activity',
        eventTimeMs: e.eventTimeMs,
        title: 'test',
        dedup: 'alice',
        severity: 'HIGH',
        context: {},
        dedupPeriodMs: 24 * 3_600_000,
        threshold: 1,
      });
      const commitOn = (store: Store, slice: EventRow[]) => store.commitDetection({ rowIds: slice.map((e) => e.rowId), matches: slice.map(match), errors: [] });
      const results = await Promise.all([commitOn(a, events.slice(0, 140)), commitOn(b, events.slice(60, 200)), commitOn(b, events.slice(0, 200).reverse())]);
      expect(results.reduce((n, r) => n + r.claimed, 0)).toBe(200);
      expect(results.reduce((n, r) => n + r.matched, 0)).toBe(200);
      expect(await a.countPendingDetection()).toBe(0);
      const alerts = await a.listAlerts({ ruleId: 'Test.Rule' });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.eventCount).toBe(200);
      expect(results.reduce((n, r) => n + r.raised.length, 0)).toBe(1);
      expect(await a.alertRowIds(alerts[0]!.id, 1000)).toHaveLength(200);
    });
  });
});
