/**
 * The Zoom simulator in a child process, so its memory and CPU do not count
 * against the measured collector. One Pro account with generated history
 * (limits raised so the request count, not Zoom's rate, is what is measured),
 * one Server-to-Server app, a clock pinned to the benchmark's day, and a small
 * loopback control server:
 *
 *   POST /advance?ms=N                       move the clock forward
 *   POST /add?activities=A&operations=O&spreadMs=S
 *                                            A and O new records timed in the last S ms
 *   GET  /stats                              report requests answered, by path and status
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityLogRecord, OperationLogRecord } from '../src/zoom/report-records.js';
import { generateDay, type DayVolume } from '../src/zoom-sim/record-generator.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { BENCH_ACCOUNT_ID, BENCH_S2S, BenchClock } from './bench-data.js';
import { childConfig, exitWithParent, failChild, send } from './child-ipc.js';

export interface SimChildConfig {
  startMs: number;
  anchorRealMs: number;
  seed: number;
  fromDay: string;
  toDay: string;
  volume: DayVolume;
}

export interface SimReady {
  type: 'ready';
  baseUrl: string;
  apiUrl: string;
  controlUrl: string;
}

export interface SimStats {
  /** Report requests answered, by path, by status. */
  report: Record<string, Record<string, number>>;
  reportTotal: number;
  oauth: number;
}

/** Fresh records for the steady-state polls: another seed's generated days, re-timed as used. */
class RecordFeed {
  readonly #seed: number;
  #day = 0;
  #activities: ActivityLogRecord[] = [];
  #operations: OperationLogRecord[] = [];

  constructor(seed: number) {
    this.#seed = seed;
  }

  take(activities: number, operations: number, nowMs: number, spreadMs: number): { activities: ActivityLogRecord[]; operations: OperationLogRecord[] } {
    const timeAt = (i: number, n: number) => {
      const ms = nowMs - spreadMs + Math.floor(((i + 1) * spreadMs) / (n + 1));
      return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    };
    const outA: ActivityLogRecord[] = [];
    const outO: OperationLogRecord[] = [];
    for (let i = 0; i < activities; i += 1) outA.push({ ...this.#next('a'), time: timeAt(i, activities) } as ActivityLogRecord);
    for (let i = 0; i < operations; i += 1) outO.push({ ...this.#next('o'), time: timeAt(i, operations) } as OperationLogRecord);
    return { activities: outA, operations: outO };
  }

  #next(kind: 'a' | 'o'): ActivityLogRecord | OperationLogRecord {
    if (this.#activities.length === 0 || this.#operations.length === 0) {
      const day = new Date(Date.UTC(2000, 0, 1 + this.#day++)).toISOString().slice(0, 10);
      const generated = generateDay({ seed: this.#seed, day, volume: { activities: 5000, operations: 1000 } });
      this.#activities = generated.activities.reverse();
      this.#operations = generated.operations.reverse();
    }
    return (kind === 'a' ? this.#activities.pop() : this.#operations.pop())!;
  }
}

async function main(): Promise<void> {
  const config = childConfig<SimChildConfig>();
  const clock = new BenchClock(config.startMs, config.anchorRealMs);
  const sim = await ZoomSimulator.start({ clock, seed: 1, logger: false });
  const account = sim.addAccount({
    accountId: BENCH_ACCOUNT_ID,
    plan: 'pro',
    // Zoom's Pro limits (10/s, 30,000/day) would make a 1M backfill take hours; the count is what is measured.
    perSecondLimit: 1_000_000,
    dailyLimit: 100_000_000,
    generated: { seed: config.seed, fromDay: config.fromDay, toDay: config.toDay, volume: config.volume },
  });
  sim.addApp({ ...BENCH_S2S, accountId: BENCH_ACCOUNT_ID, kind: 's2s' });
  const feed = new RecordFeed(config.seed + 1_000_003);

  const control = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const num = (name: string) => Number(url.searchParams.get(name) ?? '0');
    try {
      if (req.method === 'POST' && url.pathname === '/advance') {
        clock.advance(num('ms'));
        return reply(200, { now: clock.now() });
      }
      if (req.method === 'POST' && url.pathname === '/add') {
        const { activities, operations } = feed.take(num('activities'), num('operations'), clock.now(), num('spreadMs'));
        account.addRecords('Zoom.Activity', activities);
        account.addRecords('Zoom.Operation', operations);
        return reply(200, { activities: activities.length, operations: operations.length });
      }
      if (req.method === 'GET' && url.pathname === '/stats') {
        const stats: SimStats = { report: {}, reportTotal: 0, oauth: 0 };
        for (const entry of sim.requests) {
          if (entry.path.startsWith('/v2/report/')) {
            const byStatus = (stats.report[entry.path] ??= {});
            const status = String(entry.status);
            byStatus[status] = (byStatus[status] ?? 0) + 1;
            stats.reportTotal += 1;
          } else if (entry.path.startsWith('/oauth/')) {
            stats.oauth += 1;
          }
        }
        return reply(200, stats);
      }
      return reply(404, { error: 'not found' });
    } catch (error) {
      return reply(500, { error: String(error) });
    }
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const { port } = control.address() as AddressInfo;
  exitWithParent(async () => {
    control.close();
    await sim.close();
  });
  await send({ type: 'ready', baseUrl: sim.baseUrl, apiUrl: sim.apiUrl, controlUrl: `http://127.0.0.1:${port}` } satisfies SimReady);
}

main().catch(failChild);
