import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysFrom } from '../src/domain/utc-days.js';
import { ManualClock, shiftedClock } from '../src/shared/clock.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { LOG_TYPES, type LogType } from '../src/zoom/report-records.js';
import type { MalformedRecord } from '../src/zoom-sim/malformed-records.js';
import { SeededRandom } from '../src/zoom-sim/seeded-random.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { expectedRuleMatches, isPerEventRule } from './support/detect-harness.js';
import { CLOCK_START, runCli, spawnCli, waitUntil, type CliResult } from './support/cli-child.js';
import { expectedFromTruth, storedZoomRecords } from './support/collect-harness.js';
import { multisetDiff } from './support/multiset.js';
import { ACCOUNT_ID, S2S, type Harness } from './support/sim-harness.js';

/**
 * "A child process running a backfill is killed with SIGKILL at random moments,
 * many times, then finishes; the store still equals the ground truth."
 *
 * The children are the real CLI (`poll --once`); the simulator runs here
 * (30 days x 500 sign-ins and 500 operations a day: about 120 pages in four
 * windows, 5 ms latency per request). Each kill lands a seeded-random moment
 * into the child's reading (see the kill phase), so it hits the fetching and
 * committing of pages, not Node's start-up. After every kill the database is
 * checked: intact, no day with more events than Zoom has, and each day's record
 * count equal to the rows stored for it. At the end the store must equal the
 * ground truth exactly, and every rule match of the stored events must be in
 * exactly one alert, once (detection exactly once across the kills).
 */

const NOW = Date.parse(CLOCK_START);
const TODAY = '2026-03-10';
const BACKFILL_DAYS = 30;
const FIRST_DAY = addDays(TODAY, -(BACKFILL_DAYS - 1));
/**
 * UTC days any read can touch: the backfill plus the planner's padding (one day before, two after),
 * and one more each side for a Zoom cutting days at up to ±14 h from UTC.
 */
const READ_FIRST = addDays(FIRST_DAY, -2);
const READ_LAST = addDays(TODAY, 3);
const SECRET_KEY = 'a1'.repeat(32);
const KILLS = 16;
const TWIN = { email: 'twin.crash@example.com', time: '2026-03-04T09:30:00Z', type: 'Sign in', ip_address: '203.0.113.9', client_type: 'Browser', version: '5.17.0' };

let sim: ZoomSimulator;
let dataDir: string;
let sourceId: string;
let malformed: MalformedRecord[] = [];
// IP enrichment off: each restarted child would spend its first seconds opening the IP databases
// (the ASN table is built from CSV), so the request-anchored kills would all land before the
// first commit; this test is about the collection core, which enrichment does not touch.
const env = () => ({
  ZOOMTRAIL_SECRET_KEY: SECRET_KEY,
  ZOOMTRAIL_CLOCK_START: CLOCK_START,
  ZOOMTRAIL_LOG_LEVEL: 'warn',
  ZOOMTRAIL_GEOIP_CITY_DB: 'off',
  ZOOMTRAIL_GEOIP_ASN_DB: 'off',
});

beforeAll(async () => {
  sim = await ZoomSimulator.start({ clock: shiftedClock(NOW), logger: false, seed: 3 });
  // Pro, with the per-second limit raised to the source's 40/s so the test measures crashes, not 429 waits.
  const account = sim.addAccount({
    accountId: ACCOUNT_ID,
    plan: 'pro',
    perSecondLimit: 50,
    generated: { seed: 42, fromDay: '2026-02-01', toDay: TODAY, volume: { activities: 500, operations: 500 } },
  });
  sim.addApp({ ...S2S, accountId: ACCOUNT_ID, kind: 's2s' });
  sim.faults.latencyMs = 5;
  malformed = [...account.addMalformedRecords('Zoom.Activity', '2026-02-20'), ...account.addMalformedRecords('Zoom.Operation', '2026-03-02')];
  account.addRecords('Zoom.Activity', [TWIN, { ...TWIN }]);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-crash-'));
});

afterAll(async () => {
  await sim?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const harness = (): Harness => ({ sim, clock: new ManualClock(NOW), close: async () => {} });

async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore({ dataDir, clock: shiftedClock(NOW), env: { ZOOMTRAIL_SECRET_KEY: SECRET_KEY } });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function pragma(check: 'quick_check' | 'integrity_check'): string[] {
  const db = new Database(path.join(dataDir, SQLITE_FILE_NAME));
  try {
    return (db.pragma(check) as Record<string, string>[]).map((row) => Object.values(row)[0]!);
  } finally {
    db.close();
  }
}

async function failuresOf(store: Store, logType?: LogType) {
  const out: { raw: string; day: string; logType: LogType }[] = [];
  for await (const f of store.listFailures({ sourceId, logType })) out.push(f);
  return out;
}

/** A failure's raw text as the record Zoom sent: JSON, or the bare string when Zoom sent a string. */
function parseRaw(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

interface KillSnapshot {
  kill: number;
  /** The child finished a window before the countdown to its kill began. */
  finishedWindow: boolean;
  /** The kill came `jitterMs` after the child's `afterRequest`-th report request (of the countdown) was answered. */
  afterRequest: number;
  jitterMs: number;
  /** Windows the child finished before it was killed. */
  windowsFinished: number;
  events: number;
  failures: number;
  /** Streams with a window read in progress (pages committed, last page not reached). */
  midWindow: string[];
  completeDays: number;
}

/** Events per UTC day in the truth, per log type. */
type TruthPerDay = Map<LogType, Map<string, number>>;

const dayRange = (day: string) => ({ sinceMs: Date.parse(`${day}T00:00:00Z`), untilMs: Date.parse(`${addDays(day, 1)}T00:00:00Z`) });

/**
 * Checks the invariants a kill must never break and says what the database
 * holds: the file is intact, no day holds more events than Zoom has for it,
 * and each day's record count is exactly the rows stored for it (no page
 * counted without its rows, or stored without being counted).
 */
async function checkStore(
  store: Store,
  truthPerDay: TruthPerDay,
  label: string,
): Promise<Omit<KillSnapshot, 'kill' | 'finishedWindow' | 'afterRequest' | 'jitterMs' | 'windowsFinished'>> {
  let events = 0;
  let completeDays = 0;
  const midWindow: string[] = [];
  const failures = await failuresOf(store);
  for (const logType of LOG_TYPES) {
    events += await store.countEvents({ sourceId, logType });
    const coverage = await store.listDayCoverage(sourceId, logType, addDays(READ_FIRST, -1), READ_LAST);
    for (const day of coverage) {
      const dayEvents = await store.countEvents({ sourceId, logType, ...dayRange(day.day) });
      expect(dayEvents, `${label}: ${logType} ${day.day} holds more events than Zoom has`).toBeLessThanOrEqual(truthPerDay.get(logType)!.get(day.day) ?? 0);
      const rows = dayEvents + failures.filter((f) => f.logType === logType && f.day === day.day).length;
      expect(day.records, `${label}: ${logType} ${day.day} records counted vs stored`).toBe(rows);
      if (day.state === 'complete') completeDays += 1;
    }
    const state = await store.getStreamState(sourceId, logType);
    if (state.readingWindow) midWindow.push(`${logType} ${state.readingWindow} after ${state.readingPages} pages`);
  }
  // A failure row is stored once per record (row ids are deterministic).
  expect(new Set(failures.map((f) => `${f.logType} ${f.raw}`)).size, `${label}: failures doubled`).toBe(failures.length);
  return { events, failures: failures.length, midWindow, completeDays };
}

describe('crash safety: kill -9 at any moment loses nothing and duplicates nothing', () => {
  it(`a backfill killed with SIGKILL ${KILLS} times at random moments, then run to the end, equals the ground truth`, async () => {
    const t0 = Date.now();
    const add = await runCli(
      [
        'source',
        'add',
        '--name',
        'Crash test',
        '--account-id',
        ACCOUNT_ID,
        '--client-id',
        S2S.clientId,
        '--api-url',
        sim.apiUrl,
        '--oauth-url',
        sim.baseUrl,
        '--backfill-days',
        String(BACKFILL_DAYS),
        '--rps',
        '40',
        '--requests-per-day',
        '60000',
        '--no-check',
        '--data-dir',
        dataDir,
      ],
      { ...env(), ZOOMTRAIL_CLIENT_SECRET: S2S.clientSecret },
    );
    expect(add.code, add.stderr).toBe(0);
    sourceId = add.stdout.trim();
    expect(sourceId).toMatch(/^src_/);

    const truthPerDay: TruthPerDay = new Map(
      LOG_TYPES.map((logType) => {
        const perDay = new Map<string, number>();
        for (const day of daysFrom(READ_FIRST, READ_LAST)) perDay.set(day, expectedFromTruth(harness(), logType, day, day).events.length);
        return [logType, perDay] as const;
      }),
    );
    const finalTotal = LOG_TYPES.reduce((n, logType) => n + expectedFromTruth(harness(), logType, FIRST_DAY, TODAY).events.length, 0);

    // Kill phase. Each kill lands a seeded-random 0..40 ms after the child's k-th report
    // request was answered (so while that page is normalized and committed, or the next one
    // fetched), k seeded-random in 1..12. A child restarts the window it was killed in, so
    // three times (kills 4, 8 and 12) the child is first let finish one window (its stderr
    // progress line says so) and only then killed k requests into the next: later kills land
    // in later windows and in the other stream. Anchoring on requests rather than on time
    // keeps the schedule the same on a slow machine.
    const rng = SeededRandom.forKey(20260310, 'crash-safety-kills');
    const windowsDone = (stderr: string) => (stderr.match(/: \d+ pages, \d+ records read, \d+ new$/gm) ?? []).length;
    const snapshots: KillSnapshot[] = [];
    const finishedBeforeKill: CliResult[] = [];
    for (let kill = 1; kill <= KILLS; kill += 1) {
      const finishWindowFirst = kill === 4 || kill === 8 || kill === 12;
      const afterRequest = rng.int(1, 13);
      const jitterMs = rng.int(0, 41);
      const run = spawnCli(['poll', '--once', '--data-dir', dataDir], env());
      if (finishWindowFirst) await waitUntil(() => run.done() || windowsDone(run.stderr()) > 0, 60_000, 1);
      const before = sim.requestCount({ pathPrefix: '/v2/report' });
      const reached = await waitUntil(() => run.done() || sim.requestCount({ pathPrefix: '/v2/report' }) >= before + afterRequest, 60_000, 1);
      if (!reached) run.child.kill('SIGKILL');
      expect(reached, `child ${kill} stalled: ${run.stderr()}`).toBe(true);
      await waitUntil(run.done, jitterMs, 1);
      if (!run.done()) run.child.kill('SIGKILL');
      const result = await run.exited;
      if (result.signal !== 'SIGKILL') {
        // The child finished the whole cycle before its kill point: the backfill is done too early.
        expect(result.code, `child ${kill} ended by itself: ${result.stderr}`).toBe(0);
        finishedBeforeKill.push(result);
        break;
      }
      expect(pragma('quick_check'), `database intact after kill ${kill}`).toEqual(['ok']);
      const windowsFinished = windowsDone(result.stderr);
      const snapshot = await withStore((store) => checkStore(store, truthPerDay, `after kill ${kill}`));
      snapshots.push({ kill, finishedWindow: finishWindowFirst, afterRequest, jitterMs, windowsFinished, ...snapshot });
    }
    const killPhaseMs = Date.now() - t0;
    expect(
      finishedBeforeKill.map((r) => r.stderr),
      'children that finished the backfill before their kill',
    ).toEqual([]);

    // Then to the end. A second cycle runs only if a confirmation read is due (two identical
    // records split by a page boundary are counted once until read with other boundaries).
    const finals: CliResult[] = [];
    for (let cycle = 1; cycle <= 3; cycle += 1) {
      const final = await runCli(['poll', '--once', '--data-dir', dataDir], env(), { timeoutMs: 60_000 });
      finals.push(final);
      expect(final.code, final.stderr).toBe(0);
      const ambiguous = await withStore(async (store) =>
        (await Promise.all(LOG_TYPES.map((lt) => store.listDayCoverage(sourceId, lt, FIRST_DAY, TODAY)))).flat().filter((d) => d.ambiguous),
      );
      if (ambiguous.length === 0) break;
    }

    // For whoever reads the log: where each kill landed.
    console.log(
      [
        `${snapshots.length} kills in ${killPhaseMs} ms, then ${finals.length} cycle(s) to the end (${finals.map((f) => `${f.ms} ms`).join(', ')}); ${finalTotal} events in the backfill days`,
        ...snapshots.map(
          (s) =>
            `  kill ${s.kill}: ${s.finishedWindow ? `${s.windowsFinished} window(s) finished, then ` : ''}request ${s.afterRequest} + ${s.jitterMs} ms -> ${s.events} events, ${s.completeDays} complete days; ${s.midWindow.join(' | ') || 'between windows'}`,
        ),
      ].join('\n'),
    );

    // Kills really interrupted the backfill, mid-window, with part of the data in.
    expect(snapshots.length).toBeGreaterThanOrEqual(15);
    expect(
      snapshots.some((s) => s.events > 0 && s.events < finalTotal),
      'a kill left a partly stored backfill',
    ).toBe(true);
    // Half the kills at least land between the pages of a window (9 of 16 since the sign-in history
    // triggers made each commit slower: the first kills now land before the first commit).
    expect(snapshots.filter((s) => s.midWindow.length > 0).length, 'kills landing between the pages of a window').toBeGreaterThanOrEqual(8);

    // The store equals the ground truth for the backfill days: nothing missing, nothing doubled.
    await withStore(async (store) => {
      let total = 0;
      const allFailures = await failuresOf(store);
      for (const logType of LOG_TYPES) {
        const expected = expectedFromTruth(harness(), logType, FIRST_DAY, TODAY);
        const stored = await storedZoomRecords(store, sourceId, logType, FIRST_DAY, TODAY);
        expect(multisetDiff(stored, expected.events), `${logType} events`).toEqual([]);
        const failures = allFailures.filter((f) => f.logType === logType).map((f) => parseRaw(f.raw));
        expect(multisetDiff(failures, expected.failures), `${logType} failures`).toEqual([]);
        total += stored.length;

        const coverage = await store.listDayCoverage(sourceId, logType, FIRST_DAY, TODAY);
        expect(coverage.map((d) => d.day)).toEqual(daysFrom(FIRST_DAY, TODAY));
        expect(coverage.filter((d) => d.state !== 'complete').map((d) => `${d.day} ${d.state}`)).toEqual(['2026-03-08 open', '2026-03-09 open', '2026-03-10 open']);
        expect(coverage.filter((d) => d.ambiguous || d.lastError)).toEqual([]);
        const state = await store.getStreamState(sourceId, logType);
        expect(state.readingWindow).toBeNull();
        expect(state.lastError).toBeNull();
      }
      expect(total).toBe(finalTotal);
      await checkStore(store, truthPerDay, 'at the end');
      // Every planted malformed record is among the failures exactly once (a million-character
      // string is valid by the schema, so that one is an event, checked with the truth above).
      for (const m of malformed.filter((r) => r.defect !== 'huge_string')) {
        const raw = typeof m.record === 'string' ? m.record : JSON.stringify(m.record);
        expect(
          allFailures.filter((f) => f.raw === raw),
          `${m.defect} kept once`,
        ).toHaveLength(1);
      }
      const twins = (await storedZoomRecords(store, sourceId, 'Zoom.Activity', '2026-03-04', '2026-03-04')).filter((r) => r.email === TWIN.email);
      expect(twins).toHaveLength(2);
    });
    expect(pragma('integrity_check')).toEqual(['ok']);

    // Detection ran exactly once per stored event, through every kill: each rule match of the
    // stored events is in exactly one alert, once, and nothing is left on the queue.
    await withStore(async (store) => {
      expect(await store.countPendingDetection()).toBe(0);
      const expected = await expectedRuleMatches(store);
      expect(expected.length, 'the generated days hold detection triggers').toBeGreaterThan(50);
      const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
      try {
        const grouped = db.prepare('SELECT a.rule_id AS ruleId, e.row_id AS rowId FROM alert_events e JOIN alerts a ON a.id = e.alert_id').all() as {
          ruleId: string;
          rowId: string;
        }[];
        expect(
          multisetDiff(
            grouped.filter((g) => isPerEventRule(g.ruleId)).map((g) => `${g.ruleId} ${g.rowId}`),
            expected,
          ),
        ).toEqual([]);
        const counts = db.prepare('SELECT rule_id AS ruleId, event_count AS n FROM alerts').all() as { ruleId: string; n: number }[];
        expect(counts.filter((c) => isPerEventRule(c.ruleId)).reduce((sum, c) => sum + c.n, 0)).toBe(expected.length);
      } finally {
        db.close();
      }
    });
  }, 180_000);
});
