/**
 * The search benchmark's store: `--records` generated Zoom records over 180
 * days (both log types, 60 simulated accounts' worth of people: 3,000 users,
 * one email domain each) stored through the collector's own per-page path
 * (`WindowIngest.ingestPage`: occurrences, content hash, row id, normalize,
 * `store.commitPage`, then detection on the new events through
 * `Detector.detect`, as the collector's listener does), one window read per
 * stream and day, oldest day first.
 *
 * Building millions of records takes minutes, so the store is kept: a SQLite
 * file (default under bench-data/, or `--store-file`) with a sidecar
 * `<file>.json`, or a PostgreSQL schema named after the parameters with the
 * same JSON as its comment, written only once the build is complete. A later
 * run with the same parameters reuses it (the product's own migrations still
 * run when the server opens it, so new indexes are built then).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { openApp, type AppContext } from '../src/app/app-context.js';
import { WindowIngest } from '../src/collect/page-ingest.js';
import { resolveRuntimeConfig, type RuntimeConfig } from '../src/config/runtime-config.js';
import { Detector } from '../src/detect/detector.js';
import { addDays } from '../src/domain/utc-days.js';
import { RULES } from '../src/rules/rule-registry.js';
import { ManualClock } from '../src/shared/clock.js';
import { LOG_TYPES, type ZoomLogType } from '../src/zoom/report-records.js';
import { generateDay } from '../src/zoom-sim/record-generator.js';
import { BENCH_SECRET_KEY, BENCH_SEED, BENCH_TODAY, benchNormalizers, benchSourceInput, dayVolume } from './bench-data.js';
import { BENCH_DATABASE_URL, type BenchStore, int, print, rate, seconds } from './bench-util.js';

/** Days of stored history: the 180 full days before the bench's today. */
export const SEARCH_DAYS = 180;
/** Simulated populations of 50 people each, one email domain each: 3,000 users. */
export const SEARCH_UNITS = 60;
/**
 * Version of the generated data and of the way it is stored: bump it when
 * either changes, so a store kept from an earlier version is rebuilt.
 */
export const SEARCH_DATA_VERSION = 1;
/** "Now" of the build and of the server: the end of the stored history (00:00 UTC of the bench's today). */
export const SEARCH_NOW = Date.parse(`${BENCH_TODAY}T00:00:00Z`);
const PAGE = 300;
const SOURCE_NAME = 'Bench Zoom (search)';
/** Where kept stores go by default: bench-data/ at the repository root (from dist-bench/bench/, two levels up). */
export const BENCH_DATA_DIR = fileURLToPath(new URL('../../bench-data/', import.meta.url));

/** What a kept store was built from: reused only when every field matches. */
export interface SearchStoreParams {
  records: number;
  seed: number;
  days: number;
  lastDay: string;
  units: number;
  version: number;
}

/** What the build wrote beside (or into) the store once it was complete. */
interface BuiltMarker {
  params: SearchStoreParams;
  sourceId: string;
  records: number;
  events: number;
  failures: number;
  alertsRaised: number;
  buildMs: number;
  builtAt: string;
}

export interface SearchStore {
  kind: BenchStore;
  /** The SQLite file or the PostgreSQL schema, for the report. */
  location: string;
  /** DATABASE_URL for the product's config. */
  databaseUrl: string;
  sourceId: string;
  records: number;
  events: number;
  failures: number;
  alertsRaised: number;
  buildMs: number;
  /** True when an earlier run's store was used as it was. */
  reused: boolean;
}

export function searchStoreParams(records: number): SearchStoreParams {
  return { records, seed: BENCH_SEED, days: SEARCH_DAYS, lastDay: addDays(BENCH_TODAY, -1), units: SEARCH_UNITS, version: SEARCH_DATA_VERSION };
}

/**
 * The product's runtime config for the bench's store, resolved from settings
 * as `zoomtrail start` resolves them: DATABASE_URL, the secret key, the clock
 * started at SEARCH_NOW (ZOOMTRAIL_CLOCK_START), silent logs.
 */
export function searchConfig(databaseUrl: string): RuntimeConfig {
  mkdirSync(BENCH_DATA_DIR, { recursive: true });
  return resolveRuntimeConfig({
    cwd: BENCH_DATA_DIR,
    env: {
      DATABASE_URL: databaseUrl,
      ZOOMTRAIL_DATA_DIR: BENCH_DATA_DIR,
      ZOOMTRAIL_SECRET_KEY: BENCH_SECRET_KEY,
      ZOOMTRAIL_CLOCK_START: new Date(SEARCH_NOW).toISOString(),
      ZOOMTRAIL_LOG_LEVEL: 'silent',
    },
  });
}

/** The kept store for these parameters: reused when complete and built from the same parameters, else (re)built. */
export async function prepareSearchStore(params: SearchStoreParams, kind: BenchStore, storeFile?: string): Promise<SearchStore> {
  return kind === 'postgres' ? preparePostgres(params) : prepareSqlite(params, storeFile);
}

async function prepareSqlite(params: SearchStoreParams, storeFile: string | undefined): Promise<SearchStore> {
  const file = path.resolve(storeFile ?? path.join(BENCH_DATA_DIR, `search-sqlite-r${params.records}-s${params.seed}-v${params.version}.db`));
  const markerFile = `${file}.json`;
  const databaseUrl = `sqlite:${file}`;
  const marker = readMarker(existsSync(markerFile) ? readFileSync(markerFile, 'utf8') : null);
  if (marker && sameParams(marker.params, params) && existsSync(file)) return storeOf('sqlite', file, databaseUrl, marker, true);
  if (existsSync(file)) {
    if (storeFile !== undefined && !marker) {
      throw new Error(
        `--store-file ${file} exists and was not built by the search benchmark (no ${path.basename(markerFile)} beside it): ` +
          'name a new file (it is built there) or delete this one.',
      );
    }
    print(`\nsearch: ${file} was built from other parameters (${marker ? JSON.stringify(marker.params) : 'an unfinished build'}): building it again`);
  }
  for (const suffix of ['', '-wal', '-shm', '.json']) rmSync(`${file}${suffix}`, { force: true });
  mkdirSync(path.dirname(file), { recursive: true });
  const built = await buildStore(params, databaseUrl, file);
  writeFileSync(markerFile, `${JSON.stringify(built, null, 2)}\n`);
  return storeOf('sqlite', file, databaseUrl, built, false);
}

async function preparePostgres(params: SearchStoreParams): Promise<SearchStore> {
  const schema = `zt_bench_search_r${params.records}_s${params.seed}_v${params.version}`;
  const url = new URL(BENCH_DATABASE_URL);
  url.searchParams.set('schema', schema);
  const databaseUrl = url.toString();
  const { rows } = await postgresQuery<{ comment: string | null }>("SELECT obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = $1", [schema]);
  const exists = rows.length > 0;
  const marker = readMarker(rows[0]?.comment ?? null);
  if (marker && sameParams(marker.params, params)) return storeOf('postgres', schema, databaseUrl, marker, true);
  if (exists) {
    print(`\nsearch: schema ${schema} was built from other parameters or not finished: dropping it and building it again`);
    await postgresQuery(`DROP SCHEMA "${schema}" CASCADE`);
  }
  const built = await buildStore(params, databaseUrl, `PostgreSQL schema ${schema}`);
  await postgresQuery(`COMMENT ON SCHEMA "${schema}" IS ${pg.escapeLiteral(JSON.stringify(built))}`);
  return storeOf('postgres', schema, databaseUrl, built, false);
}

function storeOf(kind: BenchStore, location: string, databaseUrl: string, marker: BuiltMarker, reused: boolean): SearchStore {
  const { sourceId, records, events, failures, alertsRaised, buildMs } = marker;
  return { kind, location, databaseUrl, sourceId, records, events, failures, alertsRaised, buildMs, reused };
}

function readMarker(text: string | null): BuiltMarker | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<BuiltMarker>;
    return value.params && typeof value.sourceId === 'string' && typeof value.events === 'number' ? (value as BuiltMarker) : null;
  } catch {
    return null;
  }
}

function sameParams(a: SearchStoreParams, b: SearchStoreParams): boolean {
  return a.records === b.records && a.seed === b.seed && a.days === b.days && a.lastDay === b.lastDay && a.units === b.units && a.version === b.version;
}

async function postgresQuery<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    return await client.query<R>(text, values);
  } finally {
    await client.end();
  }
}

/** One day of both reports for every simulated population, each newest first (the order Zoom lists them in). */
export function generateSearchDay(params: SearchStoreParams, day: string): Record<ZoomLogType, Array<{ time: string }>> {
  const volume = dayVolume(params.records, params.days);
  const share = (total: number, unit: number) => Math.floor(total / params.units) + (unit < total % params.units ? 1 : 0);
  const activities: Array<{ time: string }> = [];
  const operations: Array<{ time: string }> = [];
  for (let unit = 0; unit < params.units; unit += 1) {
    const generated = generateDay({
      seed: params.seed + unit,
      day,
      domain: `u${unit + 1}.example.com`,
      volume: { activities: share(volume.activities, unit), operations: share(volume.operations, unit) },
    });
    activities.push(...generated.activities);
    operations.push(...generated.operations);
  }
  // Newest first; records of one second keep their order (the sort is stable).
  const newestFirst = (a: { time: string }, b: { time: string }) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0);
  return { 'Zoom.Activity': activities.sort(newestFirst), 'Zoom.Operation': operations.sort(newestFirst) };
}

/**
 * Fills a fresh store at `databaseUrl`, opened as the product opens it
 * (`openApp` over the resolved config), through the collector's per-page path
 * with detection after each commit; returns what the marker records.
 */
async function buildStore(params: SearchStoreParams, databaseUrl: string, where: string): Promise<BuiltMarker> {
  const clock = new ManualClock(SEARCH_NOW);
  const logger = pino({ level: 'silent' });
  const normalizers = benchNormalizers();
  const firstDay = addDays(params.lastDay, -(params.days - 1));
  print(
    `\nsearch: building the store (${where}): ${int(params.records)} records over ${params.days} days (${firstDay}..${params.lastDay}), ` +
      `${params.units} populations (${int(params.units * 50)} users), through WindowIngest.ingestPage + Detector.detect...`,
  );
  const app: AppContext = await openApp(searchConfig(databaseUrl), { clock, logger });
  const started = performance.now();
  try {
    const store = app.store;
    const source = await store.createSource(benchSourceInput(SOURCE_NAME, params.days));
    const detector = new Detector({ store, rules: RULES, clock, logger });
    let alertsRaised = 0;
    const onEventsStored = async (events: Parameters<Detector['detect']>[0]): Promise<void> => {
      alertsRaised += (await detector.detect(events)).raised.length;
    };
    const newestStored: Record<ZoomLogType, number | null> = { 'Zoom.Activity': null, 'Zoom.Operation': null };
    let records = 0;
    let events = 0;
    let failures = 0;
    let reported = 0;
    for (let i = 0; i < params.days; i += 1) {
      const day = addDays(firstDay, i);
      const generated = generateSearchDay(params, day);
      for (const logType of LOG_TYPES) {
        const dayRecords = generated[logType];
        const ingest = new WindowIngest({
          store,
          normalizer: normalizers.get(logType)!,
          logType,
          sourceId: source.id,
          sourceLabel: SOURCE_NAME,
          settleDays: 2,
          logger,
          windowLabel: `${day}..${addDays(day, 1)}`,
          anchorDay: day,
          confirmation: false,
          newestStored: newestStored[logType],
          onEventsStored,
        });
        for (let at = 0; at < dayRecords.length || at === 0; at += PAGE) {
          // As fetched: the page's JSON text parsed, nothing shared with the generator's objects.
          const page = JSON.parse(JSON.stringify(dayRecords.slice(at, at + PAGE))) as unknown[];
          const last = at + PAGE >= dayRecords.length;
          const { commit, eventTimes } = await ingest.ingestPage({ records: page, nowMs: SEARCH_NOW, last, provenDays: last ? [day] : [] });
          for (const t of eventTimes) if (newestStored[logType] === null || t > newestStored[logType]) newestStored[logType] = t;
          if (commit) {
            events += commit.insertedEventIds.length;
            failures += commit.insertedFailures;
          }
          records += page.length;
        }
      }
      if (records >= reported + params.records / 10 || i === params.days - 1) {
        reported = records;
        const ms = performance.now() - started;
        print(`  ${day}: ${int(records)} records stored in ${seconds(ms)} (${rate(records / (ms / 1000))})`);
      }
    }
    const buildMs = performance.now() - started;
    print(`  built: ${int(events)} events, ${int(failures)} classification failures, ${int(alertsRaised)} alerts raised, in ${seconds(buildMs)}`);
    return { params, sourceId: source.id, records, events, failures, alertsRaised, buildMs, builtAt: new Date().toISOString() };
  } finally {
    await app.close();
  }
}
