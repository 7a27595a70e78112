/**
 * Benchmark `history`: the history rules on a large SQLite store (issue 15).
 *
 * Builds a fresh SQLite store of `--records` sign-ins (default 1,000,000) over
 * 180 days: 5,000 users, each with a home place and an occasional trip or VPN
 * exit, located by an enrichment of 40 public places (the shape the
 * enrichment stage writes). Stored in pages of 5,000 through `commitPage`,
 * which fills `sign_ins` and `history_pending` by trigger (migration 009);
 * every day is then marked complete. Timed, after a warm-up:
 *
 * - `HistoryDetector.evaluate` over the sign-ins of the last 30 days, in
 *   batches of 2,000 (the drain's batch): the store's as-of questions for each
 *   sign-in plus the seven history rules; sign-ins per second is the figure
 *   (target >= 50,000/s);
 * - `SignInHistoryStore.signInHistory` alone on the same batches (the part the
 *   index seeks take);
 * - `HistoryDetector.drain` of the same sign-ins (evaluation + commit: taking
 *   rows off the queue, alerts), for the cost of the write side.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isHistoryRule } from '../src/detect/history-rule.js';
import { DEFAULT_HISTORY_SETTINGS, historyWindows } from '../src/domain/history-settings.js';
import { addDays, dayStartMs } from '../src/domain/utc-days.js';
import { RULES } from '../src/rules/rule-registry.js';
import { ManualClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { EventRow, StoredEvent } from '../src/store/store.js';
import { BENCH_TODAY, benchSourceInput } from './bench-data.js';
import { benchHistoryDetector } from './bench-history-detector.js';
import { collectGarbage, int, print, rate, seconds, table } from './bench-util.js';

const DAYS = 180;
const USERS = 5_000;
const PAGE = 5_000;
const BATCH = 2_000;
const EVALUATED_DAYS = 30;

export interface HistoryResult {
  records: number;
  users: number;
  buildMs: number;
  storeBytes: number;
  evaluated: number;
  evaluateMs: number;
  perSecond: number;
  queryMs: number;
  queryPerSecond: number;
  drainMs: number;
  drainPerSecond: number;
  matches: number;
  raised: number;
}

/** 40 public places: country, point, accuracy, ASN. */
const PLACES = Array.from({ length: 40 }, (_, i) => ({
  kind: 'public',
  country: ['DE', 'FR', 'US', 'GB', 'JP', 'BR', 'IN', 'AU', 'CA', 'NL'][i % 10]!,
  lat: -40 + ((i * 37) % 100),
  lng: -150 + ((i * 71) % 300),
  accuracy_km: 20 + (i % 5) * 50,
  asn: 1000 + i,
}));

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function signIn(rowId: string, timeMs: number, user: number, placeIndex: number, ip: string): EventRow {
  const email = `user${user}@bench.example`;
  return {
    rowId,
    day: new Date(timeMs).toISOString().slice(0, 10),
    eventTimeMs: timeMs,
    emails: [email],
    ipAddresses: [ip],
    event: {
      email,
      time: new Date(timeMs).toISOString().replace('.000Z', 'Z'),
      type: 'Sign in',
      ip_address: ip,
      client_type: 'Browser',
      version: '6.1.0',
      p_log_type: 'Zoom.Activity',
      p_row_id: rowId,
      p_event_time: new Date(timeMs).toISOString(),
      p_any_emails: [email],
      p_any_ip_addresses: [ip],
      p_enrichment: { ip_location: { ip_address: PLACES[placeIndex]! } },
    },
  };
}

export async function runHistoryBench(records: number): Promise<HistoryResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-history-bench-'));
  const firstDay = addDays(BENCH_TODAY, -DAYS);
  const clock = new ManualClock(dayStartMs(BENCH_TODAY));
  const store = await openSqliteStore({ dataDir, clock, env: {}, batchSize: 1000, readWorkers: 0 });
  try {
    const { id: sourceId } = await store.createSource(benchSourceInput('Bench Zoom (history)', DAYS));
    const rng = random(15);
    const home = Array.from({ length: USERS }, () => Math.floor(rng() * PLACES.length));
    const perDay = Math.ceil(records / DAYS);
    let made = 0;
    const buildStart = performance.now();
    for (let d = 0; d < DAYS && made < records; d++) {
      const dayMs = dayStartMs(addDays(firstDay, d));
      const events: EventRow[] = [];
      for (let i = 0; i < perDay && made < records; i++, made++) {
        const user = Math.floor(rng() * USERS);
        const away = rng() < 0.03;
        const place = away ? Math.floor(rng() * PLACES.length) : home[user]!;
        const ip = away ? `203.0.${place}.${Math.floor(rng() * 250)}` : `10.${user >> 8}.${user & 255}.1`;
        events.push(signIn(`${d}-${i}`, dayMs + Math.floor(rng() * 86_400_000), user, place, ip));
      }
      for (let i = 0; i < events.length; i += PAGE)
        await store.commitPage({ sourceId, logType: 'Zoom.Activity', events: events.slice(i, i + PAGE), failures: [], days: [], stream: {} });
      await store.updateStream(sourceId, 'Zoom.Activity', {}, [{ day: addDays(firstDay, d), state: 'complete', lastFullReadAt: clock.now() }]);
    }
    const buildMs = performance.now() - buildStart;
    print(`history bench: stored ${int(made)} sign-ins of ${int(USERS)} users over ${DAYS} days in ${seconds(buildMs)}`);

    const rules = RULES.filter(isHistoryRule);
    const detector = benchHistoryDetector(store, clock, BATCH);
    const batches: StoredEvent[][] = [];
    let batch: StoredEvent[] = [];
    for await (const event of store.queryEvents({ sourceId, sinceMs: dayStartMs(addDays(firstDay, DAYS - EVALUATED_DAYS)) })) {
      batch.push(event);
      if (batch.length === BATCH) {
        batches.push(batch);
        batch = [];
      }
    }
    if (batch.length > 0) batches.push(batch);
    const evaluated = batches.reduce((n, b) => n + b.length, 0);

    await detector.evaluate(batches[0]!, rules); // warm-up
    collectGarbage();
    let matches = 0;
    let t = performance.now();
    for (const b of batches) matches += (await detector.evaluate(b, rules)).matches.length;
    const evaluateMs = performance.now() - t;
    print(`history bench: evaluated ${int(evaluated)} sign-ins in ${seconds(evaluateMs)} (${rate(evaluated / (evaluateMs / 1000))})`);

    const windows = historyWindows(DEFAULT_HISTORY_SETTINGS);
    collectGarbage();
    t = performance.now();
    for (const b of batches)
      await store.signInHistory(
        sourceId,
        b.map((e) => e.rowId),
        windows,
      );
    const queryMs = performance.now() - t;

    // Drain: the queue holds every stored sign-in; leave only the evaluated days in it.
    const pending = await store.countHistoryPending();
    const older = pending - evaluated;
    for (const day of await store.listHistoryPendingDays()) {
      if (day.day >= addDays(firstDay, DAYS - EVALUATED_DAYS)) continue;
      for (;;) {
        const rows = await store.listHistoryPending(sourceId, day.logType, day.day, 10_000);
        if (rows.length === 0) break;
        await store.commitDetection({ ledger: 'history', rowIds: rows.map((r) => r.rowId), matches: [], errors: [] });
      }
    }
    collectGarbage();
    t = performance.now();
    const drained = await detector.drain();
    const drainMs = performance.now() - t;
    print(`history bench: drained ${int(drained.events)} queued sign-ins (${int(older)} older ones taken off first untimed)`);
    return {
      records: made,
      users: USERS,
      buildMs,
      storeBytes: statSync(path.join(dataDir, 'zoomtrail.db')).size,
      evaluated,
      evaluateMs,
      perSecond: evaluated / (evaluateMs / 1000),
      queryMs,
      queryPerSecond: evaluated / (queryMs / 1000),
      drainMs,
      drainPerSecond: drained.events / (drainMs / 1000),
      matches,
      raised: drained.raised,
    };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function printHistory(r: HistoryResult): void {
  print(
    table(
      `History rules on a SQLite store of ${int(r.records)} sign-ins (${int(r.users)} users, 180 days)`,
      ['measure', 'value'],
      [
        ['store build (commitPage, triggers fill sign_ins + queue)', `${seconds(r.buildMs)} (${rate(r.records / (r.buildMs / 1000))})`],
        ['store size', `${(r.storeBytes / 1024 / 1024).toFixed(0)} MB`],
        [`sign-ins evaluated (last ${EVALUATED_DAYS} days, batches of ${BATCH})`, int(r.evaluated)],
        ['HistoryDetector.evaluate: sign-ins/s (history reads + 7 rules)', rate(r.perSecond)],
        ['  of which SignInHistoryStore.signInHistory alone: sign-ins/s', rate(r.queryPerSecond)],
        ['HistoryDetector.drain (evaluate + commit): sign-ins/s', rate(r.drainPerSecond)],
        ['matches / alerts raised by the drain', `${int(r.matches)} / ${int(r.raised)}`],
      ],
    ),
  );
}
