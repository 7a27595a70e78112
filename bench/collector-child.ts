/**
 * The measured collector, alone in its process so its RSS is its own: a
 * SQLite store in a temp dir, one S2S source on the simulator child, and a
 * `SourceCollector` exactly as the product builds it. It backfills, sampling
 * memory at every 10% of the expected records, then optionally plays
 * steady-state polls: the clock moves one poll interval, the simulator gains
 * a few records, one cycle runs. Report requests are counted client side (a
 * counting fetch) by path and status; the parent cross-checks the
 * simulator's own count.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { pino } from 'pino';
import { SourceCollector, type StreamCycleReport } from '../src/collect/source-collector.js';
import type { WindowProgress } from '../src/collect/window-collector.js';
import { sharedIpLocator } from '../src/normalize/ip-locator.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { LOG_TYPES, REPORT_STREAMS, type LogType } from '../src/zoom/report-records.js';
import { BENCH_ACCOUNT_ID, BENCH_S2S, BENCH_SECRET_KEY, BenchClock, benchNormalizers } from './bench-data.js';
import { collectGarbage, tempDir } from './bench-util.js';
import { childConfig, exitWithParent, failChild, send } from './child-ipc.js';

export interface CollectorChildConfig {
  label: string;
  apiUrl: string;
  oauthUrl: string;
  controlUrl: string;
  startMs: number;
  anchorRealMs: number;
  backfillDays: number;
  /** Records the backfill should receive, for the 10% progress marks. */
  expectedRecords: number;
  steady: SteadyConfig | null;
  /**
   * Write V8 heap snapshots here at 10% and 90% of the backfill; null: none. With them each
   * sample also forces a full GC to read the live heap (`heapAfterGc`); without them nothing
   * forces a GC, so the process's memory behaves as the service's does.
   */
  heapSnapshotDir: string | null;
}

export interface SteadyConfig {
  polls: number;
  intervalMs: number;
  activitiesPerPoll: number;
  operationsPerPoll: number;
}

export interface MemorySample {
  /** Share of the expected records received, 0..1. */
  progress: number;
  received: number;
  elapsedMs: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Heap used right after a full GC: the live data; null when no GC was forced (no heap snapshots asked for). */
  heapAfterGc: number | null;
  /** The kernel's RSS high-water mark so far (getrusage maxrss): a peak inside synchronous work, which the sampler cannot see. */
  maxRss: number;
  /** Bytes the city databases' page caches hold (bounded per file). */
  geoipCacheBytes: number;
  /** The kernel's split of RSS (Linux): anonymous memory, mapped files, shared memory (SQLite's -shm). */
  rssAnon: number | null;
  rssFile: number | null;
  rssShmem: number | null;
  /**
   * Resident bytes of the main thread's malloc heap (the `[heap]` mapping): native memory of
   * the main thread, chiefly SQLite's page cache and statements; V8's heap is not in it.
   */
  rssMallocHeap: number | null;
}

function kernelRss(): { rssAnon: number | null; rssFile: number | null; rssShmem: number | null; rssMallocHeap: number | null } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => {
      const match = new RegExp(`^${name}:\\s*(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : null;
    };
    return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile'), rssShmem: kb('RssShmem'), rssMallocHeap: mallocHeapRss() };
  } catch {
    return { rssAnon: null, rssFile: null, rssShmem: null, rssMallocHeap: null };
  }
}

/** Rss of the `[heap]` mapping in /proc/self/smaps, bytes; null when unreadable. */
function mallocHeapRss(): number | null {
  try {
    const smaps = readFileSync('/proc/self/smaps', 'utf8');
    const start = smaps.search(/^[0-9a-f]+-[0-9a-f]+ .*\[heap\]$/m);
    if (start < 0) return null;
    const rss = /^Rss:\s*(\d+) kB/m.exec(smaps.slice(start));
    return rss ? Number(rss[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface StreamCount {
  requests: number;
  byStatus: Record<string, number>;
}

/** One reading of the 250 ms RSS sampler. */
export interface RssTracePoint {
  progress: number;
  rss: number;
}

export interface BackfillResult {
  wallMs: number;
  reports: StreamCycleReport[];
  /** Report requests by log type, client side. */
  requests: Record<LogType, StreamCount>;
  /** Distinct records stored (events + classification failures) by log type. */
  stored: Record<LogType, number>;
  /** Full window reads, from the collector's log. */
  windows: { logType: string; window: { from: string; to: string }; reasons: string[]; pages: number; received: number; inserted: number }[];
  samples: MemorySample[];
  /** Every 250 ms: the share of the expected records received, and RSS (bytes). */
  rssTrace: RssTracePoint[];
  /** Highest RSS seen by the 250 ms sampler or a progress sample. */
  peakRssSampled: number;
  /** The kernel's high-water mark for this process (getrusage maxrss), bytes. */
  maxRss: number;
}

export interface PollResult {
  poll: number;
  /** Minutes after the end of the backfill. */
  atMinutes: number;
  added: { activities: number; operations: number };
  streams: Record<LogType, { requests: number; inserted: number; received: number; outcome: string; fullReads: string[] }>;
}

export interface CollectorResult {
  type: 'result';
  label: string;
  backfill: BackfillResult;
  polls: PollResult[];
  /** Warnings and errors the collector logged, by message (days and numbers masked). */
  warnings: Record<string, number>;
}

const STREAM_BY_PATH = new Map(REPORT_STREAMS.map((s) => [s.path, s.logType]));

async function main(): Promise<void> {
  const config = childConfig<CollectorChildConfig>();
  const clock = new BenchClock(config.startMs, config.anchorRealMs);
  const work = tempDir(`collector-${config.label}`);
  exitWithParent(() => work.remove());

  // Report requests, counted on the client side as they leave.
  const counts = Object.fromEntries(LOG_TYPES.map((t) => [t, { requests: 0, byStatus: {} }])) as Record<LogType, StreamCount>;
  const apiPath = new URL(config.apiUrl).pathname;
  const countingFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const logType = url.pathname.startsWith(apiPath) ? STREAM_BY_PATH.get(url.pathname.slice(apiPath.length)) : undefined;
    try {
      const response = await fetch(input, init);
      if (logType) {
        counts[logType].requests += 1;
        counts[logType].byStatus[response.status] = (counts[logType].byStatus[response.status] ?? 0) + 1;
      }
      return response;
    } catch (error) {
      if (logType) {
        counts[logType].requests += 1;
        counts[logType].byStatus['network-error'] = (counts[logType].byStatus['network-error'] ?? 0) + 1;
      }
      throw error;
    }
  };

  // The collector's own log: full window reads (with their reasons) and warnings, counted by message.
  const windows: BackfillResult['windows'] = [];
  const warnings: Record<string, number> = {};
  const logger = pino(
    { level: 'info' },
    {
      write(line: string) {
        if (line.includes('"window read"')) {
          const entry = JSON.parse(line) as BackfillResult['windows'][number];
          windows.push({ logType: entry.logType, window: entry.window, reasons: entry.reasons, pages: entry.pages, received: entry.received, inserted: entry.inserted });
        } else if (/"level":(4|5|6)0/.test(line)) {
          const { msg } = JSON.parse(line) as { msg?: string };
          const key = (msg ?? '?').replace(/\d{4}-\d{2}-\d{2}/g, '<day>').replace(/\d+/g, '<n>');
          warnings[key] = (warnings[key] ?? 0) + 1;
        }
      },
    },
  );

  const store = await openSqliteStore({ dataDir: work.dir, clock, env: { ZOOMTRAIL_SECRET_KEY: BENCH_SECRET_KEY } });
  const source = await store.createSource({
    name: 'Bench Zoom',
    authKind: 's2s',
    zoomAccountId: BENCH_ACCOUNT_ID,
    clientId: BENCH_S2S.clientId,
    apiUrl: config.apiUrl,
    oauthUrl: config.oauthUrl,
    backfillDays: config.backfillDays,
    pollIntervalMs: 5 * 60_000,
    settleDays: 2,
    reconcileIntervalMs: 60 * 60_000,
    // Far above the defaults (2/s, 3,000/day): requests are counted here, not paced.
    requestsPerSecond: 1000,
    requestsPerDay: 10_000_000,
    paused: false,
    dropOffAlarmMinutes: null,
    credentials: { clientSecret: BENCH_S2S.clientSecret },
  });

  // Memory: a sample at every 10% of the expected records, and a 250 ms sampler for the peak and the flatness bands.
  const samples: MemorySample[] = [];
  let peakRssSampled = 0;
  const started = performance.now();
  const sample = (progress: number, received: number) => {
    const m = process.memoryUsage();
    const kernel = kernelRss();
    peakRssSampled = Math.max(peakRssSampled, m.rss);
    const liveHeap = config.heapSnapshotDir !== null;
    if (liveHeap) collectGarbage();
    samples.push({
      progress,
      received,
      elapsedMs: performance.now() - started,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      heapAfterGc: liveHeap ? process.memoryUsage().heapUsed : null,
      maxRss: process.resourceUsage().maxRSS * 1024,
      geoipCacheBytes: sharedIpLocator().cachedBytes,
      ...kernel,
    });
    const percent = Math.round(progress * 100);
    if (config.heapSnapshotDir !== null && (percent === 10 || percent === 90)) {
      mkdirSync(config.heapSnapshotDir, { recursive: true });
      const file = writeHeapSnapshot(join(config.heapSnapshotDir, `rss-${percent}.heapsnapshot`));
      process.stdout.write(`  [${config.label}] heap snapshot at ${percent}%: ${file}\n`);
    }
  };
  let received = 0;
  const rssTrace: RssTracePoint[] = [];
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    peakRssSampled = Math.max(peakRssSampled, rss);
    rssTrace.push({ progress: received / config.expectedRecords, rss });
  }, 250);
  sampler.unref();

  let nextMark = 1;
  const lastReceived = new Map<string, number>();
  const onProgress = (p: WindowProgress) => {
    const key = `${p.logType} ${p.window.from}..${p.window.to}`;
    const before = p.pages === 1 ? 0 : (lastReceived.get(key) ?? 0);
    lastReceived.set(key, p.received);
    received += p.received - before;
    while (nextMark <= 10 && received >= (config.expectedRecords * nextMark) / 10) {
      sample(nextMark / 10, received);
      if (nextMark % 2 === 0)
        process.stdout.write(
          `  [${config.label}] backfill ${nextMark * 10}%: ${received.toLocaleString('en-US')} records, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
        );
      nextMark += 1;
    }
  };

  const normalizers = benchNormalizers();
  const collector = new SourceCollector(source, { store, clock, logger, normalizers, fetchImpl: countingFetch, onProgress });

  // --- the backfill: one cycle reads every planned window. --------------------
  sample(0, 0);
  const reports = await collector.runCycle();
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  if (nextMark <= 10) sample(received / Math.max(1, config.expectedRecords), received);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const stored = {} as Record<LogType, number>;
  for (const logType of LOG_TYPES) {
    stored[logType] = (await store.countEvents({ sourceId: source.id, logType })) + (await store.countFailures({ sourceId: source.id, logType }));
  }
  const backfill: BackfillResult = {
    wallMs,
    reports,
    requests: structuredClone(counts),
    stored,
    windows: windows.splice(0),
    samples,
    rssTrace: rssTrace.splice(0),
    peakRssSampled,
    maxRss,
  };

  // --- steady state: poll cycles with a few new records each. ------------------
  const polls: PollResult[] = [];
  if (config.steady) {
    const { polls: n, intervalMs, activitiesPerPoll, operationsPerPoll } = config.steady;
    // Poll 1 comes one interval after the backfill; polls 2.. follow the end of poll 1
    // (which may re-read the whole backfill), so polls 2..13 are one full hour in
    // which every open day is due for its hourly re-read once.
    let anchor = clock.now();
    const startOfPolls = anchor;
    const control = async (path: string) => {
      const response = await fetch(`${config.controlUrl}${path}`, { method: 'POST' });
      if (!response.ok) throw new Error(`simulator control ${path}: ${response.status}`);
      return (await response.json()) as Record<string, number>;
    };
    for (let i = 1; i <= n; i += 1) {
      if (i === 2) anchor = clock.now();
      const delta = anchor + (i === 1 ? 1 : i - 1) * intervalMs - clock.now();
      clock.advance(delta);
      await control(`/advance?ms=${delta}`);
      const added = await control(`/add?activities=${activitiesPerPoll}&operations=${operationsPerPoll}&spreadMs=${intervalMs}`);
      const before = structuredClone(counts);
      const pollReports = await collector.runCycle();
      const reads = windows.splice(0);
      const streams = {} as PollResult['streams'];
      for (const report of pollReports) {
        streams[report.logType] = {
          requests: counts[report.logType].requests - before[report.logType].requests,
          inserted: report.inserted,
          received: report.received,
          outcome: report.outcome,
          fullReads: reads.filter((r) => r.logType === report.logType).map((r) => `${r.window.from}..${r.window.to} (${r.reasons.join('+')})`),
        };
      }
      polls.push({
        poll: i,
        atMinutes: Math.round((clock.now() - startOfPolls) / 60_000),
        added: { activities: added.activities ?? 0, operations: added.operations ?? 0 },
        streams,
      });
    }
  }

  await store.close();
  await send({ type: 'result', label: config.label, backfill, polls, warnings } satisfies CollectorResult);
  work.remove();
  process.exit(0);
}

main().catch(failChild);
