/**
 * The export of everything through the API (issue 14: at least 20,000
 * events/s), the store's export text made in its read workers against the
 * same export made on the main thread, in the same process, on the search
 * benchmark's store (search-store.ts), runs interleaved. One server (the
 * product's, as search-bench.ts serves it); its store's `exportEvents` goes,
 * run by run, to the store as opened (read workers) or to a second store on
 * the same database opened with `readWorkers: 0`.
 *
 * The HTTP client runs in a worker thread (as another process would), so the
 * main thread's figures are the server's: its event-loop utilization, and its
 * event-loop delay (`monitorEventLoopDelay`, 10 ms resolution) while the export
 * runs. The process's CPU time counts every thread (the read worker's too);
 * the main thread's own CPU time is read from /proc (Linux), and its garbage
 * collections from a `gc` PerformanceObserver.
 *
 * EXPORT_WAYS=worker (or main) runs only that way, e.g. to profile it:
 * `EXPORT_WAYS=worker node --cpu-prof --cpu-prof-dir=<dir> dist-bench/bench/run-bench.js --only export ...`
 * writes one .cpuprofile per thread.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { API_TOKEN_PREFIX, hashPassword, randomSecret } from '../src/api/auth-session.js';
import { startServer } from '../src/api/serve.js';
import { openApp, postgresTarget } from '../src/app/app-context.js';
import { hashSecret } from '../src/store/auth-store.js';
import { openPostgresStore } from '../src/store/postgres-store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { ManualClock } from '../src/shared/clock.js';
import { median } from './bench-stats.js';
import { BENCH_SECRET_KEY } from './bench-data.js';
import { type BenchStore, collectGarbage, int, mb, millis, print, rate, table } from './bench-util.js';
import { EXPORT_TARGET_PER_SECOND } from './search-bench.js';
import { prepareSearchStore, SEARCH_NOW, searchConfig, searchStoreParams } from './search-store.js';

/** Runs of each way, interleaved (worker, main, worker, main, ...). */
const ROUNDS = 3;
const EXPORT_REQUEST = '/api/events/export';

export type ExportWay = 'worker' | 'main';

export interface ExportRun {
  way: ExportWay;
  events: number;
  bytes: number;
  ms: number;
  perSecond: number;
  /** CPU of the whole process (every thread) during the run, ms. */
  cpuMs: number;
  /** CPU of the main thread alone (Linux: /proc/self/task/<pid>/stat, 10 ms ticks), ms; NaN elsewhere. */
  mainCpuMs: number;
  /** Full (mark-compact) garbage collections on the main thread, and the main thread's time in garbage collection, ms. */
  mainMajorGcs: number;
  mainGcMs: number;
  /** The main thread's event-loop utilization during the run (0..1). */
  mainUtilization: number;
  /** The main thread's event-loop delay during the run: 99th percentile and worst, ms. */
  delayP99: number;
  delayMax: number;
  rssPeak: number;
}

export interface ExportBenchResult {
  kind: BenchStore;
  runs: ExportRun[];
}

export async function runExportBench(records: number, kind: BenchStore, storeFile?: string): Promise<ExportBenchResult> {
  const built = await prepareSearchStore(searchStoreParams(records), kind, storeFile);
  print(`\nexport: ${kind} store ${built.location}: ${int(built.events)} events`);
  const config = searchConfig(built.databaseUrl);
  const app = await openApp(config, { logger: pino({ level: 'silent' }) });
  const clock = new ManualClock(SEARCH_NOW);
  const mainStore: Store =
    kind === 'postgres'
      ? await openPostgresStore({ clock, secretKey: BENCH_SECRET_KEY, readWorkers: 0, ...postgresTarget(built.databaseUrl) })
      : await openSqliteStore({ clock, secretKey: BENCH_SECRET_KEY, readWorkers: 0, ...sqliteWhere(built.databaseUrl) });
  const workerStore = app.store;
  let way: ExportWay = 'worker';
  // The server's store: every call to the store as opened, but the export to the store of this run's way.
  const routed = new Proxy(workerStore, {
    get(target, key) {
      if (key === 'exportEvents' && way === 'main') return mainStore.exportEvents.bind(mainStore);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  (app as { store: Store }).store = routed;
  const stop = new AbortController();
  let tokenId: string | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(app, stop.signal, { port: 0, host: '127.0.0.1', consoleDir: null });
    const username = 'bench-export';
    const user = (await workerStore.findUserByUsername(username)) ?? (await workerStore.createUser({ username, passwordHash: await hashPassword(randomSecret()) }));
    const token = `${API_TOKEN_PREFIX}${randomSecret()}`;
    tokenId = (await workerStore.createApiToken({ name: 'export benchmark', tokenHash: hashSecret(token), userId: user.id })).id;
    const client = new ExportClient(server.address, token);
    try {
      const ways = (process.env.EXPORT_WAYS?.split(',') ?? ['worker', 'main']) as ExportWay[];
      if (ways.length === 0 || ways.some((w) => w !== 'worker' && w !== 'main')) throw new Error(`EXPORT_WAYS must be worker, main or worker,main; got ${process.env.EXPORT_WAYS}`);
      for (const next of ways) {
        way = next;
        await client.get(EXPORT_REQUEST); // warm-up: the worker started, its connection open
      }
      const runs: ExportRun[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const next of ways) {
          way = next;
          const run = await measure(next, () => client.get(EXPORT_REQUEST));
          print(
            `  ${next}: ${int(run.events)} events, ${mb(run.bytes)} in ${millis(run.ms)} = ${rate(run.perSecond)}; CPU ${millis(run.cpuMs)} (main thread ${millis(run.mainCpuMs)}, ` +
              `${run.mainMajorGcs} full GCs, ${millis(run.mainGcMs)} in GC); ` +
              `main thread busy ${(run.mainUtilization * 100).toFixed(0)}%, event-loop delay p99 ${millis(run.delayP99)}, worst ${millis(run.delayMax)}; RSS peak ${mb(run.rssPeak)}`,
          );
          runs.push(run);
        }
      }
      return { kind, runs };
    } finally {
      await client.close();
    }
  } finally {
    (app as { store: Store }).store = workerStore;
    if (tokenId !== undefined) await workerStore.deleteApiToken(tokenId);
    stop.abort();
    await server?.closed;
    await mainStore.close();
    await app.close();
  }
}

function sqliteWhere(databaseUrl: string): { dataDir: string; fileName: string } {
  const file = path.resolve(databaseUrl.replace(/^sqlite:(\/\/)?/i, ''));
  return { dataDir: path.dirname(file), fileName: path.basename(file) };
}

async function measure(way: ExportWay, run: () => Promise<{ lines: number; bytes: number; ms: number }>): Promise<ExportRun> {
  collectGarbage();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let rssPeak = process.memoryUsage.rss();
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 100);
  let mainMajorGcs = 0;
  let mainGcMs = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      mainGcMs += entry.duration;
      if ((entry as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) mainMajorGcs += 1;
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpuMs();
  delay.enable();
  try {
    const { lines, bytes, ms } = await run();
    const used = process.cpuUsage(cpu);
    const mainCpuMs = mainThreadCpuMs() - mainCpu;
    const busy = performance.eventLoopUtilization(elu);
    return {
      way,
      events: lines,
      bytes,
      ms,
      perSecond: lines / (ms / 1000),
      cpuMs: (used.user + used.system) / 1000,
      mainCpuMs,
      mainMajorGcs,
      mainGcMs,
      mainUtilization: busy.utilization,
      delayP99: delay.percentile(99) / 1e6,
      delayMax: delay.max / 1e6,
      rssPeak,
    };
  } finally {
    delay.disable();
    gcs.disconnect();
    clearInterval(sampler);
  }
}

/** CPU time of the main thread so far (user + system), ms: fields 14 and 15 of /proc/self/task/<pid>/stat, in clock ticks of 10 ms. */
function mainThreadCpuMs(): number {
  try {
    if (!readdirSync('/proc/self/task').includes(String(process.pid))) return Number.NaN;
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Streams GET requests in a worker thread, counting lines and bytes; the server's thread only serves. */
class ExportClient {
  readonly #worker: Worker;
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (r: { lines: number; bytes: number; ms: number }) => void; reject: (e: Error) => void }>();

  constructor(base: string, token: string) {
    this.#worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { base, token } });
    this.#worker.on('message', (m: { id: number; error?: string; lines: number; bytes: number; ms: number }) => {
      const w = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m);
    });
  }

  get(request: string): Promise<{ lines: number; bytes: number; ms: number }> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, request });
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}

const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.on('message', async ({ id, request }) => {
  try {
    const started = performance.now();
    const response = await fetch(workerData.base + request, { headers: { authorization: 'Bearer ' + workerData.token } });
    if (response.status !== 200) throw new Error('GET ' + request + ' answered ' + response.status + ': ' + (await response.text()).slice(0, 300));
    let lines = 0, bytes = 0;
    for await (const chunk of response.body) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    }
    parentPort.postMessage({ id, lines, bytes, ms: performance.now() - started });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.stack || error) });
  }
});
`;

export function printExport(r: ExportBenchResult): void {
  const of = (w: ExportWay) => r.runs.filter((run) => run.way === w);
  const rows = (['worker', 'main'] as const).map((w) => {
    const runs = of(w);
    const pick = (f: (run: ExportRun) => number) => median(runs.map(f));
    return [
      w === 'worker' ? 'read worker' : 'main thread',
      rate(pick((x) => x.perSecond)),
      `${(pick((x) => x.cpuMs / x.events) * 1000).toFixed(1)} µs`,
      `${(pick((x) => x.mainCpuMs / x.events) * 1000).toFixed(1)} µs`,
      `${pick((x) => x.mainMajorGcs)} / ${millis(pick((x) => x.mainGcMs))}`,
      `${(pick((x) => x.mainUtilization) * 100).toFixed(0)}%`,
      millis(pick((x) => x.delayP99)),
      millis(Math.max(...runs.map((x) => x.delayMax))),
      mb(Math.max(...runs.map((x) => x.rssPeak))),
    ];
  });
  print(
    table(
      `Export of everything through the API (${r.kind}, ${int(r.runs[0]?.events ?? 0)} events), median of ${ROUNDS} interleaved runs each; target >= ${int(EXPORT_TARGET_PER_SECOND)}/s`,
      [
        'export text made on',
        'events/s',
        'process CPU per event',
        "main thread's CPU per event",
        'main thread: full GCs / ms in GC',
        'main thread busy',
        'event-loop delay p99',
        'worst',
        'RSS peak',
      ],
      rows,
    ),
  );
}
