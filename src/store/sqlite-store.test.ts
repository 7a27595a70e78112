import { DEFAULT_HISTORY_SETTINGS, historyWindows } from '../domain/history-settings.js';
import { parseEventQuery } from '../domain/event-query.js';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { FILL_BATCH } from './migrations/034-sqlite-change-names-column.js';
import { MIGRATIONS, staticMigrationProvider } from './migrations/migration-list.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { EventReader } from './event-reader.js';
import { KEY_FILE_NAME } from './secret-box.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './sqlite-store.js';
import { describeAlertStoreContract } from './alert-store-contract.test-support.js';
import { describeAuthStoreContract } from './auth-store-contract.test-support.js';
import { describeDestinationStoreContract } from './destination-store-contract.test-support.js';
import { describeCoverageStoreContract } from './coverage-store-contract.test-support.js';
import { describeEventStoreContract } from './event-store-contract.test-support.js';
import { describeSourceStoreContract } from './source-store-contract.test-support.js';
import {
  collect,
  ACTIVITY,
  normalizedEvent,
  OPERATION,
  sampleEvent,
  sampleOperationEvent,
  sampleSource,
  settingsOperation,
  TEST_CLIENT_SECRET,
  TEST_REFRESH_TOKEN,
  type StoreContractOptions,
} from './store-contract.test-support.js';
import { DataDirError, SecretKeyError, StoreSchemaError } from './store-errors.js';
import type { StoreTables } from './store-tables.js';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zoomtrail-store-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// The file-backed SQLite store runs the contracts in store-contracts.test.ts, beside PostgreSQL (STORE=sqlite,postgres).

describeAlertStoreContract('SQLite (in memory)', async ({ clock, batchSize }) => {
  const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {}, batchSize });
  return { store, cleanup: () => store.close() };
});

describeAuthStoreContract('SQLite (in memory)', async ({ clock }) => {
  const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {} });
  return { store, cleanup: () => store.close() };
});

async function openInMemory({ clock, batchSize }: StoreContractOptions) {
  const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {}, batchSize });
  return { store, cleanup: () => store.close() };
}
describeSourceStoreContract('SQLite (in memory)', openInMemory);
describeEventStoreContract('SQLite (in memory)', openInMemory);
describeCoverageStoreContract('SQLite (in memory)', openInMemory);
describeDestinationStoreContract('SQLite (in memory)', openInMemory);

describe('SQLite store', () => {
  let clock: ManualClock;
  let dataDir: string;
  beforeEach(() => {
    clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
    dataDir = join(tempDir(), 'data', 'nested');
  });

  const hexKey = () => randomBytes(32).toString('hex');

  it('creates the data directory and a key file with mode 0600 on first run', async () => {
    const store = await openSqliteStore({ dataDir, clock, env: {} });
    await store.close();
    const keyFile = join(dataDir, KEY_FILE_NAME);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(dataDir, SQLITE_FILE_NAME))).toBe(true);
  });

  it('keeps the data directory (0700), the database and its WAL and shared-memory files (0600) private to their owner, whatever the umask', async () => {
    const previous = process.umask(0o022);
    try {
      const store = await openSqliteStore({ dataDir, clock, env: {} });
      await store.createSource(sampleSource());
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const file of [SQLITE_FILE_NAME, `${SQLITE_FILE_NAME}-wal`, `${SQLITE_FILE_NAME}-shm`, KEY_FILE_NAME]) {
        expect(statSync(join(dataDir, file)).mode & 0o777, file).toBe(0o600);
      }
      expect(store.securityWarnings()).toEqual([]);
      await store.close();
    } finally {
      process.umask(previous);
    }
  });

  it('warns, with the fix, when the key file can be read by others', async () => {
    await (await openSqliteStore({ dataDir, clock, env: {} })).close();
    chmodSync(join(dataDir, KEY_FILE_NAME), 0o644);
    const store = await openSqliteStore({ dataDir, clock, env: {} });
    expect(store.securityWarnings()).toEqual([expect.stringContaining(`chmod 600 ${join(dataDir, KEY_FILE_NAME)}`)]);
    await store.close();
  });

  it('reopens with the same key and reads the credentials back', async () => {
    let store = await openSqliteStore({ dataDir, clock, env: {} });
    const { id } = await store.createSource(sampleSource({ credentials: { clientSecret: TEST_CLIENT_SECRET, refreshToken: TEST_REFRESH_TOKEN } }));
    await store.close();
    store = await openSqliteStore({ dataDir, clock, env: {} });
    expect(await store.getSourceCredentials(id)).toEqual({ clientSecret: TEST_CLIENT_SECRET, refreshToken: TEST_REFRESH_TOKEN });
    await store.close();
  });

  it('uses ZOOMTRAIL_SECRET_KEY (hex or base64) without writing a key file', async () => {
    const key = randomBytes(32);
    let store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: key.toString('hex') } });
    const { id } = await store.createSource(sampleSource());
    await store.close();
    expect(existsSync(join(dataDir, KEY_FILE_NAME))).toBe(false);
    store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: key.toString('base64') } });
    expect((await store.getSourceCredentials(id)).clientSecret).toBe(TEST_CLIENT_SECRET);
    await store.close();
  });

  it('fails at open with SecretKeyError when ZOOMTRAIL_SECRET_KEY is not the key the database was sealed with', async () => {
    const store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: hexKey() } });
    await store.close();
    const error = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: hexKey() } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as SecretKeyError).code).toBe('secret_key');
    expect((error as SecretKeyError).message).toMatch(/ZOOMTRAIL_SECRET_KEY does not decrypt/);
    expect((error as SecretKeyError).fix).toContain(join(dataDir, KEY_FILE_NAME));

    // A different key file is caught the same way, even with no source stored.
    writeFileSync(join(dataDir, KEY_FILE_NAME), hexKey());
    await expect(openSqliteStore({ dataDir, clock, env: {} })).rejects.toThrow(/does not decrypt/);
  });

  it('fails with SecretKeyError, not a new key, when the key file is deleted while secrets exist', async () => {
    const store = await openSqliteStore({ dataDir, clock, env: {} });
    await store.createSource(sampleSource());
    await store.close();
    const keyFile = join(dataDir, KEY_FILE_NAME);
    rmSync(keyFile);
    const error = await openSqliteStore({ dataDir, clock, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as SecretKeyError).message).toContain(`The key file ${keyFile} is missing`);
    expect((error as SecretKeyError).fix).toContain('ZOOMTRAIL_SECRET_KEY');
    expect(existsSync(keyFile)).toBe(false);
  });

  it('rejects a malformed ZOOMTRAIL_SECRET_KEY or key file with the expected format', async () => {
    for (const bad of ['secret', 'abcd'.repeat(15), randomBytes(16).toString('base64')]) {
      const error = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: bad } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretKeyError);
      expect((error as SecretKeyError).message).toMatch(/64 hexadecimal characters or the base64 encoding of 32 bytes/);
      expect((error as SecretKeyError).message).not.toContain(bad);
    }
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, KEY_FILE_NAME), 'too short');
    await expect(openSqliteStore({ dataDir, clock, env: {} })).rejects.toThrow(/does not hold a 32-byte key/);
  });

  it('gives DataDirError naming the path and the reason when the data directory cannot be created', async () => {
    const file = join(tempDir(), 'file.txt');
    writeFileSync(file, 'not a directory');
    const bad = join(file, 'data');
    const error = await openSqliteStore({ dataDir: bad, clock, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirError);
    expect((error as DataDirError).code).toBe('data_dir');
    expect((error as DataDirError).message).toContain(bad);
    expect((error as DataDirError).message).toMatch(/ENOTDIR|EEXIST/);
    expect((error as DataDirError).fix).toMatch(/--data-dir/);

    await expect(openSqliteStore({ dataDir: file, clock, env: {} })).rejects.toBeInstanceOf(DataDirError);
  });

  it('runs the migrations on an empty database and is idempotent on reopen; WAL is on', async () => {
    for (let i = 0; i < 2; i++) {
      const store = await openSqliteStore({ dataDir, clock, env: {} });
      await store.close();
    }
    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all()).toEqual(Object.keys(MIGRATIONS));
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely%' AND name NOT LIKE 'sqlite%' ORDER BY name").pluck().all();
      expect(tables).toEqual([
        'alert_events',
        'alert_history',
        'alerts',
        'api_tokens',
        'audit_log',
        'budget_holds',
        'classification_failures',
        'coverage_records',
        'day_coverage',
        'deliveries',
        'delivery_attempts',
        'destinations',
        'detection_pending',
        'event_hour_counts',
        'event_indicators',
        'events',
        'events_search',
        'events_search_config',
        'events_search_data',
        'events_search_docsize',
        'events_search_idx',
        'events_search_keys',
        'forward_log',
        'heartbeats',
        'history_pending',
        'meta',
        'oauth_states',
        'oidc_identities',
        'oidc_logins',
        'request_budget',
        'rule_errors',
        'rule_set_instances',
        'rule_suppressions',
        'rule_tuning',
        'saved_searches',
        'sessions',
        'setup_tokens',
        'sign_ins',
        'sink_cursors',
        'sink_dead_letters',
        'sink_leases',
        'sinks',
        'source_leases',
        'sources',
        'streams',
        'users',
      ]);
      // Derived rows are written by the page writer from the event it holds: no INSERT trigger parses the stored JSON again (015).
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%AFTER INSERT ON events%'").pluck().all()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('migration 011 keeps the enabled choices of rule_settings as tuning, and its down gives them back', async () => {
    let store = await openSqliteStore({ dataDir, clock, env: {} });
    await store.close();
    const file = join(dataDir, SQLITE_FILE_NAME);
    let kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    expect((await new Migrator({ db: kysely, provider: staticMigrationProvider }).migrateTo('010-rule-suppressions')).error).toBeUndefined();
    await kysely.destroy();
    const raw = new Database(file);
    raw.prepare('INSERT INTO rule_settings (rule_id, enabled, updated_at) VALUES (?, ?, ?)').run('Zoom.A', 0, 1000);
    raw.prepare('INSERT INTO rule_settings (rule_id, enabled, updated_at) VALUES (?, ?, ?)').run('Zoom.B', 1, 2000);
    raw.close();

    store = await openSqliteStore({ dataDir, clock, env: {} });
    try {
      expect(await store.ruleEnabledOverrides()).toEqual(
        new Map([
          ['Zoom.A', false],
          ['Zoom.B', true],
        ]),
      );
      expect(await store.getRuleTuning('Zoom.A')).toMatchObject({ enabled: false, severity: null, threshold: null, updatedBy: 'unknown', updatedAt: 1000 });
      await store.tuneRule('Zoom.C', { threshold: 4 }, 'dana');
    } finally {
      await store.close();
    }
    kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    expect((await new Migrator({ db: kysely, provider: staticMigrationProvider }).migrateTo('010-rule-suppressions')).error).toBeUndefined();
    await kysely.destroy();
    const back = new Database(file);
    // Only the enabled choices go back (rule_settings kept nothing else).
    expect(back.prepare('SELECT rule_id, enabled FROM rule_settings ORDER BY rule_id').all()).toEqual([
      { rule_id: 'Zoom.A', enabled: 0 },
      { rule_id: 'Zoom.B', enabled: 1 },
    ]);
    back.close();
  });

  it('upgrades a database of the previous version (001 only) in place, keeping its data; old events are not queued for detection', async () => {
    let store = await openSqliteStore({ dataDir, clock, env: {} });
    const source = await store.createSource(sampleSource());
    await store.commitPage({ sourceId: source.id, logType: 'Zoom.Activity', events: [sampleEvent('old', clock.now())], failures: [], days: [], stream: {} });
    await store.close();
    // Back to the previous version's schema, data kept.
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(join(dataDir, SQLITE_FILE_NAME)) }) });
    const { error } = await new Migrator({ db: kysely, provider: staticMigrationProvider }).migrateTo('001-initial');
    expect(error).toBeUndefined();
    await kysely.destroy();

    store = await openSqliteStore({ dataDir, clock, env: {} });
    try {
      expect((await store.getSource(source.id))?.name).toBe(source.name);
      expect(await store.countEvents({})).toBe(1);
      expect(await store.countPendingDetection()).toBe(0);
      // Migration 009: the old sign-in is copied into the history, not queued for the history rules.
      expect(await store.countHistoryPending()).toBe(0);
      expect([...(await store.signInHistory(source.id, ['old'], historyWindows(DEFAULT_HISTORY_SETTINGS))).keys()]).toEqual(['old']);
      await store.commitPage({ sourceId: source.id, logType: 'Zoom.Activity', events: [sampleEvent('new', clock.now() + 60_000)], failures: [], days: [], stream: {} });
      expect((await store.listPendingDetection(10)).map((e) => e.rowId)).toEqual(['new']);
      expect(await store.countHistoryPending()).toBe(1);
      expect((await store.signInHistory(source.id, ['new'], historyWindows(DEFAULT_HISTORY_SETTINGS))).get('new')?.context.previous?.rowId).toBe('old');
    } finally {
      await store.close();
    }
  });

  it('migration 034: change names in a stored column, filled from the stored p_udm or the derived one; down drops it', async () => {
    let store = await openSqliteStore({ dataDir, clock, env: {} });
    const source = await store.createSource(sampleSource());
    const t = Date.parse('2026-03-10T10:00:00Z');
    const derived = normalizedEvent(source.id, OPERATION, 'derived', {
      time: new Date(t).toISOString(),
      operator: 'admin@example.com',
      category_type: 'User Settings',
      action: 'Update',
      operation_detail: 'Meeting  - Breakout room: from On to Off',
    });
    const kept = sampleOperationEvent('kept', t + 1_000, {
      category_type: 'Account',
      action: 'Update',
      operation_detail: 'Meeting - Require passcode: from On to Off',
      changes: ['Require a Passcode', 'Share 50%_\\x'],
    });
    await store.commitPage({ sourceId: source.id, logType: OPERATION, events: [derived, kept], failures: [], days: [], stream: {} });
    await store.commitPage({ sourceId: source.id, logType: ACTIVITY, events: [sampleEvent('act', t + 2_000)], failures: [], days: [], stream: {} });
    await store.close();
    const file = join(dataDir, SQLITE_FILE_NAME);
    const namesOf = (db: Database.Database) => db.prepare('SELECT row_id, change_names FROM events ORDER BY row_id').all();
    const written = [
      { row_id: 'act', change_names: null },
      { row_id: 'derived', change_names: 'breakout room' },
      { row_id: 'kept', change_names: 'require a passcode\nshare 50%_\\x' },
    ];
    let raw = new Database(file);
    expect(namesOf(raw)).toEqual(written);
    // The two kinds of rows: p_udm derived on read (not stored), and p_udm stored in the JSON.
    const storedJson = (rowId: string) => JSON.parse(raw.prepare('SELECT event_json FROM events WHERE row_id = ?').pluck().get(rowId) as string) as Record<string, unknown>;
    expect(storedJson('derived')).not.toHaveProperty('p_udm');
    expect(storedJson('kept')).toHaveProperty('p_udm');
    raw.close();

    // Down: the column goes, the rows stay as they are.
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    expect((await new Migrator({ db: kysely, provider: staticMigrationProvider }).migrateTo('033-derived-operation-udm')).error).toBeUndefined();
    await kysely.destroy();
    raw = new Database(file);
    expect((raw.pragma('table_info(events)') as { name: string }[]).map((c) => c.name)).not.toContain('change_names');
    expect(storedJson('derived')).not.toHaveProperty('p_udm');
    raw.close();

    // Up (the store's open): the column filled for the rows stored before it; a row stored after it is written with it.
    store = await openSqliteStore({ dataDir, clock, env: {} });
    try {
      const after = normalizedEvent(source.id, OPERATION, 'after', {
        time: new Date(t + 3_000).toISOString(),
        operator: 'admin@example.com',
        category_type: 'User Settings',
        action: 'Update',
        operation_detail: 'Meeting  - Waiting room: from Off to On',
      });
      await store.commitPage({ sourceId: source.id, logType: OPERATION, events: [after], failures: [], days: [], stream: {} });
      const found = async (changeName: string) => (await collect(store.queryEvents({ changeName }))).map((e) => e.rowId);
      expect(await found('BREAKOUT')).toEqual(['derived']);
      expect(await found('passcode')).toEqual(['kept']);
      expect(await found('room')).toEqual(['derived', 'after']);
      expect(await found('50%_\\')).toEqual(['kept']);
      expect(await found('50%_\\y')).toEqual([]);
      expect(await store.getEvent('derived')).toMatchObject({ event: derived.event });
    } finally {
      await store.close();
    }
    raw = new Database(file);
    expect(namesOf(raw)).toEqual([...written.slice(0, 1), { row_id: 'after', change_names: 'waiting room' }, ...written.slice(1)]);
    raw.close();
  });

  it('migration 034 fills the rows of every batch', async () => {
    let store = await openSqliteStore({ dataDir, clock, env: {} });
    const source = await store.createSource(sampleSource());
    const t = Date.parse('2026-03-10T10:00:00Z');
    const rows = Array.from({ length: FILL_BATCH + 100 }, (_, i) =>
      sampleOperationEvent(`op${String(i).padStart(5, '0')}`, t + i * 1_000, {
        category_type: 'Account',
        action: 'Update',
        operation_detail: `Setting ${i}`,
        changes: [`Setting ${i}`],
      }),
    );
    for (let i = 0; i < rows.length; i += 300) {
      await store.commitPage({ sourceId: source.id, logType: OPERATION, events: rows.slice(i, i + 300), failures: [], days: [], stream: {} });
    }
    await store.close();
    const file = join(dataDir, SQLITE_FILE_NAME);
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    expect((await new Migrator({ db: kysely, provider: staticMigrationProvider }).migrateTo('033-derived-operation-udm')).error).toBeUndefined();
    await kysely.destroy();
    store = await openSqliteStore({ dataDir, clock, env: {} });
    await store.close();
    const raw = new Database(file);
    try {
      expect(raw.prepare('SELECT count(*) FROM events WHERE change_names IS NOT NULL').pluck().get()).toBe(rows.length);
      expect(raw.prepare("SELECT change_names FROM events WHERE row_id = 'op02099'").pluck().get()).toBe('setting 2099');
    } finally {
      raw.close();
    }
  });

  it('change-name search runs on a connection opened with plain better-sqlite3 (no SQL function registered)', async () => {
    const store = await openSqliteStore({ dataDir, clock, env: {} });
    const source = await store.createSource(sampleSource());
    const op = (rowId: string, time: string, detail: string) =>
      normalizedEvent(source.id, OPERATION, rowId, { time, operator: 'admin@example.com', category_type: 'User Settings', action: 'Update', operation_detail: detail });
    const rows = [
      op('n1', '2026-03-10T10:00:00Z', 'Meeting  - Breakout room: from On to Off - Waiting room: from Off to On'),
      op('n2', '2026-03-10T10:01:00Z', 'Recording  - Automatic recording: from Off to On'),
    ];
    await store.commitPage({ sourceId: source.id, logType: OPERATION, events: rows, failures: [], days: [], stream: {} });
    await store.close();
    const plain = new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true }) }) });
    try {
      const reader = new EventReader(plain, 100, 'sqlite');
      const where = (text: string) => {
        const parsed = parseEventQuery(text);
        if (!parsed.ok || !parsed.query) throw new Error(`${text}: not a query`);
        return parsed.query;
      };
      expect((await collect(reader.events({ changeName: 'breakout' }))).map((e) => e.rowId)).toEqual(['n1']);
      expect(await reader.countEvents({ changeName: 'room' })).toBe(1);
      expect(await reader.countEvents({ changeName: 'ro' })).toBe(1);
      expect((await collect(reader.events({ where: where('change:"waiting*"') }))).map((e) => e.rowId)).toEqual(['n1']);
      expect((await collect(reader.events({ where: where('NOT change:"*room"') }))).map((e) => e.rowId)).toEqual(['n2']);
      expect(await reader.histogram({ changeName: 'automatic' }, Date.parse('2026-03-10T10:00:00Z'), Date.parse('2026-03-10T10:02:00Z'), 60_000)).toEqual([0, 1]);
    } finally {
      await plain.destroy();
    }
  });

  it('migration 033: an operation stored without p_udm before it was derived reads without one; its down stores the derived ones again', async () => {
    let store = await openSqliteStore({ dataDir, clock, env: {} });
    const source = await store.createSource(sampleSource());
    const op = (rowId: string, time: string) => settingsOperation(source.id, rowId, time);
    const rows = [op('with', '2026-03-10T10:00:00Z'), op('legacy', '2026-03-10T10:01:00Z')];
    await store.commitPage({ sourceId: source.id, logType: OPERATION, events: rows, failures: [], days: [], stream: {} });
    await store.close();
    const file = join(dataDir, SQLITE_FILE_NAME);
    const storedJson = (db: Database.Database, rowId: string) =>
      JSON.parse(db.prepare('SELECT event_json FROM events WHERE row_id = ?').pluck().get(rowId) as string) as Record<string, unknown>;
    const raw = new Database(file);
    expect(storedJson(raw, 'with')).not.toHaveProperty('p_udm');
    raw.close();

    // Down: the rows as the earlier code stores them (p_udm kept).
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    expect((await new Migrator({ db: kysely, provider: staticMigrationProvider }).migrateTo('030-forward-log-writer-lock')).error).toBeUndefined();
    await kysely.destroy();
    const old = new Database(file);
    expect(storedJson(old, 'with').p_udm).toEqual(rows[0]!.event.p_udm);
    // An operation event that had no p_udm, as the earlier code stored it (compact, without one).
    const { p_udm: _udm, ...legacy } = storedJson(old, 'legacy');
    old.prepare('UPDATE events SET event_json = ? WHERE row_id = ?').run(JSON.stringify(legacy), 'legacy');
    old.close();

    store = await openSqliteStore({ dataDir, clock, env: {} });
    try {
      expect(JSON.stringify((await store.getEvent('with'))?.event)).toBe(JSON.stringify(rows[0]!.event));
      const { p_udm: _derived, ...withoutUdm } = rows[1]!.event;
      expect(JSON.stringify((await store.getEvent('legacy'))?.event)).toBe(JSON.stringify(withoutUdm));
      expect((await collect(store.queryEvents({ changeName: 'breakout' }))).map((e) => e.rowId)).toEqual(['with']);
    } finally {
      await store.close();
    }
  });

  it('migration 012: users of the previous version become admins, their API tokens keep every scope', async () => {
    let store = await openSqliteStore({ dataDir, clock, env: {} });
    const user = await store.createUser({ username: 'old-admin', passwordHash: 'h', role: 'viewer' });
    await store.createApiToken({ name: 'old', tokenHash: 'hash-old', userId: user.id, scopes: ['read'] });
    await store.close();
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(join(dataDir, SQLITE_FILE_NAME)) }) });
    const { error } = await new Migrator({ db: kysely, provider: staticMigrationProvider }).migrateTo('010-rule-suppressions');
    expect(error).toBeUndefined();
    await kysely.destroy();
    store = await openSqliteStore({ dataDir, clock, env: {} });
    try {
      expect(await store.getUser(user.id)).toMatchObject({ role: 'admin', disabledAt: null });
      expect((await store.useApiToken('hash-old'))?.token).toMatchObject({ scopes: ['admin'], expiresAt: null });
    } finally {
      await store.close();
    }
  });

  it('refuses a database written by a newer Zoomtrail with StoreSchemaError', async () => {
    const store = await openSqliteStore({ dataDir, clock, env: {} });
    await store.close();
    const db = new Database(join(dataDir, SQLITE_FILE_NAME));
    db.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES ('999-future', '2030-01-01T00:00:00.000Z')").run();
    db.close();
    const error = await openSqliteStore({ dataDir, clock, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreSchemaError);
    expect((error as StoreSchemaError).message).toContain('999-future');
  });

  it('keeps secrets out of the database file in plain text', async () => {
    const store = await openSqliteStore({ dataDir, clock, env: {} });
    const { id } = await store.createSource(sampleSource({ credentials: { clientSecret: TEST_CLIENT_SECRET, refreshToken: TEST_REFRESH_TOKEN } }));
    await store.setSourceCredentials(id, { refreshToken: `${TEST_REFRESH_TOKEN}-2` });
    await store.commitPage({ sourceId: id, logType: 'Zoom.Activity', events: [sampleEvent('r1', clock.now())], failures: [], days: [], stream: {} });
    await store.close();
    const files = ['', '-wal', '-shm'].map((suffix) => join(dataDir, SQLITE_FILE_NAME + suffix)).filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.includes('client-abc')).toBe(true); // the file is readable: the check would find plain text
    for (const secret of [TEST_CLIENT_SECRET, TEST_REFRESH_TOKEN]) {
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false);
    }
  });

  it('keeps an in-memory store off the disk and uses ZOOMTRAIL_SECRET_KEY when given', async () => {
    const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: { ZOOMTRAIL_SECRET_KEY: hexKey() } });
    const { id } = await store.createSource(sampleSource());
    expect((await store.getSourceCredentials(id)).clientSecret).toBe(TEST_CLIENT_SECRET);
    await store.close();
    await store.close(); // idempotent
    expect(existsSync(':memory:')).toBe(false);
    await expect(openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: { ZOOMTRAIL_SECRET_KEY: 'nope' } })).rejects.toBeInstanceOf(SecretKeyError);
  });
});
