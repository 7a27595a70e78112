import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEventQuery } from '../domain/event-query.js';
import { ManualClock } from '../shared/clock.js';
import { locatedSignIn } from './sign-in-history-store-contract.test-support.js';
import { page, pagedRowIds, sampleSource, START } from './store-contract.test-support.js';
import { migrateSqliteFileTo, migrateSqliteFileUp } from './sqlite-migration.test-support.js';
import { INDICATOR_KIND_CODES } from './indicator-kind-codes.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './sqlite-store.js';
import type { Store } from './store.js';

const BERLIN = { kind: 'public', country: 'DE', asn: 3320, lat: 52.52, lng: 13.405, accuracy_km: 20 };
const T = START - 86_400_000;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table) as { name: string }[]).map((c) => c.name);
}

/** Every indicator key with its event's row id (the kind by name: migration 027 stores it as an integer), sorted. */
function keysOf(db: Database.Database): string[] {
  const names = new Map<unknown, string>(Object.entries(INDICATOR_KIND_CODES).map(([name, code]) => [code, name]));
  return (db.prepare('SELECT i.kind, i.value, i.event_time_ms, e.row_id FROM event_indicators i JOIN events e ON e.rowid = i.event_rowid').raw(true).all() as unknown[][])
    .map(([kind, ...rest]) => [names.get(kind) ?? `unknown kind ${String(kind)}`, ...rest].join(' '))
    .sort();
}

/** Row ids of the events of a filter, pages of two through the cursor, newest first. */
const pagedByTwo = (store: Store, filter: Parameters<typeof pagedRowIds>[1]) => pagedRowIds(store, filter, 2);

describe('SQLite event_indicators keyed by the event rowid (migration 026)', () => {
  it('names each event by its rowid, not its row id; pages of an indicator stay in (time, row id) order, ties included', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-indicators-'));
    const store = await openSqliteStore({ dataDir: dir, clock: new ManualClock(START), env: {} });
    try {
      const { id } = await store.createSource(sampleSource());
      // Stored out of row-id order, three at one time: the key orders them by rowid, the page by row id.
      await store.commitPage(page(id, [locatedSignIn('s3', T, 'a@x.io', '198.51.100.1', BERLIN), locatedSignIn('s1', T, 'a@x.io', '198.51.100.2', BERLIN)]));
      await store.commitPage(page(id, [locatedSignIn('s2', T, 'a@x.io', '198.51.100.3', BERLIN), locatedSignIn('s0', T + 1000, 'b@x.io', '198.51.100.1', BERLIN)]));
      expect(await pagedByTwo(store, { email: 'a@x.io' })).toEqual(['s3', 's2', 's1']);
      expect(await pagedByTwo(store, { country: 'DE' })).toEqual(['s0', 's3', 's2', 's1']);
      expect(await pagedByTwo(store, { asn: 3320, email: 'b@x.io' })).toEqual(['s0']);
      const asc = [];
      for await (const event of store.queryEvents({ country: 'de', order: 'asc', limit: 10 })) asc.push(event.rowId);
      expect(asc).toEqual(['s1', 's2', 's3', 's0']);
    } finally {
      await store.close();
    }
    const db = new Database(path.join(dir, SQLITE_FILE_NAME));
    try {
      expect(columnsOf(db, 'event_indicators')).toEqual(['kind', 'value', 'event_time_ms', 'event_rowid']);
      expect(keysOf(db)).toContain(`email a@x.io ${T} s1`);
      expect(keysOf(db)).toHaveLength(4 * 4);
    } finally {
      db.close();
    }
  });

  it('carries the keys stored before it over, and back on the way down', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-indicators-'));
    const file = path.join(dir, SQLITE_FILE_NAME);
    const clock = new ManualClock(START);
    let before: string[];
    await storeThreeSignIns(dir, clock);
    {
      const db = new Database(file);
      before = keysOf(db);
      db.close();
    }
    // Down to 025 (026's down: the keys by row id again), then up with the store's own runner.
    await migrateSqliteFileTo(file, '025-sign-ins-by-event-rowid');
    {
      const db = new Database(file);
      expect(columnsOf(db, 'event_indicators')).toEqual(['row_id', 'kind', 'value', 'event_time_ms']);
      const old = (db.prepare('SELECT kind, value, event_time_ms, row_id FROM event_indicators').raw(true).all() as unknown[][]).map((r) => r.join(' ')).sort();
      expect(old).toEqual(before);
      db.close();
    }
    await migrateSqliteFileUp(file);
    {
      const db = new Database(file);
      expect(keysOf(db)).toEqual(before);
      expect(before.length).toBeGreaterThan(0);
      db.close();
    }
    const again = await openSqliteStore({ dataDir: dir, clock, env: {} });
    try {
      expect(await pagedByTwo(again, { email: 'a@x.io' })).toEqual(['s3', 's2']);
      expect(await pagedByTwo(again, { country: 'DE' })).toEqual(['s1', 's3', 's2']);
    } finally {
      await again.close();
    }
  });

  it('stores each kind as its small integer (migration 027): the keys carried over, back to names on the way down, and read the same', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-indicators-'));
    const file = path.join(dir, SQLITE_FILE_NAME);
    const clock = new ManualClock(START);
    await storeThreeSignIns(dir, clock);
    let before: string[];
    {
      const db = new Database(file);
      const kinds = db.prepare("SELECT DISTINCT typeof(kind) || ' ' || kind FROM event_indicators ORDER BY 1").pluck().all();
      expect(kinds).toEqual(['integer 0', 'integer 1', 'integer 2', 'integer 3']);
      before = keysOf(db);
      expect(before).toContain(`email a@x.io ${T} s3`);
      expect(before).toHaveLength(3 * 4);
      db.close();
    }
    // Down to 026 (027's down: the kinds by name again), then up with the store's own runner.
    await migrateSqliteFileTo(file, '026-indicators-by-event-rowid');
    {
      const db = new Database(file);
      const old = (db.prepare('SELECT i.kind, i.value, i.event_time_ms, e.row_id FROM event_indicators i JOIN events e ON e.rowid = i.event_rowid').raw(true).all() as unknown[][])
        .map((r) => r.join(' '))
        .sort();
      expect(old).toEqual(before);
      db.close();
    }
    await migrateSqliteFileUp(file);
    {
      const db = new Database(file);
      expect(keysOf(db)).toEqual(before);
      db.close();
    }
    const again = await openSqliteStore({ dataDir: dir, clock, env: {} });
    try {
      expect(await pagedByTwo(again, { email: 'a@x.io' })).toEqual(['s3', 's2']);
      expect(await pagedByTwo(again, { country: 'DE' })).toEqual(['s1', 's3', 's2']);
      expect(await pagedByTwo(again, { asn: 3320, email: 'c@x.io' })).toEqual(['s1']);
      expect(await pagedByTwo(again, { ipAddress: '198.51.100.3' })).toEqual(['s2']);
      // An ASN range reads the ASN keys by their kind.
      const inRange = async (text: string) => {
        const parsed = parseEventQuery(text);
        if (!parsed.ok || !parsed.query) throw new Error(text);
        const out: string[] = [];
        for await (const event of again.queryEvents({ where: parsed.query })) out.push(event.rowId);
        return out.sort();
      };
      expect(await inRange('asn>=3300 asn<=3400')).toEqual(['s1', 's2', 's3']);
      expect(await inRange('asn>=3321')).toEqual([]);
    } finally {
      await again.close();
    }
  });
});

/** A store in `dir` with three located sign-ins (s3 and s2 of a@x.io at T, s1 of c@x.io at T + 5 ms), closed. */
async function storeThreeSignIns(dir: string, clock: ManualClock): Promise<void> {
  const store = await openSqliteStore({ dataDir: dir, clock, env: {} });
  try {
    const { id } = await store.createSource(sampleSource());
    await store.commitPage(page(id, [locatedSignIn('s3', T, 'a@x.io', '198.51.100.1', BERLIN), locatedSignIn('s1', T + 5, 'c@x.io', '198.51.100.2', BERLIN)]));
    await store.commitPage(page(id, [locatedSignIn('s2', T, 'a@x.io', '198.51.100.3', BERLIN)]));
  } finally {
    await store.close();
  }
}
