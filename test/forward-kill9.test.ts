import { connect, type NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { page, sampleEvent, sampleSource } from '../src/store/store-contract.test-support.js';
import { sampleSink } from '../src/store/sink-store-contract.test-support.js';
import type { EventRow } from '../src/store/store.js';
import { SeededRandom } from '../src/zoom-sim/seeded-random.js';
import { spawnCli, waitUntil, type CliChild } from './support/cli-child.js';

/**
 * Issue 18's kill -9 test: a child process (`zoomtrail sink flush`)
 * forwarding EVENTS stored events to NATS JetStream and to an HTTP NDJSON
 * receiver that deduplicates nothing is killed with SIGKILL at random
 * moments of its forwarding, KILLS times, then restarted until done. At the
 * end JetStream holds every stored event exactly once (message count = store
 * count, and each message's Nats-Msg-Id is a row id: the stream's duplicate
 * window covers the run) and the receiver saw every row id at least once.
 * ZOOMTRAIL_KILL9_EVENTS scales the count (default the issue's 200,000:
 * about 45 s on an idle 2-core machine, several minutes under heavy load);
 * the timings are printed.
 */
const EVENTS = Number(process.env.ZOOMTRAIL_KILL9_EVENTS ?? 200_000);
const KILLS = 5;
const PAGE = 5_000;
const SECRET_KEY = 'b2'.repeat(32);
const START = Date.parse('2026-03-01T00:00:00Z');
const env = () => ({ ZOOMTRAIL_SECRET_KEY: SECRET_KEY, ZOOMTRAIL_LOG_LEVEL: 'warn', ZOOMTRAIL_GEOIP_CITY_DB: 'off', ZOOMTRAIL_GEOIP_ASN_DB: 'off' });

let dataDir: string;
let nc: NatsConnection;
let stream: string;
let server: Server;
let origin: string;
const httpIds = new Set<string>();
let httpLines = 0;
const timings: Record<string, number> = {};

beforeAll(async () => {
  let t = Date.now();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'zt-kill9-'));
  const store = await openSqliteStore({ dataDir, clock: systemClock, env: { ZOOMTRAIL_SECRET_KEY: SECRET_KEY } });
  try {
    const source = (await store.createSource(sampleSource())).id;
    for (let first = 0; first < EVENTS; first += PAGE) {
      const rows: EventRow[] = [];
      for (let i = first; i < Math.min(EVENTS, first + PAGE); i++) rows.push(sampleEvent(`k9${i.toString(16).padStart(8, '0')}`, START + i * 100, `user${i % 500}@example.com`));
      await store.commitPage(page(source, rows));
    }
    timings.fillMs = Date.now() - t;
    t = Date.now();
    nc = await connect({ servers: '127.0.0.1:4222' });
    const tag = randomBytes(5).toString('hex');
    stream = `ZTKILL9_${tag}`;
    await (await nc.jetstreamManager()).streams.add({ name: stream, subjects: [`ztkill${tag}.>`], duplicate_window: 30 * 60 * 1_000_000_000 });
    server = createServer((req, res) => {
      let rest = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        rest += chunk;
        const lines = rest.split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (line === '') continue;
          httpLines++;
          httpIds.add((JSON.parse(line) as { p_row_id: string }).p_row_id);
        }
      });
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await store.createSink(sampleSink({ name: 'bus', kind: 'nats', url: 'nats://127.0.0.1:4222', settings: { subjectPrefix: `ztkill${tag}` }, secret: null }));
    await store.createSink(sampleSink({ name: 'siem', kind: 'http', url: `${origin}/ingest` }));
  } finally {
    await store.close();
  }
}, 300_000);

afterAll(async () => {
  await (await nc?.jetstreamManager())?.streams.delete(stream).catch(() => undefined);
  await nc?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const streamMessages = async () => (await (await nc.jetstreamManager()).streams.info(stream)).state.messages;
const progress = async () => (await streamMessages()) + httpLines;

describe('forwarding survives kill -9', () => {
  it(`every one of ${EVENTS} stored events is at JetStream exactly once and at the HTTP receiver at least once after ${KILLS} SIGKILLs`, async () => {
    const random = new SeededRandom(18);
    const started = Date.now();
    const kills: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const before = await progress();
      const child: CliChild = spawnCli(['sink', 'flush', '--data-dir', dataDir], env());
      // Kill once it forwards: after its first deliveries, a random moment later.
      await waitUntil(async () => child.done() || (await progress()) > before, 60_000, 50);
      await new Promise((resolve) => setTimeout(resolve, random.int(0, 5000)));
      const wasDone = child.done();
      child.child.kill('SIGKILL');
      const result = await child.exited;
      kills.push(`${wasDone ? 'finished before the kill' : result.signal} at ${await streamMessages()} nats / ${httpIds.size} http`);
    }
    timings.killPhaseMs = Date.now() - started;
    const final = spawnCli(['sink', 'flush', '--data-dir', dataDir], env());
    const result = await final.exited;
    timings.totalForwardMs = Date.now() - started;
    console.log(`forward-kill9: ${EVENTS} events; ${JSON.stringify(timings)}; kills: ${kills.join('; ')}; http lines ${httpLines} (${httpLines - httpIds.size} repeats)`);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(kills.filter((k) => k.includes('SIGKILL')).length).toBeGreaterThanOrEqual(3);
    expect(await streamMessages()).toBe(EVENTS);
    expect(httpIds.size).toBe(EVENTS);
    // Each message's Nats-Msg-Id is a stored row id: spot-check the first and last.
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream);
    const ids = [];
    for (const seq of [info.state.first_seq, info.state.last_seq]) ids.push((await jsm.streams.getMessage(stream, { seq })).header.get('Nats-Msg-Id'));
    for (const id of ids) expect(httpIds.has(id)).toBe(true);
  });
});
