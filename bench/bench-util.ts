/**
 * Small helpers shared by the benchmarks: arguments, tables, number formats,
 * machine description, temp directories. Nothing here measures anything.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BENCH_NAMES = ['normalize', 'enrich', 'rules', 'history', 'user-rules', 'requests', 'rss', 'instances', 'search', 'export', 'startup', 'forward'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export interface BenchArgs {
  /** Benchmarks to run, in BENCH_NAMES order. */
  only: BenchName[];
  /** Records of the normalize+detect+store run and of the 7-day backfill; events of the rules run (capped). */
  records: number;
  /** The store of the normalize+detect+store run and of the search run: `sqlite` (default) or `postgres`. */
  store: BenchStore;
  /** The search run's SQLite file (built there when missing, reused when built with the same parameters); default under bench-data/. */
  storeFile?: string;
  /** rss: a directory the collector writes V8 heap snapshots to, at 10% and 90% of the backfill (after a full GC). */
  heapSnapshots?: string;
}

export const BENCH_STORES = ['sqlite', 'postgres'] as const;
export type BenchStore = (typeof BENCH_STORES)[number];
/** The PostgreSQL of `--store postgres`: ZOOMTRAIL_BENCH_DATABASE_URL, else the local default. */
export const BENCH_DATABASE_URL = process.env.ZOOMTRAIL_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export const DEFAULT_RECORDS = 1_000_000;
/** The rules benchmark uses min(--records, this) events. */
export const RULES_MAX_EVENTS = 300_000;

export const USAGE = `Usage: npm run bench -- [--only <names>] [--records <n>] [--store sqlite|postgres] [--store-file <file>]
       [--heap-snapshots <dir>]

  --only <names>   comma-separated subset of: ${BENCH_NAMES.join(', ')} (default: all)
                     normalize  normalize+detect+store throughput vs JSON.parse and a raw SQLite insert
                     rules      rule evaluations/s on normalized events vs a trivial rule and JSON.parse
                     requests   Zoom report requests per 1,000 records: 7-day and 180-day backfill, steady-state polls
                     rss        peak RSS of a collector process during the 7-day backfill
                     instances  collection throughput of 1, 2 and 3 instances on one PostgreSQL database, 30 sources
                     search     search, pages, histograms, export and /api/health through the API (real HTTP, an API
                                token) over a store of --records records (180 days, both log types, 3,000 users) filled
                                through the collector's ingest path; each figure against issue 14's targets
                     export     the export of everything on the search store through the API: the text made in the
                                store's read workers vs on the main thread, interleaved in one process (events/s,
                                CPU per event, the main thread's utilization and event-loop delay)
                     startup    wall time of zoomtrail --help, rules list and source list vs node -e 0
                     forward    forwarding events/s per sink kind (http receiver, NATS JetStream, an Elasticsearch
                                _bulk double) and format (panther, ocsf, ecs) vs the same serialization without I/O
                                (min(--records, 20,000) events)
                   (requests and rss share one backfill run when both are selected)
  --records <n>    records of the normalize+detect+store run, of the 7-day backfill and of the search store,
                   and events of the rules run (at most ${RULES_MAX_EVENTS.toLocaleString('en-US')}) (default ${DEFAULT_RECORDS.toLocaleString('en-US')};
                   issue 14's search targets are for 5,000,000)
  --store <kind>   store of the normalize+detect+store, search and export runs: sqlite (default) or postgres
                   (ZOOMTRAIL_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
                   normalize: a fresh schema, dropped at the end; baseline: raw COPY of the same rows;
                   search: the schema zt_bench_search_r<records>_s<seed>_v<n>, kept and reused by later runs)
  --store-file <f> search and export on sqlite: the database file, built when missing and reused when it was built
                   with the same parameters (default bench-data/search-sqlite-r<records>-s<seed>-v<n>.db,
                   also kept and reused; building 5,000,000 records takes several minutes)
  --heap-snapshots <dir>
                   rss: the collector writes V8 heap snapshots (rss-10.heapsnapshot, rss-90.heapsnapshot) at 10% and
                   90% of the backfill, right after a full GC, to compare what the live heap gained (Chrome DevTools,
                   Memory, Comparison), and every 10% sample forces a full GC to read the live heap ("heap after GC");
                   the GCs and the snapshots change memory and time, so that run's RSS figures are not the measurement
`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  let only: BenchName[] = [...BENCH_NAMES];
  let records = DEFAULT_RECORDS;
  let store: BenchStore = 'sqlite';
  let storeFile: string | undefined;
  let heapSnapshots: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--only': {
        const names = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        for (const name of names) if (!(BENCH_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown benchmark ${JSON.stringify(name)}`);
        only = BENCH_NAMES.filter((name) => names.includes(name));
        break;
      }
      case '--records': {
        const text = value().replace(/[_,]/g, '');
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1000 || n > 20_000_000) throw new UsageError('--records must be an integer from 1000 to 20,000,000');
        records = n;
        break;
      }
      case '--store': {
        const v = value().trim().toLowerCase();
        if (!(BENCH_STORES as readonly string[]).includes(v)) throw new UsageError(`--store must be sqlite or postgres, got ${JSON.stringify(v)}`);
        store = v as BenchStore;
        break;
      }
      case '--store-file': {
        const v = value().trim();
        if (v === '') throw new UsageError('--store-file needs a file name');
        storeFile = v;
        break;
      }
      case '--heap-snapshots': {
        const v = value().trim();
        if (v === '') throw new UsageError('--heap-snapshots needs a directory');
        heapSnapshots = v;
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (storeFile !== undefined && store !== 'sqlite') throw new UsageError('--store-file is the SQLite file of the search run: leave it out with --store postgres');
  if (heapSnapshots !== undefined && !only.includes('rss')) throw new UsageError('--heap-snapshots is for the rss run: add rss to --only');
  return { only, records, store, ...(storeFile === undefined ? {} : { storeFile }), ...(heapSnapshots === undefined ? {} : { heapSnapshots }) };
}

export class UsageError extends Error {}

// --- formatting ---------------------------------------------------------------

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function rate(n: number): string {
  return `${int(n)}/s`;
}

export function fixed(n: number, digits = 2): string {
  return n.toFixed(digits);
}

export function pct(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Milliseconds: one decimal under 10 ms, whole above. */
export function millis(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${int(ms)} ms`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A plain-text table with right-aligned numbers and left-aligned text. */
export function table(title: string, headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,.]+( ?(%|\/s|s|ms|MB|x))?$|^[-–]$|^n\/a$/.test(r[c] ?? '')));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (numeric[c] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [`\n### ${title}\n`, line(headers), rule, ...rows.map(line)].join('\n');
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

// --- machine --------------------------------------------------------------------

export interface MachineInfo {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) cpu = match[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpu,
    cores: os.availableParallelism(),
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

// --- temp dirs -------------------------------------------------------------------

export function tempDir(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `zoomtrail-bench-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `global.gc` when the process was started with --expose-gc. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
