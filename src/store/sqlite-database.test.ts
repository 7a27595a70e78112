import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './sqlite-database.js';

describe('openSqliteDatabase memory bounds (issue 14 section 3: peak RSS of a backfill)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('caps the page cache at 16 MiB and maps no file into memory (both count in the RSS budget)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zoomtrail-sqlite-db-'));
    dirs.push(dataDir);
    const { db } = openSqliteDatabase({ dataDir, fileName: 'zoomtrail.db', memory: false });
    try {
      // Negative: KiB. 16,384 KiB = 16 MiB; 64 MiB cost 48 MB of the 200 MB budget.
      expect(db.pragma('cache_size', { simple: true })).toBe(-16384);
      expect(db.pragma('mmap_size', { simple: true })).toBe(0);
    } finally {
      db.close();
    }
  });
});
