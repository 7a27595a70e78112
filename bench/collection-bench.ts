/**
 * Benchmarks 2 and 3, end to end over HTTP: the simulator in one child, the
 * measured collector in another, this process only orchestrating.
 *
 *  - requests: Zoom report requests per 1,000 records for the default 7-day
 *    backfill and for a 180-day backfill of smaller volume, against the ideal
 *    ceil(n/300) per stream; then steady-state polls with a few new records.
 *  - rss: the collector process's RSS during the 7-day backfill, sampled at
 *    every 10% of the records, and its peak.
 */
import { LOG_TYPES, type LogType } from '../src/zoom/report-records.js';
import { BENCH_NOW, BENCH_SEED, backfillHistory, LONG_BACKFILL_DAYS, longBackfillHistory, BACKFILL_DAYS } from './bench-data.js';
import { fixed, int, mb, print, seconds, table } from './bench-util.js';
import { median } from './bench-stats.js';
import { SERVICE_NODE_FLAGS } from '../src/shared/service-node-flags.js';
import { forkChild } from './child-ipc.js';
import type { CollectorChildConfig, CollectorResult, MemorySample, PollResult, RssTracePoint, SteadyConfig } from './collector-child.js';
import type { SimChildConfig, SimReady, SimStats } from './sim-child.js';

const PAGE = 300;
/** Issue 14 §3: peak RSS of the 1,000,000-record backfill, and RSS at 90% at most 10% above RSS at 10%. */
export const RSS_TARGET_BYTES = 200 * 1024 * 1024;
export const RSS_FLAT_RATIO = 1.1;
/** Issue 14 §4: Zoom report requests of a backfill, including the confirmation re-reads it causes, per ceil(n/300). */
export const REQUESTS_TARGET_RATIO = 1.1;

/**
 * The measured collector's node flags: the service's own (what `npm start` runs it with), and
 * nothing else unless heap snapshots are asked for, when `--expose-gc` lets each sample force a
 * full GC to read the live heap. Forced GCs change the process's memory (1,000,000 records, same
 * build, in parallel: RSS at 10% / 90% 152.7 / 163.2 MB = 1.069 with them, 143.3 / 158.7 MB =
 * 1.107 without), so the RSS figures are the service's only without them.
 */
export function collectorNodeFlags(heapSnapshots: boolean): string[] {
  return [...(heapSnapshots ? ['--expose-gc'] : []), ...SERVICE_NODE_FLAGS];
}

/** How far around 10% and 90% of the records the 250 ms RSS readings are taken for the flatness bands. */
export const RSS_BAND_HALF_WIDTH = 0.05;

export interface RssFlatness {
  /** The single progress samples at 10% and 90% of the records. */
  at10: number;
  at90: number;
  ratio: number;
  /** Medians of the 250 ms readings within 5% of 10% and of 90% (null with fewer than 3 readings in a band). */
  band10: number | null;
  band90: number | null;
  bandRatio: number | null;
}

/** The median RSS of the readings within RSS_BAND_HALF_WIDTH of `progress` (bounds included), or null with fewer than 3. */
function bandMedian(trace: readonly RssTracePoint[], progress: number): number | null {
  const inBand = trace.filter((p) => Math.abs(p.progress - progress) <= RSS_BAND_HALF_WIDTH + 1e-9).map((p) => p.rss);
  return inBand.length >= 3 ? median(inBand) : null;
}

/**
 * RSS at 90% of the records over RSS at 10% (issue 14's flatness), or null without both samples. The
 * single samples land wherever the garbage collector happens to be (runs of this code gave 1.065 and 1.113,
 * on two machines); the medians of the readings around each mark measure the same level without that
 * noise, and the verdict is theirs when both bands have readings.
 */
export function rssFlatness(samples: readonly MemorySample[], trace: readonly RssTracePoint[]): RssFlatness | null {
  const at = (progress: number) => samples.find((s) => Math.abs(s.progress - progress) < 1e-9)?.rss;
  const at10 = at(0.1);
  const at90 = at(0.9);
  if (at10 === undefined || at90 === undefined) return null;
  const band10 = bandMedian(trace, 0.1);
  const band90 = bandMedian(trace, 0.9);
  const bandRatio = band10 === null || band90 === null ? null : band90 / band10;
  return { at10, at90, ratio: at90 / at10, band10, band90, bandRatio };
}

/** The flatness figure the verdict is on: the bands' ratio when there is one, else the single samples'. */
export function flatnessRatio(flat: RssFlatness): number {
  return flat.bandRatio ?? flat.ratio;
}
/**
 * 13 polls 5 minutes apart: the first one after the backfill (it also confirms
 * the days the backfill left ambiguous), then a full hour, so every open day
 * gets its hourly re-read once.
 */
export const STEADY: SteadyConfig = { polls: 13, intervalMs: 5 * 60_000, activitiesPerPoll: 10, operationsPerPoll: 2 };

export interface ScenarioResult {
  label: string;
  backfillDays: number;
  generated: { fromDay: string; toDay: string; perDay: number; expected: number };
  collector: CollectorResult;
  sim: SimStats;
}

async function runScenario(args: {
  label: string;
  backfillDays: number;
  history: { fromDay: string; toDay: string; volume: { activities: number; operations: number }; days: number };
  steady: SteadyConfig | null;
  heapSnapshotDir?: string;
}): Promise<ScenarioResult> {
  const anchorRealMs = Date.now();
  const { history } = args;
  const expected = history.days * (history.volume.activities + history.volume.operations);
  const simConfig: SimChildConfig = { startMs: BENCH_NOW, anchorRealMs, seed: BENCH_SEED, fromDay: history.fromDay, toDay: history.toDay, volume: history.volume };
  const sim = forkChild(new URL('./sim-child.js', import.meta.url), simConfig);
  try {
    const ready = await sim.next<SimReady>('ready');
    const collectorConfig: CollectorChildConfig = {
      label: args.label,
      apiUrl: ready.apiUrl,
      oauthUrl: ready.baseUrl,
      controlUrl: ready.controlUrl,
      startMs: BENCH_NOW,
      anchorRealMs,
      backfillDays: args.backfillDays,
      expectedRecords: expected,
      steady: args.steady,
      heapSnapshotDir: args.heapSnapshotDir ?? null,
    };
    const collector = forkChild(new URL('./collector-child.js', import.meta.url), collectorConfig, collectorNodeFlags(args.heapSnapshotDir !== undefined));
    try {
      const result = await collector.next<CollectorResult>('result');
      const response = await fetch(`${ready.controlUrl}/stats`);
      const simStats = (await response.json()) as SimStats;
      return {
        label: args.label,
        backfillDays: args.backfillDays,
        generated: { fromDay: history.fromDay, toDay: history.toDay, perDay: history.volume.activities + history.volume.operations, expected },
        collector: result,
        sim: simStats,
      };
    } finally {
      await collector.stop();
    }
  } finally {
    await sim.stop();
  }
}

export interface CollectionResults {
  backfill7: ScenarioResult;
  backfill180: ScenarioResult | null;
}

/** Per-day volume of the 180-day backfill: 500 a day at the default size. */
export function longPerDay(records: number): number {
  return Math.min(500, Math.max(20, Math.round(records / 2000)));
}

export async function runCollectionBench(records: number, options: { requests: boolean; heapSnapshotDir?: string }): Promise<CollectionResults> {
  const history = backfillHistory(records);
  print(
    `\nbackfill (${BACKFILL_DAYS} days, ${int(history.days * (history.volume.activities + history.volume.operations))} records) over HTTP: simulator and collector in child processes...`,
  );
  const backfill7 = await runScenario({
    label: '7-day',
    backfillDays: BACKFILL_DAYS,
    history,
    steady: options.requests ? STEADY : null,
    ...(options.heapSnapshotDir === undefined ? {} : { heapSnapshotDir: options.heapSnapshotDir }),
  });
  print(`  done in ${seconds(backfill7.collector.backfill.wallMs)}${options.requests ? `, then ${STEADY.polls} steady-state polls` : ''}`);
  let backfill180: ScenarioResult | null = null;
  if (options.requests) {
    const long = longBackfillHistory(longPerDay(records));
    print(`\nbackfill (${LONG_BACKFILL_DAYS} days, ${int(long.days * (long.volume.activities + long.volume.operations))} records)...`);
    backfill180 = await runScenario({ label: '180-day', backfillDays: LONG_BACKFILL_DAYS, history: long, steady: null });
    print(`  done in ${seconds(backfill180.collector.backfill.wallMs)}`);
  }
  return { backfill7, backfill180 };
}

// --- requests -------------------------------------------------------------------------

export interface BackfillRequestFigures {
  label: string;
  records: number;
  requests: number;
  ideal: number;
  perThousand: number;
  ratio: number;
  simRequests: number;
  windows: number;
  wallMs: number;
  failed: string[];
}

export function backfillFigures(s: ScenarioResult): BackfillRequestFigures {
  const b = s.collector.backfill;
  let records = 0;
  let requests = 0;
  let ideal = 0;
  for (const logType of LOG_TYPES) {
    records += b.stored[logType];
    requests += b.requests[logType].requests;
    ideal += Math.ceil(b.stored[logType] / PAGE);
  }
  return {
    label: s.label,
    records,
    requests,
    ideal,
    perThousand: (requests / records) * 1000,
    ratio: requests / ideal,
    simRequests: s.sim.reportTotal,
    windows: b.windows.length,
    wallMs: b.wallMs,
    failed: b.reports.filter((r) => r.outcome !== 'ok').map((r) => `${r.logType}: ${r.outcome} ${r.error?.code ?? ''} ${r.error?.message ?? ''}`),
  };
}

export interface SteadyFigures {
  /** Poll 1, right after the backfill: confirmation re-reads of ambiguous backfill days, if any. */
  first: { perStream: Record<LogType, number>; reads: string[] } | null;
  /** The hour after it (polls 2..13). */
  polls: number;
  fastPathPolls: number;
  /** Requests per stream in polls without a full read. */
  fastPathPerStream: Record<LogType, { mean: number; min: number; max: number }>;
  rereadPolls: { poll: number; perStream: Record<LogType, number>; reads: string[] }[];
  newRecords: number;
  requestsTotal: number;
  requestsFastPath: number;
  newInFastPathPolls: number;
}

const isFastPath = (p: PollResult) => LOG_TYPES.every((t) => p.streams[t].fullReads.length === 0);
const perStreamRequests = (p: PollResult) => Object.fromEntries(LOG_TYPES.map((t) => [t, p.streams[t].requests])) as Record<LogType, number>;
const readsOf = (p: PollResult) => LOG_TYPES.flatMap((t) => p.streams[t].fullReads.map((r) => `${t} ${r}`));

export function steadyFigures(all: readonly PollResult[]): SteadyFigures {
  const [head, ...polls] = all;
  const fast = polls.filter(isFastPath);
  const fastPathPerStream = {} as SteadyFigures['fastPathPerStream'];
  for (const t of LOG_TYPES) {
    const values = fast.map((p) => p.streams[t].requests);
    fastPathPerStream[t] = {
      mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN,
      min: values.length ? Math.min(...values) : Number.NaN,
      max: values.length ? Math.max(...values) : Number.NaN,
    };
  }
  const sum = (ps: readonly PollResult[], f: (s: PollResult['streams'][LogType]) => number) => ps.reduce((n, p) => n + LOG_TYPES.reduce((m, t) => m + f(p.streams[t]), 0), 0);
  return {
    first: head ? { perStream: perStreamRequests(head), reads: readsOf(head) } : null,
    polls: polls.length,
    fastPathPolls: fast.length,
    fastPathPerStream,
    rereadPolls: polls.filter((p) => !isFastPath(p)).map((p) => ({ poll: p.poll, perStream: perStreamRequests(p), reads: readsOf(p) })),
    newRecords: sum(polls, (s) => s.inserted),
    requestsTotal: sum(polls, (s) => s.requests),
    requestsFastPath: sum(fast, (s) => s.requests),
    newInFastPathPolls: sum(fast, (s) => s.inserted),
  };
}

/** The backfill's requests, plus the confirmation re-reads poll 1 made for days it left ambiguous. */
export function backfillWithConfirmation(s: ScenarioResult): { requests: number; ratio: number; confirmRequests: number } | null {
  const head = s.collector.polls[0];
  if (!head) return null;
  const confirm = LOG_TYPES.reduce((n, t) => n + (head.streams[t].fullReads.some((r) => r.includes('confirm')) ? head.streams[t].requests : 0), 0);
  const f = backfillFigures(s);
  return { requests: f.requests + confirm, ratio: (f.requests + confirm) / f.ideal, confirmRequests: confirm };
}

export function printRequests(results: CollectionResults): void {
  const scenarios = [results.backfill7, results.backfill180].filter((s): s is ScenarioResult => s !== null);
  const rows: string[][] = [];
  for (const s of scenarios) {
    const b = s.collector.backfill;
    for (const logType of LOG_TYPES) {
      const n = b.stored[logType];
      const req = b.requests[logType].requests;
      rows.push([
        `${s.label} (${int(s.generated.perDay)}/day)`,
        logType,
        int(n),
        int(req),
        int(Math.ceil(n / PAGE)),
        fixed((req / n) * 1000, 3),
        fixed(req / Math.ceil(n / PAGE), 4),
        '-',
      ]);
    }
    const f = backfillFigures(s);
    rows.push([
      `${s.label} (${int(s.generated.perDay)}/day)`,
      'total',
      int(f.records),
      int(f.requests),
      int(f.ideal),
      fixed(f.perThousand, 3),
      fixed(f.ratio, 4),
      `<= ${REQUESTS_TARGET_RATIO}: ${f.ratio <= REQUESTS_TARGET_RATIO ? 'met' : 'MISSED'}`,
    ]);
  }
  print(
    table(
      'Zoom report requests during a backfill (ideal: ceil(n/300) per stream)',
      ['backfill', 'stream', 'records', 'requests', 'ideal', 'per 1,000 records', 'ratio to ideal', 'target'],
      rows,
    ),
  );
  for (const s of scenarios) {
    const f = backfillFigures(s);
    const statuses = LOG_TYPES.map((t) => `${t} ${JSON.stringify(s.collector.backfill.requests[t].byStatus)}`).join(', ');
    const clientTotal = f.requests + s.collector.polls.reduce((n, p) => n + LOG_TYPES.reduce((m, t) => m + p.streams[t].requests, 0), 0);
    print(
      `${s.label}: ${f.windows} window reads, wall ${seconds(f.wallMs)}; report requests over the whole run: simulator ${int(f.simRequests)}, collector ${int(clientTotal)}; backfill statuses ${statuses}`,
    );
    const warnings = Object.entries(s.collector.warnings);
    if (warnings.length > 0) print(`  collector warnings: ${warnings.map(([m, n]) => `${n} x "${m}"`).join('; ')}`);
    if (f.failed.length > 0) print(`  FAILED streams: ${f.failed.join('; ')}`);
    if (s.label === '180-day') {
      for (const w of s.collector.backfill.windows)
        print(`  ${w.logType} ${w.window.from}..${w.window.to} ${w.reasons.join('+')}: ${int(w.pages)} pages, ${int(w.received)} received, ${int(w.inserted)} new`);
    }
  }

  const polls = results.backfill7.collector.polls;
  if (polls.length === 0) return;
  const st = steadyFigures(polls);
  const hourRows: string[][] = [];
  for (const p of polls) {
    hourRows.push([
      String(p.poll),
      `+${p.atMinutes} min`,
      `${p.added.activities} + ${p.added.operations}`,
      ...LOG_TYPES.map((t) => String(p.streams[t].requests)),
      String(LOG_TYPES.reduce((n, t) => n + p.streams[t].inserted, 0)),
      LOG_TYPES.flatMap((t) => p.streams[t].fullReads.map((r) => `${t.replace('Zoom.', '')} ${r}`)).join('; ') || 'fast path only',
    ]);
  }
  print(
    table(
      `polls after the ${BACKFILL_DAYS}-day backfill: one every 5 minutes, a few new records each`,
      ['poll', 'time', 'new (act + op)', 'Activity requests', 'Operation requests', 'stored', 'full reads'],
      hourRows,
    ),
  );
  const fastMean = LOG_TYPES.map((t) => `${t} ${fixed(st.fastPathPerStream[t].mean, 2)} (${st.fastPathPerStream[t].min}-${st.fastPathPerStream[t].max})`).join(', ');
  const summary: string[][] = [];
  if (st.first && st.first.reads.length > 0) {
    const conf = backfillWithConfirmation(results.backfill7)!;
    summary.push([
      'poll 1: re-reads right after the backfill',
      `${LOG_TYPES.map((t) => `${t} ${int(st.first!.perStream[t])}`).join(', ')} requests (${st.first.reads.join('; ')})`,
    ]);
    summary.push(['backfill + its confirmation re-reads / ceil(n/300)', `${int(conf.requests)} / ${int(backfillFigures(results.backfill7).ideal)} = ${fixed(conf.ratio, 3)}`]);
  }
  summary.push([`polls 2-${st.polls + 1} (one hour): fast path only / with a full re-read`, `${st.fastPathPolls} / ${st.polls - st.fastPathPolls}`]);
  summary.push(['requests per poll per stream, fast-path polls (mean, min-max)', fastMean]);
  summary.push(['requests per 1,000 new records, fast-path polls', fixed((st.requestsFastPath / Math.max(1, st.newInFastPathPolls)) * 1000, 1)]);
  for (const r of st.rereadPolls)
    summary.push([
      `poll ${r.poll}: full re-read (hourly reconcile, or confirmation)`,
      `${LOG_TYPES.map((t) => `${t} ${int(r.perStream[t])}`).join(', ')} requests (${r.reads.join('; ')})`,
    ]);
  summary.push(['the hour: requests / new records stored', `${int(st.requestsTotal)} / ${int(st.newRecords)}`]);
  summary.push(['the hour: requests per poll per stream', fixed(st.requestsTotal / st.polls / LOG_TYPES.length, 2)]);
  summary.push(['the hour: requests per 1,000 new records', fixed((st.requestsTotal / Math.max(1, st.newRecords)) * 1000, 1)]);
  summary.push(['the hour x 24 (requests per day at this volume)', `${int(st.requestsTotal * 24)} (source default budget 3,000/day; Zoom Pro 30,000/day per account)`]);
  print(table('steady state, summary', ['figure', 'value'], summary));
}

// --- rss ----------------------------------------------------------------------------------

export function printRss(results: CollectionResults): void {
  const b = results.backfill7.collector.backfill;
  print(
    table(
      `collector process memory during the ${BACKFILL_DAYS}-day backfill of ${int(results.backfill7.generated.expected)} records (sampled at each 10%)`,
      [
        'progress',
        'records',
        'elapsed',
        'rss',
        'rss high-water',
        'rss anon',
        'rss file',
        'rss shmem',
        'malloc heap',
        'heap total',
        'heap used',
        'heap after GC',
        'external',
        'geoip pages',
      ],
      b.samples.map((s) => {
        const opt = (n: number | null) => (n === null ? 'n/a' : mb(n));
        return [
          `${Math.round(s.progress * 100)}%`,
          int(s.received),
          seconds(s.elapsedMs),
          mb(s.rss),
          mb(s.maxRss),
          opt(s.rssAnon),
          opt(s.rssFile),
          opt(s.rssShmem),
          opt(s.rssMallocHeap),
          mb(s.heapTotal),
          mb(s.heapUsed),
          opt(s.heapAfterGc),
          mb(s.external),
          mb(s.geoipCacheBytes),
        ];
      }),
    ),
  );
  const peak = Math.max(b.peakRssSampled, b.maxRss);
  print(
    `peak RSS: ${mb(b.peakRssSampled)} sampled (250 ms + progress), ${mb(b.maxRss)} kernel high-water mark (getrusage maxrss); target <= ${mb(RSS_TARGET_BYTES)}: ${peak <= RSS_TARGET_BYTES ? 'met' : 'MISSED'}`,
  );
  const flat = rssFlatness(b.samples, b.rssTrace);
  if (flat) {
    print(`RSS at 90% / RSS at 10%, single samples: ${mb(flat.at90)} / ${mb(flat.at10)} = ${fixed(flat.ratio, 3)}`);
    if (flat.bandRatio !== null)
      print(`RSS at 90% / RSS at 10%, medians of the 250 ms readings within 5% of each: ${mb(flat.band90!)} / ${mb(flat.band10!)} = ${fixed(flat.bandRatio, 3)}`);
    print(`flatness target <= ${RSS_FLAT_RATIO}: ${flatnessRatio(flat) <= RSS_FLAT_RATIO ? 'met' : 'MISSED'}`);
  }
}
