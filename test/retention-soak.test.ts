import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { RetentionJob, type RetentionDays } from '../src/app/retention-job.js';
import { ManualClock } from '../src/shared/clock.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/store/sqlite-store.js';
import { page, sampleEvent, sampleSource } from '../src/store/store-contract.test-support.js';

/**
 * A 30-day soak compressed into a test (no timing): a file-backed SQLite
 * store takes EVENTS_PER_DAY sign-ins a day through `commitPage`, on a manual
 * clock, and the retention job (7 days) runs once a day. The database file
 * (plus its WAL, after a checkpoint) levels off: at day 30 it is at most 10%
 * above day 15, both on a new database (incremental auto-vacuum: freed pages
 * given back) and on one created before it (auto_vacuum NONE: freed pages
 * reused by new rows). Without retention the same ingest keeps growing.
 */

const DAYS = 30;
const EVENTS_PER_DAY = 1500;
const PAGE = 500;
const START = Date.parse('2026-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Bytes of the database file and its WAL after checkpointing the WAL into the file (on a connection of its own). */
function storeBytes(file: string): number {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
}

/** Days whose end the size is measured at (1-based); a checkpoint costs fsyncs, so not every day. */
const MEASURED = new Set([8, 15, 30]);

/** Runs the soak; returns the store's size at the end of each MEASURED day (by day, 1-based). */
async function soak(options: { retentionDays: RetentionDays; legacyFile: boolean }): Promise<Map<number, number>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-soak-'));
  dirs.push(dataDir);
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  const clock = new ManualClock(START);
  if (options.legacyFile) {
    // A database of an earlier version: created without auto-vacuum (VACUUM applies the setting to the file).
    await (await openSqliteStore({ dataDir, clock, env: {} })).close();
    const db = new Database(file);
    db.pragma('auto_vacuum = NONE');
    db.exec('VACUUM');
    db.close();
  }
  const store = await openSqliteStore({ dataDir, clock, env: {} });
  const job = new RetentionJob({ store, clock, logger: pino({ level: 'silent' }), retentionDays: options.retentionDays });
  const sizes = new Map<number, number>();
  try {
    const { id } = await store.createSource(sampleSource());
    for (let day = 0; day < DAYS; day++) {
      const dayStart = START + day * DAY_MS;
      for (let first = 0; first < EVENTS_PER_DAY; first += PAGE) {
        const events = Array.from({ length: PAGE }, (_, i) => {
          const n = first + i;
          const at = dayStart + Math.floor((n * DAY_MS) / EVENTS_PER_DAY);
          return sampleEvent(`d${day}-${n}`, at, `user${(day * 7919 + n) % 3000}@example.com`, `10.${day}.${n >> 8}.${n & 255}`);
        });
        clock.set(events.at(-1)!.eventTimeMs);
        await store.commitPage(page(id, events));
      }
      clock.set(dayStart + DAY_MS + 60_000); // just after midnight: the next day begins, the job runs
      await job.runOnce();
      if (MEASURED.has(day + 1)) sizes.set(day + 1, storeBytes(file));
    }
    // Retention held what it promised: 7 days before today, and today (empty yet).
    if (options.retentionDays['Zoom.Activity'] !== undefined) expect(await store.countEvents({})).toBe(7 * EVENTS_PER_DAY);
    else expect(await store.countEvents({})).toBe(DAYS * EVENTS_PER_DAY);
  } finally {
    await store.close();
  }
  return sizes;
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(2)} MB`;

describe('retention soak: 30 days of steady ingest on a manual clock', () => {
  it('a new database (incremental auto-vacuum) levels off under 7-day retention', async () => {
    const sizes = await soak({ retentionDays: { 'Zoom.Activity': 7 }, legacyFile: false });
    console.log(`new database, 7-day retention: day 8 ${mb(sizes.get(8)!)}, day 15 ${mb(sizes.get(15)!)}, day 30 ${mb(sizes.get(30)!)}`);
    expect(sizes.get(30)!).toBeLessThanOrEqual(sizes.get(15)! * 1.1);
  });

  it('a database created without auto-vacuum levels off too: new rows reuse the freed pages', async () => {
    const sizes = await soak({ retentionDays: { 'Zoom.Activity': 7 }, legacyFile: true });
    console.log(`auto_vacuum NONE, 7-day retention: day 8 ${mb(sizes.get(8)!)}, day 15 ${mb(sizes.get(15)!)}, day 30 ${mb(sizes.get(30)!)}`);
    expect(sizes.get(30)!).toBeLessThanOrEqual(sizes.get(15)! * 1.1);
  });

  it('without retention the same ingest keeps growing (the measure above can fail)', async () => {
    const sizes = await soak({ retentionDays: {}, legacyFile: false });
    console.log(`no retention: day 8 ${mb(sizes.get(8)!)}, day 15 ${mb(sizes.get(15)!)}, day 30 ${mb(sizes.get(30)!)}`);
    expect(sizes.get(30)!).toBeGreaterThan(sizes.get(15)! * 1.5);
  });
});
