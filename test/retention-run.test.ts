import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { page, sampleEvent, sampleSource } from '../src/store/store-contract.test-support.js';
import { CLOCK_START, spawnCli, waitUntil } from './support/cli-child.js';
import { TEST_SECRET_KEY } from './support/collect-harness.js';

/**
 * The running service applies retention: `zoomtrail run` (what `start` runs
 * beside the server) with ZOOMTRAIL_RETENTION_ACTIVITY_DAYS deletes the old
 * days at start and logs it. The source is paused, so nothing asks Zoom.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('retention in zoomtrail run', () => {
  it('deletes the days before the retention at start, keeping their coverage as purged', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-retention-run-'));
    dirs.push(dataDir);
    const now = Date.parse(CLOCK_START);
    let store = await openSqliteStore({ dataDir, clock: new ManualClock(now), secretKey: TEST_SECRET_KEY });
    const { id } = await store.createSource(sampleSource({ paused: true }));
    // One sign-in a day from 10 days ago to today.
    await store.commitPage(
      page(
        id,
        Array.from({ length: 11 }, (_, d) => sampleEvent(`e${d}`, now - (10 - d) * 86_400_000)),
      ),
    );
    await store.close();

    const run = spawnCli(['run'], {
      ZOOMTRAIL_DATA_DIR: dataDir,
      ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY,
      ZOOMTRAIL_CLOCK_START: CLOCK_START,
      ZOOMTRAIL_RETENTION_ACTIVITY_DAYS: '7',
    });
    try {
      expect(await waitUntil(() => run.stderr().includes('retention: deleted'), 30_000, 50), run.stderr()).toBe(true);
    } finally {
      run.child.kill('SIGTERM');
    }
    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    const line = result.stderr.split('\n').find((l) => l.includes('retention: deleted'))!;
    expect(JSON.parse(line)).toMatchObject({ logType: 'Zoom.Activity', beforeDay: '2026-03-03', events: 3, days: 3 });

    store = await openSqliteStore({ dataDir, clock: new ManualClock(now), secretKey: TEST_SECRET_KEY });
    try {
      expect(await store.countEvents({})).toBe(8);
      const days = await store.listDayCoverage(id, 'Zoom.Activity', '2026-02-28', '2026-03-10');
      expect(days.map((d) => [d.day, d.state, d.records]).slice(0, 4)).toEqual([
        ['2026-02-28', 'purged', 1],
        ['2026-03-01', 'purged', 1],
        ['2026-03-02', 'purged', 1],
        ['2026-03-03', 'open', 1],
      ]);
    } finally {
      await store.close();
    }
  });
});
