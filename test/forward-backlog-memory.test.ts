import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Forwarder } from '../src/forward/forwarder.js';
import { ManualClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { sampleSink } from '../src/store/sink-store-contract.test-support.js';
import type { SinkStore } from '../src/store/sink-store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { page, sampleEvent, sampleSource } from '../src/store/store-contract.test-support.js';
import type { EventRow, Store } from '../src/store/store.js';

/**
 * Issue 18: "a sink down for the length of a 7-day backfill catches up after
 * it returns, with flat memory". The receiver refuses (503) while 7 days of
 * pages are stored and the forwarder keeps trying; then it accepts, and
 * everything arrives. The forwarder's in-memory batch (what it read from the
 * store to send) never exceeds the batch size, however long the backlog; RSS
 * is printed at each stage, and for the catch-up at its start, its peak (sampled
 * at every batch read) and its end, with the V8 heap after a full collection at
 * its start and end.
 */
const DAYS = 7;
const PAGES_PER_DAY = Number(process.env.ZOOMTRAIL_BACKLOG_PAGES_PER_DAY ?? 20);
const PAGE_EVENTS = 500;
const BATCH = 1_000;
const DAY0 = Date.parse('2026-03-01T00:00:00Z');
const logger = createLogger({ level: 'silent' });
const mb = () => Math.round(process.memoryUsage().rss / 1_048_576);
// RSS includes garbage V8 has not collected yet; the heap in use after a full collection shows what is kept.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGcMb = () => {
  gc();
  return Math.round(process.memoryUsage().heapUsed / 1_048_576);
};

let dataDir: string;
let server: Server;
let origin: string;
let refusing = true;
const received = new Set<string>();

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'zt-backlog-'));
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (refusing) {
        res.writeHead(503).end('down');
        return;
      }
      for (const line of body.split('\n')) if (line) received.add((JSON.parse(line) as { p_row_id: string }).p_row_id);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a sink down for a 7-day backfill', () => {
  it('catches up when it returns; the forwarder never holds more than one batch', async () => {
    const clock = new ManualClock(DAY0 + DAYS * 86_400_000);
    const store: Store = await openSqliteStore({ dataDir, clock, env: { ZOOMTRAIL_SECRET_KEY: 'c3'.repeat(32) } });
    let largestBatch = 0;
    let batches = 0;
    /** The largest RSS seen at a batch read, in MB (sampled during the catch-up only). */
    let peakRss: number | undefined;
    // The forwarder's view of the store, measuring every batch it reads.
    const measured = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'readSinkBatch')
          return async (...args: Parameters<SinkStore['readSinkBatch']>) => {
            const batch = await target.readSinkBatch(...args);
            largestBatch = Math.max(largestBatch, batch.events.length);
            batches++;
            if (peakRss !== undefined) peakRss = Math.max(peakRss, mb());
            return batch;
          };
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    try {
      const source = (await store.createSource(sampleSource())).id;
      const sink = await store.createSink(sampleSink({ url: `${origin}/ingest` }));
      const forwarder = () => new Forwarder({ store: measured, clock, logger, fetch: globalThis.fetch, batchSize: BATCH });
      const rss: Record<string, number> = { start: mb() };
      let stored = 0;
      for (let day = 0; day < DAYS; day++) {
        for (let p = 0; p < PAGES_PER_DAY; p++) {
          const rows: EventRow[] = [];
          for (let i = 0; i < PAGE_EVENTS; i++, stored++) rows.push(sampleEvent(`bl${stored.toString(16).padStart(8, '0')}`, DAY0 + day * 86_400_000 + p * 60_000 + i));
          await store.commitPage(page(source, rows));
        }
        // The sink is down the whole backfill: each day the forwarder tries and fails.
        const [result] = await forwarder().flush();
        expect(result?.error?.message).toMatch(/503/);
        rss[`day${day + 1}`] = mb();
      }
      expect((await store.sinkBacklog(sink.id)).events).toBe(stored);
      refusing = false;
      const heapMb: Record<string, number> = { catchUpStart: heapAfterGcMb() };
      rss.catchUpStart = mb();
      peakRss = rss.catchUpStart;
      const t = Date.now();
      const [result] = await forwarder().flush();
      rss.catchUpPeak = peakRss;
      rss.catchUpEnd = mb();
      heapMb.catchUpEnd = heapAfterGcMb();
      console.log(
        `backlog: ${stored} events over ${DAYS} days, caught up in ${Date.now() - t} ms, ${batches} batches read, largest ${largestBatch} events (batch size ${BATCH}); RSS MB ${JSON.stringify(rss)}; heap after GC MB ${JSON.stringify(heapMb)} (the receiver, in this process, keeps every row id it got)`,
      );
      expect(result).toMatchObject({ delivered: stored, rejected: 0 });
      expect(result?.error).toBeUndefined();
      expect(received.size).toBe(stored);
      expect((await store.sinkBacklog(sink.id)).events).toBe(0);
      expect(largestBatch).toBeLessThanOrEqual(BATCH);
      expect(largestBatch).toBe(BATCH);
    } finally {
      await store.close();
    }
  });
});
