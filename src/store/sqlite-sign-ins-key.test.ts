import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { historyWindows, DEFAULT_HISTORY_SETTINGS } from '../domain/history-settings.js';
import { ManualClock } from '../shared/clock.js';
import { locatedSignIn } from './sign-in-history-store-contract.test-support.js';
import { page, sampleSource, START } from './store-contract.test-support.js';
import { migrateSqliteFileTo, migrateSqliteFileUp } from './sqlite-migration.test-support.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './sqlite-store.js';

const BERLIN = { kind: 'public', country: 'de', asn: 3320, lat: 52.52, lng: 13.405, accuracy_km: 20 };
const WINDOWS = historyWindows(DEFAULT_HISTORY_SETTINGS);

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The table's B-trees other than itself: its indexes, with SQLite's automatic ones (a UNIQUE or non-integer PRIMARY KEY). */
function indexesOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name`).pluck().all(table) as string[]).sort();
}

function plan(db: Database.Database, query: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
}

describe('SQLite sign_ins keyed by the event rowid (migration 025)', () => {
  it('writes one B-tree per sign-in before its secondary indexes, finds sign-ins by row id through events, deletes them with their events', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-sign-ins-'));
    const clock = new ManualClock(START);
    const store = await openSqliteStore({ dataDir: dir, clock, env: {} });
    try {
      const { id } = await store.createSource(sampleSource());
      const t = START - 86_400_000;
      await store.commitPage(page(id, [locatedSignIn('s1', t, 'a@x.io', '198.51.100.1', BERLIN), locatedSignIn('s2', t + 1000, 'a@x.io', '198.51.100.2', BERLIN)]));
      const history = await store.signInHistory(id, ['s2'], WINDOWS);
      expect(history.get('s2')?.context.previous?.rowId).toBe('s1');
      expect((await store.signInsByRowIds(['s1', 's2', 'missing'])).map((s) => s.rowId).sort()).toEqual(['s1', 's2']);
    } finally {
      await store.close();
    }
    const db = new Database(path.join(dir, SQLITE_FILE_NAME));
    try {
      expect(indexesOf(db, 'sign_ins')).toEqual(['sign_ins_ip_time', 'sign_ins_time_country', 'sign_ins_user_asn_time', 'sign_ins_user_country_time', 'sign_ins_user_time']);
      expect(db.prepare('SELECT e.rowid = s.event_rowid FROM sign_ins s JOIN events e ON e.row_id = s.row_id').pluck().all()).toEqual([1, 1]);
      const byRowId = plan(db, 'SELECT s.* FROM events e JOIN sign_ins s ON s.event_rowid = e.rowid WHERE e.row_id = ?', 's1');
      expect(byRowId).not.toMatch(/SCAN/);
      db.prepare("DELETE FROM events WHERE row_id = 's1'").run();
      expect(db.prepare('SELECT row_id FROM sign_ins').pluck().all()).toEqual(['s2']);
    } finally {
      db.close();
    }
  });

  it('carries the sign-ins stored before it over, and back on the way down', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-sign-ins-'));
    const file = path.join(dir, SQLITE_FILE_NAME);
    const clock = new ManualClock(START);
    const store = await openSqliteStore({ dataDir: dir, clock, env: {} });
    let sourceId: string;
    try {
      sourceId = (await store.createSource(sampleSource())).id;
    } finally {
      await store.close();
    }
    // Back to 023 (the store ran 025: its down), then a sign-in stored the old way.
    await migrateSqliteFileTo(file, '023-saved-searches');
    {
      const db = new Database(file);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'sqlite_autoindex_sign_ins_1'").all()).toHaveLength(1);
      db.close();
    }
    {
      const db = new Database(file);
      const t = START - 86_400_000;
      db.prepare(`INSERT INTO events (row_id, source_id, log_type, day, event_time_ms, stored_at, event_json) VALUES ('e0', ?, 'Zoom.Operation', '2026-03-09', ?, ?, '{}')`).run(
        sourceId,
        t,
        t,
      );
      db.prepare(`INSERT INTO events (row_id, source_id, log_type, day, event_time_ms, stored_at, event_json) VALUES ('old', ?, 'Zoom.Activity', '2026-03-09', ?, ?, '{}')`).run(
        sourceId,
        t,
        t,
      );
      db.prepare(
        `INSERT INTO sign_ins (row_id, source_id, user_key, event_time_ms, ip, country, asn, lat, lng, accuracy_km) VALUES ('old', ?, 'a@x.io', ?, '198.51.100.1', 'DE', 3320, 52.5, 13.4, 20)`,
      ).run(sourceId, t);
      db.close();
    }
    await migrateSqliteFileUp(file);
    const db = new Database(file);
    try {
      expect(db.prepare("SELECT s.event_rowid = e.rowid AS same, s.user_key FROM sign_ins s JOIN events e ON e.row_id = s.row_id WHERE s.row_id = 'old'").get()).toEqual({
        same: 1,
        user_key: 'a@x.io',
      });
      expect(db.prepare("SELECT event_rowid FROM sign_ins WHERE row_id = 'old'").pluck().get()).toBe(2);
      expect(indexesOf(db, 'sign_ins')).not.toContain('sqlite_autoindex_sign_ins_1');
      db.prepare("DELETE FROM events WHERE row_id = 'old'").run();
      expect(db.prepare('SELECT count(*) FROM sign_ins').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
