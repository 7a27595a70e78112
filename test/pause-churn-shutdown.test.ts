import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../src/domain/utc-days.js';
import { shiftedClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { SourceRecord, Store } from '../src/store/store.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { CLOCK_START, spawnCli, waitUntil, type CliChild } from './support/cli-child.js';
import { addSimAccount, simSource } from './support/collector-driver.js';

/**
 * `zoomtrail start` as a user runs it, its sources paused and resumed again
 * and again while they are collected (as pressing Pause and Resume in the
 * console does): the server keeps answering HTTP, and SIGTERM ends the
 * process within the 10 s shutdown grace. A source loop that turned without
 * waiting once starved the event loop here: no answers, SIGTERM ignored.
 */

const NOW = Date.parse(CLOCK_START);
const TODAY = '2026-03-10';
const KEY = '3d'.repeat(32);
/** An answer within this long means the event loop is free (generous: the machine may be loaded). */
const ANSWER_MS = 2_000;

let sim: ZoomSimulator;
let dataDir: string;
let store: Store;
let child: CliChild | undefined;

beforeAll(async () => {
  const clock = shiftedClock(NOW);
  sim = await ZoomSimulator.start({ clock, logger: false, seed: 3 });
  addSimAccount(sim, TODAY, addDays(TODAY, -3));
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-churn-'));
  store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: KEY } });
});

afterAll(async () => {
  if (child && !child.done()) child.child.kill('SIGKILL');
  await child?.exited;
  await store?.close();
  await sim?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Whether the server answers a request (any status) within ANSWER_MS. */
async function answers(baseUrl: string): Promise<boolean> {
  try {
    await fetch(`${baseUrl}/api/session`, { signal: AbortSignal.timeout(ANSWER_MS) });
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('zoomtrail start while sources are paused and resumed', () => {
  it('keeps answering HTTP and exits on SIGTERM within 10 s', async () => {
    // Polled every 1.5 s: a paused source's loop comes due again and again between two refreshes of the source list.
    const sources: SourceRecord[] = [];
    for (let i = 0; i < 2; i++) sources.push(await store.createSource(simSource(sim, { name: `Churn ${i}`, backfillDays: 2, pollIntervalMs: 1_500 })));
    child = spawnCli(['start', '--port', '0', '--data-dir', dataDir], { ZOOMTRAIL_SECRET_KEY: KEY, ZOOMTRAIL_CLOCK_START: CLOCK_START, ZOOMTRAIL_LOG_LEVEL: 'warn' });
    const c = child;
    expect(await waitUntil(() => /console at http:\/\/localhost:\d+/.test(c.stderr()), 30_000, 20), c.stderr()).toBe(true);
    const baseUrl = /console at (http:\/\/localhost:\d+)/.exec(c.stderr())![1]!;
    expect(await waitUntil(async () => (await store.getStreamState(sources[0]!.id, 'Zoom.Activity')).lastPollAt !== null, 30_000, 50), c.stderr()).toBe(true);

    for (let round = 0; round < 5; round++) {
      for (const source of sources) await store.updateSource(source.id, { paused: true });
      await sleep(2_000);
      expect(await answers(baseUrl), `round ${round}, paused: ${c.stderr().slice(-2000)}`).toBe(true);
      for (const source of sources) await store.updateSource(source.id, { paused: false });
      await sleep(500);
      expect(await answers(baseUrl), `round ${round}, resumed: ${c.stderr().slice(-2000)}`).toBe(true);
    }

    // Stop in the middle of the churn: paused again, its loops coming due.
    for (const source of sources) await store.updateSource(source.id, { paused: true });
    await sleep(1_000);
    const stoppedAt = Date.now();
    c.child.kill('SIGTERM');
    const exitedInTime = await waitUntil(() => c.done(), 10_000, 20);
    expect(exitedInTime, `still running ${Date.now() - stoppedAt} ms after SIGTERM: ${c.stderr().slice(-2000)}`).toBe(true);
    const result = await c.exited;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
  }, 90_000);
});
