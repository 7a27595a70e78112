/**
 * Benchmark 1, normalize+detect+store: generated Zoom records in 300-record
 * pages through the collector's own per-page work (`WindowIngest.ingestPage`:
 * occurrence counting, content hash, row id, normalize, event/failure rows,
 * and `store.commitPage` whenever the ingest commits, one transaction per
 * batch of pages, then detection on the newly stored events through the
 * production listener `onEventsStored: (events) => detector.detect(events)`,
 * which evaluates the enabled rules and commits their results with
 * `store.commitDetection`) into a fresh SQLite store, against two baselines on the
 * same records in the same process: `JSON.parse` of the pages' text, and a raw
 * insert of the very rows the store wrote (same row ids, same event JSON) with
 * one prepared statement in one transaction.
 */
import Database from 'better-sqlite3';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { WindowIngest } from '../src/collect/page-ingest.js';
import { Detector } from '../src/detect/detector.js';
import { RULES } from '../src/rules/rule-registry.js';
import { contentHash, rowIdFor } from '../src/collect/row-identity.js';
import { addDays, daysFrom } from '../src/domain/utc-days.js';
import { OccurrenceCounter, type PageCount } from '../src/collect/occurrence-counter.js';
import type { Normalizer } from '../src/normalize/normalizer.js';
import { ManualClock } from '../src/shared/clock.js';
import { openSqliteDatabase } from '../src/store/sqlite-database.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/store/sqlite-store.js';
import { openPostgresStore } from '../src/store/postgres-store.js';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import type { PageCommit, Store } from '../src/store/store.js';
import { LOG_TYPES, type LogType, type ZoomLogType } from '../src/zoom/report-records.js';
import { generateDay } from '../src/zoom-sim/record-generator.js';
import { BACKFILL_DAYS, BENCH_NOW, BENCH_SECRET_KEY, BENCH_SEED, BENCH_TODAY, backfillHistory, benchNormalizers, benchSourceInput } from './bench-data.js';
import { benchHistoryDetector } from './bench-history-detector.js';
import { BENCH_DATABASE_URL, type BenchStore, collectGarbage, fixed, int, pct, print, rate, seconds, table, tempDir } from './bench-util.js';

const PAGE = 300;
/** Records of the warm-up run (another seed, other days: nothing shared with the measured run). */
const WARMUP_RECORDS = 6_000;
/** Records of the per-stage breakdown. */
const STAGE_RECORDS = 100_000;

/** Issue 14 §2: bytes on disk per event on SQLite. */
export const BYTES_PER_EVENT_TARGET = 700;

export interface NormalizeStoreResult {
  records: number;
  events: number;
  failures: number;
  identicalPairs: number;
  jsonParse: { ms: number; perSecond: number };
  ingest: {
    ms: number;
    /** Process CPU time (user + system, process.cpuUsage) inside ingestPage: what a loaded machine does not inflate. */
    cpuMs: number;
    perSecond: number;
    commitMs: number;
    detectMs: number;
    alertsRaised: number;
    matches: number;
    detectCalls: number;
    writtenBytes: number | null;
    deciles: { records: number; perSecond: number }[];
  };
  rawInsert: { ms: number; cpuMs?: number; perSecond: number; rows: number; writtenBytes: number | null };
  ratioToRaw: number;
  ratioToParse: number;
  /** `sqlite` or `postgres`. */
  storeKind: BenchStore;
  /** The raw baseline's name: `raw SQLite insert` or `raw PostgreSQL multi-row INSERT`. */
  rawLabel: string;
  stages: { stage: string; records: number; perSecond: number; usPerRecord: number }[];
  dbBytes: number;
  /** SQLite: the bytes of each table and index (dbstat, after the store is closed), largest first, as the run left the store (history queue full). */
  btreeBytes?: BtreeBytes[];
  /**
   * SQLite: the store as the running service leaves it: the history queue drained by the service's
   * HistoryDetector.drain (the detection queue is drained during the run by Detector.detect), then closed
   * (PRAGMA optimize, WAL checkpointed). `usedBytes` counts the pages in use (page_count - freelist_count):
   * the free pages the drain left are reused by later inserts before the file grows.
   */
  drained?: { btreeBytes: BtreeBytes[]; pages: PageCounts; historyEvaluated: number; historyWaiting: number };
  /** SQLite: page counts as the run left the store (before the drain). */
  pages?: PageCounts;
}

/** A table's or index's pages (dbstat): bytes in all, and bytes of them unused (free space inside its pages). */
export interface BtreeBytes {
  name: string;
  bytes: number;
  unused: number;
}

/** The file's pages: in all, on the free list, their size. */
export interface PageCounts {
  pageCount: number;
  freelistCount: number;
  pageSize: number;
}

/** The pages of one stream, newest first as Zoom sends them, as JSON text. */
interface StreamPages {
  logType: LogType;
  pages: string[];
  records: number;
}

/** 7 days of generated records (the backfill's days), both streams, as page texts. */
function generatePages(total: number, seed: number, lastDay: string): { streams: StreamPages[]; records: number; identicalPairs: number } {
  const history = backfillHistory(total);
  const perStream: Record<ZoomLogType, unknown[][]> = { 'Zoom.Activity': [], 'Zoom.Operation': [] };
  let identicalPairs = 0;
  // Newest day first, each day newest record first: the order the collector reads.
  for (let i = 0; i < history.days; i += 1) {
    const day = addDays(lastDay, -i);
    const { activities, operations } = generateDay({ seed, day, volume: history.volume });
    identicalPairs += countIdenticalPairs(activities) + countIdenticalPairs(operations);
    perStream['Zoom.Activity'].push(activities.reverse());
    perStream['Zoom.Operation'].push(operations.reverse());
  }
  let records = 0;
  const streams = LOG_TYPES.map((logType): StreamPages => {
    const all = perStream[logType].flat();
    const pages: string[] = [];
    for (let i = 0; i < all.length; i += PAGE) pages.push(JSON.stringify(all.slice(i, i + PAGE)));
    records += all.length;
    return { logType, pages, records: all.length };
  });
  return { streams, records, identicalPairs };
}

function countIdenticalPairs(records: readonly object[]): number {
  const seen = new Set<string>();
  let pairs = 0;
  for (const record of records) {
    const key = JSON.stringify(record);
    if (seen.has(key)) pairs += 1;
    else seen.add(key);
  }
  return pairs;
}

/** Bytes this process has caused to be written to storage so far (Linux /proc/self/io), or null. */
function writtenBytes(): number | null {
  try {
    const match = /^write_bytes:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The store with `commitPage` timed (other methods pass through). */
function timedStore(store: Store): { store: Store; commitMs: () => number } {
  let ms = 0;
  const proxy = new Proxy(store, {
    get(target, property) {
      if (property === 'commitPage') {
        return async (commit: PageCommit) => {
          const started = performance.now();
          try {
            return await target.commitPage(commit);
          } finally {
            ms += performance.now() - started;
          }
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, commitMs: () => ms };
}

/** `dir` is the SQLite data directory, or the PostgreSQL schema (fresh, created here) for `kind` postgres. */
async function openBenchStore(dir: string, clock: ManualClock, kind: BenchStore = 'sqlite'): Promise<{ store: Store; sourceId: string }> {
  const env = { ZOOMTRAIL_SECRET_KEY: BENCH_SECRET_KEY };
  const store = kind === 'postgres' ? await openPostgresStore({ url: BENCH_DATABASE_URL, clock, env, schema: dir }) : await openSqliteStore({ dataDir: dir, clock, env });
  const source = await store.createSource(benchSourceInput('Bench Zoom', BACKFILL_DAYS));
  return { store, sourceId: source.id };
}

/**
 * Feeds every page through `WindowIngest` exactly as `collectWindow` does for
 * a 7-day backfill: one window read per stream, pages newest first, the last
 * page proving the core days, with the collector's detection listener
 * (`Detector.detect` on each commit's new events, RULES, silent logger). Only
 * `ingestPage` is timed (detection runs inside it, in `flush`), and the time
 * inside `detect` is summed apart; `JSON.parse` of the page (what fetch does
 * before the collector sees it) is not.
 */
async function runIngest(
  streams: readonly StreamPages[],
  store: Store,
  sourceId: string,
  normalizers: ReadonlyMap<LogType, Normalizer>,
  clock: ManualClock,
  lastDay: string,
  progress?: (line: string) => void,
): Promise<{
  ms: number;
  cpuMs: number;
  commitMs: number;
  detectMs: number;
  alertsRaised: number;
  matches: number;
  detectCalls: number;
  events: number;
  failures: number;
  deciles: { records: number; perSecond: number }[];
}> {
  const logger = pino({ level: 'silent' });
  const timed = timedStore(store);
  const detector = new Detector({ store: timed.store, rules: RULES, clock, logger });
  let detectMs = 0;
  let alertsRaised = 0;
  let matches = 0;
  let detectCalls = 0;
  const onEventsStored = async (events: Parameters<Detector['detect']>[0]): Promise<void> => {
    const started = performance.now();
    try {
      const result = await detector.detect(events);
      alertsRaised += result.raised.length;
      matches += result.matched;
      detectCalls += 1;
    } finally {
      detectMs += performance.now() - started;
    }
  };
  const total = streams.reduce((n, s) => n + s.records, 0);
  const deciles: { records: number; perSecond: number }[] = [];
  let done = 0;
  let decileStart = { ms: 0, records: 0 };
  const today = addDays(lastDay, 1);
  const core = daysFrom(addDays(today, -(BACKFILL_DAYS - 1)), today);
  let ms = 0;
  let cpuUs = 0;
  let events = 0;
  let failures = 0;
  for (const { logType, pages } of streams) {
    const ingest = new WindowIngest({
      store: timed.store,
      normalizer: normalizers.get(logType)!,
      logType,
      sourceId,
      sourceLabel: 'Bench Zoom',
      settleDays: 2,
      logger,
      windowLabel: `${addDays(core[0]!, -1)}..${addDays(today, 2)}`,
      anchorDay: addDays(core[0]!, -1),
      confirmation: false,
      newestStored: null,
      onEventsStored,
    });
    for (let i = 0; i < pages.length; i += 1) {
      const records = JSON.parse(pages[i]!) as unknown[];
      const last = i === pages.length - 1;
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      const { commit } = await ingest.ingestPage({ records, nowMs: clock.now(), last, provenDays: last ? core : [] });
      const cpu = process.cpuUsage(cpuStarted);
      ms += performance.now() - started;
      cpuUs += cpu.user + cpu.system;
      events += commit?.insertedEventIds.length ?? 0;
      failures += commit?.insertedFailures ?? 0;
      done += records.length;
      if (done >= (total * (deciles.length + 1)) / 10 || done === total) {
        const n = done - decileStart.records;
        deciles.push({ records: done, perSecond: n / ((ms - decileStart.ms) / 1000) });
        progress?.(`${int(done)} records, ${seconds(ms)} in ingestPage, last ${int(n)} at ${rate(deciles[deciles.length - 1]!.perSecond)}`);
        decileStart = { ms, records: done };
      }
    }
  }
  return { ms, cpuMs: cpuUs / 1000, commitMs: timed.commitMs(), detectMs, alertsRaised, matches, detectCalls, events, failures, deciles };
}

function timeJsonParse(streams: readonly StreamPages[]): number {
  let count = 0;
  const started = performance.now();
  for (const { pages } of streams) for (const text of pages) count += (JSON.parse(text) as unknown[]).length;
  const ms = performance.now() - started;
  if (count < 0) print('unreachable');
  return ms;
}

/**
 * The rows the store wrote (row_id, event_json), read back in insertion order
 * in batches (not timed) and inserted (timed) into a fresh database with the
 * store's pragmas: one table keyed by row id, one prepared statement, one
 * transaction around everything, its COMMIT timed too.
 */
function timeRawInsert(storeFile: string, rawDir: string): { ms: number; cpuMs: number; rows: number } {
  const source = new Database(storeFile, { readonly: true });
  const { db } = openSqliteDatabase({ dataDir: rawDir, fileName: 'raw.db', memory: false });
  db.exec('CREATE TABLE events (row_id TEXT PRIMARY KEY, event_json TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO events (row_id, event_json) VALUES (?, ?)');
  const read = source.prepare('SELECT row_id, event_json FROM events ORDER BY rowid').raw(true);
  const BATCH = 20_000;
  let ms = 0;
  let cpuUs = 0;
  let rows = 0;
  let started = performance.now();
  let cpuStarted = process.cpuUsage();
  const took = () => {
    ms += performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    cpuUs += cpu.user + cpu.system;
  };
  db.exec('BEGIN');
  took();
  let batch: [string, string][] = [];
  const flush = () => {
    started = performance.now();
    cpuStarted = process.cpuUsage();
    for (const [rowId, json] of batch) insert.run(rowId, json);
    took();
    rows += batch.length;
    batch = [];
  };
  for (const row of read.iterate() as IterableIterator<[string, string]>) {
    batch.push(row);
    if (batch.length === BATCH) flush();
  }
  flush();
  started = performance.now();
  cpuStarted = process.cpuUsage();
  db.exec('COMMIT');
  took();
  db.close();
  source.close();
  return { ms, cpuMs: cpuUs / 1000, rows };
}

/** Rows per statement of the PostgreSQL raw baseline. */

/**
 * PostgreSQL's raw baseline: the rows the store wrote (row_id, event_json),
 * read back (not timed), then written (timed) into a fresh table keyed by row
 * id in another fresh schema with one `COPY ... FROM STDIN` (text format,
 * pg-copy-streams), in one transaction, its COMMIT timed too: the fastest way
 * PostgreSQL takes these rows.
 */
async function timeRawInsertPostgres(storeSchema: string, rawSchema: string): Promise<{ ms: number; rows: number }> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${rawSchema}"`);
    await client.query(`CREATE TABLE "${rawSchema}".events (row_id text PRIMARY KEY, event_json text NOT NULL)`);
    const { rows } = await client.query<{ row_id: string; event_json: string }>(`SELECT row_id, event_json FROM "${storeSchema}".events`);
    const lines = rows.map((r) => `${copyText(r.row_id)}\t${copyText(r.event_json)}\n`);
    const started = performance.now();
    await client.query('BEGIN');
    const copy = client.query(copyFrom(`COPY "${rawSchema}".events (row_id, event_json) FROM STDIN`));
    await pipeline(Readable.from(lines), copy);
    await client.query('COMMIT');
    return { ms: performance.now() - started, rows: rows.length };
  } finally {
    await client.end();
  }
}

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

async function postgresQuery(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** Bytes of a schema's tables with their indexes and TOAST. */
async function postgresSchemaBytes(schema: string): Promise<number> {
  const { rows } = await postgresQuery(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${schema}' AND c.relkind = 'r'`,
  );
  return Number((rows[0] as { bytes: string }).bytes);
}

/**
 * Where an ingest's time goes, stage by stage on the first `STAGE_RECORDS`
 * activity records (each stage timed alone, in the order ingestPage runs them).
 */
function stageBreakdown(streams: readonly StreamPages[], normalizers: ReadonlyMap<LogType, Normalizer>): NormalizeStoreResult['stages'] {
  const activity = streams.find((s) => s.logType === 'Zoom.Activity')!;
  const pages: unknown[][] = [];
  let n = 0;
  for (const text of activity.pages) {
    if (n >= STAGE_RECORDS) break;
    const records = JSON.parse(text) as unknown[];
    pages.push(records);
    n += records.length;
  }
  const normalizer = normalizers.get('Zoom.Activity')!;
  const out: NormalizeStoreResult['stages'] = [];
  const stage = (name: string, fn: () => void) => {
    fn(); // warm
    const started = performance.now();
    fn();
    const ms = performance.now() - started;
    out.push({ stage: name, records: n, perSecond: n / (ms / 1000), usPerRecord: (ms * 1000) / n });
  };
  let counted: PageCount<unknown>[] = [];
  stage('occurrence count + contentHash', () => {
    const counter = new OccurrenceCounter();
    counted = pages.map((records) => counter.addPage(records, contentHash));
  });
  let ids: string[] = [];
  stage('rowIdFor', () => {
    ids = [];
    for (const page of counted) for (const c of page.counted) ids.push(rowIdFor('bench-source', 'Zoom.Activity', c.hash, c.occurrence, 0));
  });
  let events: Record<string, unknown>[] = [];
  stage('normalize (schema, p_ fields, indicators)', () => {
    events = [];
    let i = 0;
    for (const page of counted) {
      for (const c of page.counted) {
        const result = normalizer.normalize(c.record, { sourceId: 'bench-source', sourceLabel: 'Bench Zoom', rowId: ids[i++]!, parseTimeMs: BENCH_NOW });
        if (result.ok) events.push(result.value.event);
      }
    }
  });
  stage('JSON.stringify(event) (done in commitPage)', () => {
    let bytes = 0;
    for (const event of events) bytes += JSON.stringify(event).length;
    if (bytes < 0) print('unreachable');
  });
  return out;
}

export async function runNormalizeStoreBench(totalRecords: number, kind: BenchStore = 'sqlite'): Promise<NormalizeStoreResult> {
  if (kind === 'postgres') return runPostgres(totalRecords);
  const lastDay = addDays(BENCH_TODAY, -1);
  const normalizers = benchNormalizers();
  const clock = new ManualClock(BENCH_NOW);
  const work = tempDir('normalize');
  try {
    print(`\nnormalize+detect+store: generating ${int(totalRecords)} records (seed ${BENCH_SEED}, ${BACKFILL_DAYS} days up to ${lastDay})...`);
    const genStarted = performance.now();
    const { streams, records, identicalPairs } = generatePages(totalRecords, BENCH_SEED, lastDay);
    print(
      `  ${int(records)} records in ${int(streams.reduce((n, s) => n + s.pages.length, 0))} pages, ${int(identicalPairs)} identical pairs, generated in ${seconds(performance.now() - genStarted)}`,
    );

    // Warm-up: every code path once on a small set of other records, into a throwaway store.
    {
      const warm = generatePages(WARMUP_RECORDS, BENCH_SEED + 1, '2026-01-10');
      const dir = path.join(work.dir, 'warmup');
      const { store, sourceId } = await openBenchStore(dir, clock);
      await runIngest(warm.streams, store, sourceId, normalizers, clock, '2026-01-10');
      await store.close();
      timeJsonParse(warm.streams);
      timeRawInsert(path.join(dir, SQLITE_FILE_NAME), path.join(work.dir, 'warmup-raw'));
    }

    collectGarbage();
    const parseMs = timeJsonParse(streams);
    print(`  JSON.parse baseline: ${seconds(parseMs)}`);

    collectGarbage();
    const storeDir = path.join(work.dir, 'store');
    const { store, sourceId } = await openBenchStore(storeDir, clock);
    const ioBefore = writtenBytes();
    const ingest = await runIngest(streams, store, sourceId, normalizers, clock, lastDay, (line) => print(`  normalize+detect+store: ${line}`));
    const ioIngest = ioBefore === null ? null : writtenBytes()! - ioBefore;
    await store.close();
    print(`  normalize+detect+store: ${seconds(ingest.ms)} (${seconds(ingest.detectMs)} in detect, ${int(ingest.matches)} matches, ${int(ingest.alertsRaised)} alerts raised)`);
    if (ingest.detectCalls === 0) throw new Error('normalize+detect+store: detect was never called');

    collectGarbage();
    const ioRawBefore = writtenBytes();
    const raw = timeRawInsert(path.join(storeDir, SQLITE_FILE_NAME), path.join(work.dir, 'raw'));
    const ioRaw = ioRawBefore === null ? null : writtenBytes()! - ioRawBefore;
    print(`  raw insert baseline: ${seconds(raw.ms)}`);
    const btreeBytes = bytesPerBtree(path.join(storeDir, SQLITE_FILE_NAME));
    const pages = pageCounts(path.join(storeDir, SQLITE_FILE_NAME));
    const drained = await drainAsTheServiceDoes(storeDir, clock);
    print(`  history queue drained: ${int(drained.historyEvaluated)} events evaluated, ${int(drained.historyWaiting)} waiting (look-back unproven)`);
    let dbBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        dbBytes += statSync(path.join(storeDir, SQLITE_FILE_NAME + suffix)).size;
      } catch {
        // no WAL left
      }
    }

    collectGarbage();
    const stages = stageBreakdown(streams, normalizers);

    const ingestRate = records / (ingest.ms / 1000);
    const rawRate = raw.rows / (raw.ms / 1000);
    const parseRate = records / (parseMs / 1000);
    return {
      records,
      events: ingest.events,
      failures: ingest.failures,
      identicalPairs,
      jsonParse: { ms: parseMs, perSecond: parseRate },
      ingest: {
        ms: ingest.ms,
        cpuMs: ingest.cpuMs,
        perSecond: ingestRate,
        commitMs: ingest.commitMs,
        detectMs: ingest.detectMs,
        alertsRaised: ingest.alertsRaised,
        matches: ingest.matches,
        detectCalls: ingest.detectCalls,
        writtenBytes: ioIngest,
        deciles: ingest.deciles,
      },
      rawInsert: { ms: raw.ms, cpuMs: raw.cpuMs, perSecond: rawRate, rows: raw.rows, writtenBytes: ioRaw },
      ratioToRaw: ingestRate / rawRate,
      ratioToParse: ingestRate / parseRate,
      storeKind: 'sqlite',
      rawLabel: 'raw SQLite insert',
      stages,
      dbBytes,
      btreeBytes,
      pages,
      drained,
    };
  } finally {
    work.remove();
  }
}

/** The same run on PostgreSQL (BENCH_DATABASE_URL): fresh schemas for the warm-up, the store and the raw baseline, dropped at the end. */
async function runPostgres(totalRecords: number): Promise<NormalizeStoreResult> {
  const lastDay = addDays(BENCH_TODAY, -1);
  const normalizers = benchNormalizers();
  const clock = new ManualClock(BENCH_NOW);
  const tag = randomBytes(4).toString('hex');
  const schemas = { warm: `zt_bench_${tag}_warm`, warmRaw: `zt_bench_${tag}_warm_raw`, store: `zt_bench_${tag}_store`, raw: `zt_bench_${tag}_raw` };
  try {
    print(
      `\nnormalize+detect+store on PostgreSQL (${BENCH_DATABASE_URL.replace(/:\/\/([^:@/]*):[^@/]*@/, '://$1:***@')}): generating ${int(totalRecords)} records (seed ${BENCH_SEED}, ${BACKFILL_DAYS} days up to ${lastDay})...`,
    );
    const genStarted = performance.now();
    const { streams, records, identicalPairs } = generatePages(totalRecords, BENCH_SEED, lastDay);
    print(
      `  ${int(records)} records in ${int(streams.reduce((n, s) => n + s.pages.length, 0))} pages, ${int(identicalPairs)} identical pairs, generated in ${seconds(performance.now() - genStarted)}`,
    );
    {
      const warm = generatePages(WARMUP_RECORDS, BENCH_SEED + 1, '2026-01-10');
      const { store, sourceId } = await openBenchStore(schemas.warm, clock, 'postgres');
      await runIngest(warm.streams, store, sourceId, normalizers, clock, '2026-01-10');
      await store.close();
      timeJsonParse(warm.streams);
      await timeRawInsertPostgres(schemas.warm, schemas.warmRaw);
    }
    collectGarbage();
    const parseMs = timeJsonParse(streams);
    print(`  JSON.parse baseline: ${seconds(parseMs)}`);

    collectGarbage();
    const { store, sourceId } = await openBenchStore(schemas.store, clock, 'postgres');
    const ingest = await runIngest(streams, store, sourceId, normalizers, clock, lastDay, (line) => print(`  normalize+detect+store: ${line}`));
    await store.close();
    print(`  normalize+detect+store: ${seconds(ingest.ms)} (${seconds(ingest.detectMs)} in detect, ${int(ingest.matches)} matches, ${int(ingest.alertsRaised)} alerts raised)`);
    if (ingest.detectCalls === 0) throw new Error('normalize+detect+store: detect was never called');
    await postgresQuery('CHECKPOINT').catch(() => undefined); // start the baseline without the run's dirty buffers pending

    collectGarbage();
    const raw = await timeRawInsertPostgres(schemas.store, schemas.raw);
    print(`  raw COPY baseline: ${seconds(raw.ms)}`);
    const dbBytes = await postgresSchemaBytes(schemas.store);

    collectGarbage();
    const stages = stageBreakdown(streams, normalizers);
    const ingestRate = records / (ingest.ms / 1000);
    const rawRate = raw.rows / (raw.ms / 1000);
    const parseRate = records / (parseMs / 1000);
    return {
      records,
      events: ingest.events,
      failures: ingest.failures,
      identicalPairs,
      jsonParse: { ms: parseMs, perSecond: parseRate },
      ingest: {
        ms: ingest.ms,
        cpuMs: ingest.cpuMs,
        perSecond: ingestRate,
        commitMs: ingest.commitMs,
        detectMs: ingest.detectMs,
        alertsRaised: ingest.alertsRaised,
        matches: ingest.matches,
        detectCalls: ingest.detectCalls,
        writtenBytes: null, // the server process writes, not this one
        deciles: ingest.deciles,
      },
      rawInsert: { ms: raw.ms, perSecond: rawRate, rows: raw.rows, writtenBytes: null },
      ratioToRaw: ingestRate / rawRate,
      ratioToParse: ingestRate / parseRate,
      storeKind: 'postgres',
      rawLabel: 'raw PostgreSQL COPY',
      stages,
      dbBytes,
    };
  } finally {
    for (const schema of Object.values(schemas)) await postgresQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  }
}

/** Each table's and index's bytes in a SQLite file (the dbstat virtual table), largest first, with the unused bytes inside its pages. */
function bytesPerBtree(file: string): BtreeBytes[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT name, SUM(pgsize) AS bytes, SUM(unused) AS unused FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as BtreeBytes[];
  } finally {
    db.close();
  }
}

function pageCounts(file: string): PageCounts {
  const db = new Database(file, { readonly: true });
  try {
    const pragma = (name: string) => Number(db.pragma(name, { simple: true }));
    return { pageCount: pragma('page_count'), freelistCount: pragma('freelist_count'), pageSize: pragma('page_size') };
  } finally {
    db.close();
  }
}

/**
 * The store as the running service leaves it: opened again, the history rules' queue drained as the
 * pipeline's HistoryDetector drains it (every 30 s in the service), closed (PRAGMA optimize, WAL checkpoint).
 */
async function drainAsTheServiceDoes(storeDir: string, clock: ManualClock): Promise<NonNullable<NormalizeStoreResult['drained']>> {
  const store = await openSqliteStore({ dataDir: storeDir, clock, env: { ZOOMTRAIL_SECRET_KEY: BENCH_SECRET_KEY } });
  let result: { events: number; waiting: number };
  try {
    const history = benchHistoryDetector(store, clock);
    result = await history.drain();
  } finally {
    await store.close();
  }
  const file = path.join(storeDir, SQLITE_FILE_NAME);
  return { btreeBytes: bytesPerBtree(file), pages: pageCounts(file), historyEvaluated: result.events, historyWaiting: result.waiting };
}

/** Bytes per event of the pages in use (not on the free list). */
export function usedBytesPerEvent(pages: PageCounts, events: number): number {
  return ((pages.pageCount - pages.freelistCount) * pages.pageSize) / events;
}

export function printNormalizeStore(r: NormalizeStoreResult): void {
  print(
    table(
      `normalize+detect+store: ${int(r.records)} records (${int(r.events)} events, ${int(r.failures)} failures, ${int(r.identicalPairs)} identical pairs), 300-record pages`,
      ['run', 'time', 'events/s', 'vs raw insert', 'target'],
      [
        ['JSON.parse of the pages (baseline a)', seconds(r.jsonParse.ms), rate(r.jsonParse.perSecond), '-', '-'],
        [`${r.rawLabel}, same rows (baseline b)`, seconds(r.rawInsert.ms), rate(r.rawInsert.perSecond), '100.0%', '-'],
        [
          'normalize+detect+store (WindowIngest.ingestPage + Detector.detect)',
          seconds(r.ingest.ms),
          rate(r.ingest.perSecond),
          pct(r.ratioToRaw),
          `>= 100,000/s and >= 50%: ${r.ingest.perSecond >= 100_000 && r.ratioToRaw >= 0.5 ? 'met' : 'MISSED'}`,
        ],
      ],
    ),
  );
  print(
    `normalize+detect+store CPU (process.cpuUsage inside ingestPage): ${seconds(r.ingest.cpuMs)}, ${fixed((r.ingest.cpuMs * 1000) / r.records, 2)} µs per record, ${rate(r.records / (r.ingest.cpuMs / 1000))} per CPU second` +
      (r.rawInsert.cpuMs === undefined
        ? ''
        : `; raw insert CPU ${fixed((r.rawInsert.cpuMs * 1000) / r.rawInsert.rows, 2)} µs per row; by CPU, normalize+detect+store / raw insert = ${fixed(r.rawInsert.cpuMs / r.rawInsert.rows / (r.ingest.cpuMs / r.records), 3)}`),
  );
  print(
    `normalize+detect+store / raw insert = ${fixed(r.ratioToRaw, 3)}; normalize+detect+store / JSON.parse = ${fixed(r.ratioToParse, 3)}; store size ${int(r.dbBytes / 1024 / 1024)} MB`,
  );
  const perEvent = (bytes: number | null, n: number) => (bytes === null ? 'n/a' : `${fixed(bytes / n / 1024, 1)} KiB`);
  print(
    table(
      'normalize+detect+store: where the wall time goes',
      ['part', 'time', 'share'],
      [
        [`store.commitPage (the ${r.storeKind === 'postgres' ? 'PostgreSQL' : 'SQLite'} transactions)`, seconds(r.ingest.commitMs), pct(r.ingest.commitMs / r.ingest.ms)],
        [`Detector.detect (${int(r.ingest.detectCalls)} calls: rules + store.commitDetection)`, seconds(r.ingest.detectMs), pct(r.ingest.detectMs / r.ingest.ms)],
        [
          'everything else (count, hash, row id, normalize, rows)',
          seconds(r.ingest.ms - r.ingest.commitMs - r.ingest.detectMs),
          pct(1 - (r.ingest.commitMs + r.ingest.detectMs) / r.ingest.ms),
        ],
      ],
    ),
  );
  print(`detection during the run: ${int(r.ingest.matches)} rule matches, ${int(r.ingest.alertsRaised)} alerts raised (RULES: ${RULES.length} rules)`);
  print(
    `bytes written to storage per event: normalize+detect+store ${perEvent(r.ingest.writtenBytes, r.events)}, raw insert ${perEvent(r.rawInsert.writtenBytes, r.rawInsert.rows)} (/proc/self/io write_bytes)`,
  );
  if (r.btreeBytes && r.drained && r.pages) {
    const before = new Map(r.btreeBytes.map((b) => [b.name, b]));
    const after = new Map(r.drained.btreeBytes.map((b) => [b.name, b]));
    const total = (list: BtreeBytes[]) => list.reduce((n, b) => n + b.bytes, 0);
    const totalBefore = total(r.btreeBytes);
    const totalAfter = total(r.drained.btreeBytes);
    const names = [...new Set([...before.keys(), ...after.keys()])].filter((name) => Math.max(before.get(name)?.bytes ?? 0, after.get(name)?.bytes ?? 0) / totalBefore >= 0.005);
    names.sort((a, b) => (after.get(b)?.bytes ?? 0) - (after.get(a)?.bytes ?? 0) || (before.get(b)?.bytes ?? 0) - (before.get(a)?.bytes ?? 0));
    const perEventOf = (b: BtreeBytes | undefined) => int((b?.bytes ?? 0) / r.events);
    print(
      table(
        `normalize+detect+store: bytes on disk per event, by table and index (dbstat after close): ${int(totalBefore / r.events)} B as the run left it, ${int(totalAfter / r.events)} B with the history queue drained as the service drains it`,
        ['table or index', 'B/event, run', 'B/event, drained', 'MB, drained', 'unused in its pages, drained', 'share, drained'],
        names.map((name) => {
          const a = after.get(name);
          return [name, perEventOf(before.get(name)), perEventOf(a), fixed((a?.bytes ?? 0) / 1024 / 1024, 1), a ? pct(a.unused / a.bytes) : '-', pct((a?.bytes ?? 0) / totalAfter)];
        }),
      ),
    );
    const pageLine = (label: string, p: PageCounts) =>
      `${label}: page_count ${int(p.pageCount)}, freelist_count ${int(p.freelistCount)} (${pct(p.freelistCount / p.pageCount)} free, reused by later inserts before the file grows), ${int(usedBytesPerEvent(p, r.events))} B/event in pages in use, ${int((p.pageCount * p.pageSize) / r.events)} B/event of file`;
    print(pageLine('pages as the run left the store', r.pages));
    print(pageLine('pages with the history queue drained', r.drained.pages));
    print(`history queue drain: ${int(r.drained.historyEvaluated)} events evaluated, ${int(r.drained.historyWaiting)} left waiting (look-back unproven)`);
  }
  print(
    table(
      'normalize+detect+store: throughput by tenth of the run (the store grows)',
      ['records so far', 'events/s in this tenth'],
      r.ingest.deciles.map((d) => [int(d.records), rate(d.perSecond)]),
    ),
  );
  print(
    table(
      `CPU stages of ingestPage, each alone on the first ${int(r.stages[0]?.records ?? 0)} activity records`,
      ['stage', 'records/s', 'µs/record'],
      r.stages.map((s) => [s.stage, rate(s.perSecond), fixed(s.usPerRecord, 2)]),
    ),
  );
}
