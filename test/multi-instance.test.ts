import Database from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../src/domain/utc-days.js';
import { shiftedClock } from '../src/shared/clock.js';
import { openPostgresStore } from '../src/store/postgres-store.js';
import type { Store } from '../src/store/store.js';
import { dropSchema, newTestSchema, TEST_DATABASE_URL, testSecretKey } from '../src/store/store-test-targets.test-support.js';
import { LOG_TYPES } from '../src/zoom/report-records.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { CLOCK_START, spawnCli, waitUntil, type CliChild } from './support/cli-child.js';
import { expectedFromTruth, storedZoomRecords } from './support/collect-harness.js';
import { expectedRuleMatches, isPerEventRule } from './support/detect-harness.js';
import { multisetDiff } from './support/multiset.js';

/**
 * Several instances on one PostgreSQL database: three `zoomtrail run`
 * processes share thirty sources on a simulator with faults (5xx, 429s,
 * latency). One instance is killed with SIGKILL mid-run; another is stopped
 * with SIGSTOP while it holds a lease (possibly in the middle of a commit),
 * until that lease has been taken over, then resumed. At the end the store equals the ground truth for every source,
 * and every rule match is in exactly one alert, once.
 */

const NOW = Date.parse(CLOCK_START);
const TODAY = '2026-03-10';
const BACKFILL_DAYS = 3;
const FIRST_DAY = addDays(TODAY, -(BACKFILL_DAYS - 1));
const SOURCES = 30;
const LEASE_TTL_MS = 3000;

let unavailable: string | undefined;
try {
  const client = new Database.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  await client.end();
} catch (error) {
  unavailable = `PostgreSQL at ${TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//')} is not reachable (${error instanceof Error ? error.message : String(error)})`;
}
if (unavailable && process.env.CI !== 'true') console.log(`skipping the multi-instance test: ${unavailable}`);
const describePg = unavailable && process.env.CI !== 'true' ? describe.skip : describe;

let sim: ZoomSimulator;
let schema: string;
let secretKey: string;
let store: Store;
const children: CliChild[] = [];
const sourceIds = new Map<string, string>();

/** Lease owners look like `<host>/<pid>/<random>`. */
const ownerPid = (owner: string) => Number(owner.split('/')[1]);

describePg('several instances on one PostgreSQL database', () => {
  beforeAll(async () => {
    if (unavailable) throw new Error(unavailable);
    schema = newTestSchema();
    secretKey = testSecretKey();
    const clock = shiftedClock(NOW);
    sim = await ZoomSimulator.start({ clock, logger: false, seed: 21 });
    sim.faults.http5xx = 0.03;
    sim.faults.http429 = 0.03;
    sim.faults.latencyMs = 3;
    store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, clock, env: { ZOOMTRAIL_SECRET_KEY: secretKey } });
    for (let i = 0; i < SOURCES; i++) {
      const accountId = `acct-${String(i).padStart(2, '0')}`;
      const credentials = { clientId: `CLIENT_${i}`, clientSecret: `secret-${i}-0123456789abcdef` };
      sim.addAccount({ accountId, plan: 'business', generated: { seed: 100 + i, fromDay: '2026-03-05', toDay: TODAY, volume: { activities: 30, operations: 40 } } });
      sim.addApp({ ...credentials, accountId, kind: 's2s' });
      const source = await store.createSource({
        name: `Account ${i}`,
        authKind: 's2s',
        zoomAccountId: accountId,
        clientId: credentials.clientId,
        apiUrl: sim.apiUrl,
        oauthUrl: sim.baseUrl,
        backfillDays: BACKFILL_DAYS,
        pollIntervalMs: 4000,
        settleDays: 2,
        reconcileIntervalMs: 3_600_000,
        requestsPerSecond: 10,
        requestsPerDay: 100_000,
        paused: false,
        dropOffAlarmMinutes: null,
        credentials: { clientSecret: credentials.clientSecret },
      });
      sourceIds.set(accountId, source.id);
    }
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (!child.done()) child.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await store?.close();
    await sim?.close();
    if (schema) await dropSchema(schema);
  });

  it('three instances, one killed and one stopped past its lease: the store equals the truth, no alert doubled', async () => {
    const env = {
      DATABASE_URL: `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}schema=${schema}`,
      ZOOMTRAIL_SECRET_KEY: secretKey,
      ZOOMTRAIL_CLOCK_START: CLOCK_START,
      ZOOMTRAIL_LEASE_TTL_MS: String(LEASE_TTL_MS),
      ZOOMTRAIL_MAX_CONCURRENT_SOURCES: '4',
      ZOOMTRAIL_LOG_LEVEL: 'info',
      // A process stopped mid-commit holds row locks until PostgreSQL ends its idle transaction.
      ZOOMTRAIL_DB_IDLE_TRANSACTION_TIMEOUT_MS: '3000',
    };
    for (let i = 0; i < 3; i++) children.push(spawnCli(['run'], env));
    const [killed, stopped, survivor] = children as [CliChild, CliChild, CliChild];

    // Kill the first instance while it holds a lease (it is mid-cycle).
    const killedHeld = await waitUntil(async () => (await store.listLeases()).some((l) => ownerPid(l.owner) === killed.pid), 30_000, 20);
    expect(killedHeld, `instance 1 never held a lease: ${killed.stderr().slice(-3000)}`).toBe(true);
    killed.child.kill('SIGKILL');

    // Stop the second while it holds a lease; resume it once another instance has taken that source.
    let held: { sourceId: string; token: number } | undefined;
    expect(
      await waitUntil(
        async () => {
          const lease = (await store.listLeases()).find((l) => ownerPid(l.owner) === stopped.pid);
          if (lease) {
            stopped.child.kill('SIGSTOP');
            held = { sourceId: lease.sourceId, token: lease.token };
          }
          return lease !== undefined;
        },
        30_000,
        5,
      ),
    ).toBe(true);
    expect(
      await waitUntil(async () => ((await store.listLeases()).find((l) => l.sourceId === held!.sourceId)?.token ?? 0) > held!.token, 60_000, 50),
      `lease on ${held!.sourceId} taken over after its ${LEASE_TTL_MS} ms`,
    ).toBe(true);
    stopped.child.kill('SIGCONT');

    // Until every source holds the truth for the backfill days (or 90 s).
    const expected = new Map(
      [...sourceIds].map(([accountId, sourceId]) => [
        sourceId,
        LOG_TYPES.map((lt) => expectedFromTruth({ sim }, lt, FIRST_DAY, TODAY, accountId).events.length).reduce((a, b) => a + b, 0),
      ]),
    );
    const done = await waitUntil(
      async () => {
        for (const [sourceId, count] of expected) {
          const stored = await store.countEvents({ sourceId, sinceMs: Date.parse(`${FIRST_DAY}T00:00:00Z`), untilMs: Date.parse(`${addDays(TODAY, 1)}T00:00:00Z`) });
          if (stored < count) return false;
        }
        return (await store.countPendingDetection()) === 0;
      },
      90_000,
      500,
    );
    for (const child of [stopped, survivor]) child.child.kill('SIGTERM');
    const results = await Promise.all([stopped.exited, survivor.exited]);
    expect(done, `instances did not finish: ${survivor.stderr().slice(-2000)}`).toBe(true);
    expect(
      results.map((r) => r.code),
      results.map((r) => r.stderr.slice(-1500)).join('\n'),
    ).toEqual([0, 0]);
    console.log(
      `stopped instance after SIGCONT: ${/lease on the source was taken by another instance/.test(stopped.stderr()) ? 'found its lease taken and stopped writing' : 'had no write left in that cycle'}; ` +
        `survivor took over ${(survivor.stderr().match(/taking over the lease of a crashed instance/g) ?? []).length} lease(s) of the killed instance at once`,
    );

    // The store equals the ground truth, source by source: nothing missing, nothing doubled.
    for (const [accountId, sourceId] of sourceIds) {
      for (const logType of LOG_TYPES) {
        const stored = await storedZoomRecords(store, sourceId, logType, FIRST_DAY, TODAY);
        expect(multisetDiff(stored, expectedFromTruth({ sim }, logType, FIRST_DAY, TODAY, accountId).events), `${accountId} ${logType}`).toEqual([]);
      }
    }
    // Every rule match of the stored events is in exactly one alert, once.
    const matches = await expectedRuleMatches(store);
    expect(matches.length).toBeGreaterThan(10);
    const grouped: string[] = [];
    let counted = 0;
    for (const alert of await store.listAlerts({ limit: 100_000 })) {
      if (alert.type !== 'rule' || !isPerEventRule(alert.ruleId)) continue;
      counted += alert.eventCount;
      for (const rowId of await store.alertRowIds(alert.id, 100_000)) grouped.push(`${alert.ruleId} ${rowId}`);
    }
    expect(multisetDiff(grouped, matches)).toEqual([]);
    expect(counted).toBe(matches.length);
  }, 180_000);
});
