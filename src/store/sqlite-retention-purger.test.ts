import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './sqlite-store.js';
import { page, sampleEvent, sampleSource } from './store-contract.test-support.js';
import type { Store } from './store.js';

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const DAY = Date.parse('2026-03-01T00:00:00Z');
const clock = () => new ManualClock(Date.parse('2026-03-10T12:00:00Z'));

/** `count` sign-ins on 2026-03-01 (+ `dayOffset` days), each with its own email and IP, in pages of 500. */
async function fill(store: Store, sourceId: string, count: number, dayOffset = 0, prefix = 'r'): Promise<void> {
  for (let i = 0; i < count; i += 500) {
    const events = Array.from({ length: Math.min(500, count - i) }, (_, j) => {
      const n = i + j;
      return sampleEvent(
        `${prefix}${dayOffset}-${String(n).padStart(6, '0')}`,
        DAY + dayOffset * 86_400_000 + n * 1000,
        `user${n}@example.com`,
        `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`,
      );
    });
    await store.commitPage(page(sourceId, events));
  }
}

/** Reads the file's own figures on a second connection, after checkpointing the WAL into it. */
function fileFacts(file: string): { autoVacuum: number; pages: number; freePages: number; bytes: number; indicators: number; queued: number } {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    return {
      autoVacuum: Number(db.pragma('auto_vacuum', { simple: true })),
      pages: Number(db.pragma('page_count', { simple: true })),
      freePages: Number(db.pragma('freelist_count', { simple: true })),
      bytes: statSync(file).size,
      indicators: Number(db.prepare('SELECT count(*) FROM event_indicators').pluck().get()),
      queued: Number(db.prepare('SELECT count(*) FROM detection_pending').pluck().get()),
    };
  } finally {
    db.close();
  }
}

async function purgeAll(store: Store, beforeDay: string): Promise<number> {
  let events = 0;
  for (;;) {
    const batch = await store.purgeBefore('Zoom.Activity', beforeDay, 1000);
    events += batch.events;
    if (batch.done) return events;
  }
}

describe('SQLite retention: space', () => {
  it('creates new databases with incremental auto-vacuum and gives the purged space back to the file system', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zoomtrail-retention-'));
    tempDirs.push(dataDir);
    const file = join(dataDir, SQLITE_FILE_NAME);
    const store = await openSqliteStore({ dataDir, clock: clock(), env: {} });
    try {
      const { id } = await store.createSource(sampleSource());
      await fill(store, id, 3000);
      const full = fileFacts(file);
      expect(full.autoVacuum).toBe(2); // INCREMENTAL
      expect(full.indicators).toBe(6000);

      expect(await purgeAll(store, '2026-03-02')).toBe(3000);
      const purged = fileFacts(file);
      expect([purged.indicators, purged.queued]).toEqual([0, 0]);
      expect(purged.freePages).toBeGreaterThan(full.pages / 2);

      let released = 0;
      for (let step = 0; step < 1000; step++) {
        const free = await store.releaseFreeSpace(100);
        expect(free.released).toBeLessThanOrEqual(100);
        released += free.released;
        if (free.released === 0 || free.remaining === 0) break;
      }
      expect(released).toBe(purged.freePages);
      const after = fileFacts(file);
      expect(after.freePages).toBe(0);
      expect(after.bytes).toBeLessThan(full.bytes / 2);
    } finally {
      await store.close();
    }
  });

  it('leaves a database created without auto-vacuum as it is, and reuses its free pages for new rows', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zoomtrail-retention-'));
    tempDirs.push(dataDir);
    const file = join(dataDir, SQLITE_FILE_NAME);
    // A database of an earlier version: auto_vacuum NONE (VACUUM applies the setting to an existing file).
    await (await openSqliteStore({ dataDir, clock: clock(), env: {} })).close();
    const old = new Database(file);
    old.pragma('auto_vacuum = NONE');
    old.exec('VACUUM');
    old.close();

    const store = await openSqliteStore({ dataDir, clock: clock(), env: {} });
    try {
      const { id } = await store.createSource(sampleSource());
      await fill(store, id, 3000);
      const full = fileFacts(file);
      expect(full.autoVacuum).toBe(0);
      await purgeAll(store, '2026-03-02');
      const free = await store.releaseFreeSpace(100);
      expect(free.released).toBe(0);
      expect(free.remaining).toBeGreaterThan(full.pages / 2);

      // As many rows again, on a later day: they go into the free pages; the file barely grows.
      await fill(store, id, 3000, 1, 's');
      const refilled = fileFacts(file);
      expect(refilled.pages).toBeLessThanOrEqual(full.pages * 1.1);
    } finally {
      await store.close();
    }
  });
});
