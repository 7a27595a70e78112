/**
 * Benchmark: collection throughput of 1, 2 and 3 `zoomtrail run` instances
 * sharing one PostgreSQL database, over many sources. The same simulated
 * accounts (thirty, each its own Zoom account with its own budget, a fixed
 * latency per request) are backfilled from an empty schema by N instances;
 * the figure is records stored per second until every source holds all of
 * its records, and the ratio to one instance in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { shiftedClock } from '../src/shared/clock.js';
import { openPostgresStore } from '../src/store/postgres-store.js';
import { LOG_TYPES } from '../src/zoom/report-records.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { benchNormalizers } from './bench-data.js';
import { BENCH_DATABASE_URL, fixed, int, print, rate, seconds, table } from './bench-util.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const SOURCES = 30;
const BACKFILL_DAYS = 7;
const LATENCY_MS = 20;
/** A run that stores no new record for this long before it has them all has failed (the instances log why). */
const STALL_MS = 60_000;
/** The built CLI (`npm run bench` runs `npm run build` first). */
const SINCE = Date.parse('2026-03-04T00:00:00Z');
const UNTIL = Date.parse('2026-03-11T00:00:00Z');
const CLI = fileURLToPath(new URL('../../bin/zoomtrail.js', import.meta.url));

export interface InstancesRun {
  instances: number;
  records: number;
  ms: number;
  perSecond: number;
}

export interface InstancesResult {
  runs: InstancesRun[];
  /** Records per source per day in the simulated accounts. */
  perSourceDay: number;
}

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** One run: a fresh schema, the sources, N instances until every record is stored. */
async function runOnce(instances: number, perSourceDay: number): Promise<InstancesRun> {
  const schema = `zt_bench_${randomBytes(5).toString('hex')}`;
  const key = randomBytes(32).toString('hex');
  const clock = shiftedClock(NOW);
  const sim = await ZoomSimulator.start({ clock, logger: false, seed: 9 });
  sim.faults.latencyMs = LATENCY_MS;
  const store = await openPostgresStore({ url: BENCH_DATABASE_URL, schema, clock, env: { ZOOMTRAIL_SECRET_KEY: key } });
  const children: ChildProcess[] = [];
  try {
    const perType = Math.round(perSourceDay / 2);
    for (let i = 0; i < SOURCES; i++) {
      const accountId = `bench-${i}`;
      sim.addAccount({
        accountId,
        plan: 'business',
        perSecondLimit: 40,
        generated: { seed: 500 + i, fromDay: '2026-03-01', toDay: '2026-03-10', volume: { activities: perType, operations: perType } },
      });
      sim.addApp({ clientId: `BENCH_${i}`, clientSecret: `bench-secret-${i}-0123456789`, accountId, kind: 's2s' });
      await store.createSource({
        name: `Bench ${i}`,
        authKind: 's2s',
        zoomAccountId: accountId,
        clientId: `BENCH_${i}`,
        apiUrl: sim.apiUrl,
        oauthUrl: sim.baseUrl,
        backfillDays: BACKFILL_DAYS,
        pollIntervalMs: 3_600_000,
        settleDays: 2,
        reconcileIntervalMs: 3_600_000,
        requestsPerSecond: 20,
        requestsPerDay: 100_000,
        paused: false,
        dropOffAlarmMinutes: null,
        credentials: { clientSecret: `bench-secret-${i}-0123456789` },
      });
    }
    // The events the backfill must store: the truth's records that pass their schema, in its days.
    let expected = 0;
    const normalizers = benchNormalizers();
    for (let i = 0; i < SOURCES; i++) {
      for (const logType of LOG_TYPES) {
        for (const record of sim.account(`bench-${i}`).groundTruth(logType, '2026-03-02', '2026-03-12')) {
          const result = normalizers.get(logType)!.normalize(record, { sourceId: 'x', sourceLabel: 'x', rowId: 'x', parseTimeMs: 0 });
          if (result.ok && result.value.eventTimeMs >= SINCE && result.value.eventTimeMs < UNTIL) expected++;
        }
      }
    }
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ZOOMTRAIL_') && k !== 'DATABASE_URL')),
      DATABASE_URL: `${BENCH_DATABASE_URL}${BENCH_DATABASE_URL.includes('?') ? '&' : '?'}schema=${schema}`,
      ZOOMTRAIL_SECRET_KEY: key,
      ZOOMTRAIL_CLOCK_START: new Date(NOW).toISOString(),
      ZOOMTRAIL_LOG_LEVEL: 'error',
      ZOOMTRAIL_LEASE_TTL_MS: '10000',
      ZOOMTRAIL_MAX_CONCURRENT_SOURCES: '4',
      // The simulated Zoom listens on loopback, which outbound URL checks refuse unless allowed.
      ZOOMTRAIL_ALLOWED_NETWORKS: '127.0.0.1/32',
    };
    const started = performance.now();
    for (let i = 0; i < instances; i++) children.push(spawn(process.execPath, [CLI, 'run'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
    let stored = 0;
    let progressAt = performance.now();
    // Done when every stream has finished its first full read. (Identical records a moving page
    // boundary split are confirmed by a later read: a handful may still be missing then.)
    const sources = await store.listSources();
    const finished = async () => {
      for (const source of sources) {
        for (const logType of LOG_TYPES) {
          const state = await store.getStreamState(source.id, logType);
          if (state.lastSuccessAt === null || state.readingWindow !== null) return false;
        }
      }
      return true;
    };
    while (stored < expected * 0.999 || !(await finished())) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const count = await store.countEvents({ sinceMs: SINCE, untilMs: UNTIL });
      if (count !== stored) progressAt = performance.now();
      stored = count;
      if (process.env.ZOOMTRAIL_BENCH_VERBOSE) print(`    ${int(stored)} / ${int(expected)} after ${seconds(performance.now() - started)}`);
      if (stored < expected * 0.999 && performance.now() - progressAt > STALL_MS)
        throw new Error(`instances bench: no record stored for ${STALL_MS / 1000} s (${stored} of ${expected}); the instances' errors are above`);
      if (performance.now() - started > 600_000) throw new Error(`instances bench: ${stored} of ${expected} records after 10 minutes`);
    }
    const ms = performance.now() - started;
    return { instances, records: stored, ms, perSecond: stored / (ms / 1000) };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
    await store.close();
    await sim.close();
    await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

/** Runs 1, 2 and 3 instances over the same accounts; `records` sets the total size (about records / 30 sources / 7 days per source-day). */
export async function runInstancesBench(records: number): Promise<InstancesResult> {
  const perSourceDay = Math.max(60, Math.min(3000, Math.round(records / SOURCES / BACKFILL_DAYS)));
  print(
    `\ninstances: ${SOURCES} sources x ${BACKFILL_DAYS} days x ~${int(perSourceDay)} records, ${LATENCY_MS} ms per Zoom request, PostgreSQL ${BENCH_DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`,
  );
  const runs: InstancesRun[] = [];
  for (const n of [1, 2, 3]) {
    const run = await runOnce(n, perSourceDay);
    print(`  ${n} instance(s): ${int(run.records)} records in ${seconds(run.ms)} -> ${rate(run.perSecond)}`);
    runs.push(run);
  }
  return { runs, perSourceDay };
}

export function printInstances(r: InstancesResult): void {
  const base = r.runs[0]!.perSecond;
  print(
    table(
      `collection throughput by instances (${SOURCES} sources, PostgreSQL)`,
      ['instances', 'records', 'time', 'records/s', 'vs 1 instance'],
      r.runs.map((run) => [String(run.instances), int(run.records), seconds(run.ms), rate(run.perSecond), `${fixed(run.perSecond / base, 2)}x`]),
    ),
  );
}
