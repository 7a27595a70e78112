import { connect, type NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RVER_SECRET, startS3Server, type S3TestServer } from '../src/forward/s3-server.test-support.js';
import { systemClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { OPERATION, page, sampleEvent, sampleOperationEvent, sampleSource } from '../src/store/store-contract.test-support.js';
import { sampleSink } from '../src/store/sink-store-contract.test-support.js';
import type { EventRow } from '../src/store/store.js';
import { SeededRandom } from '../src/zoom-sim/seeded-random.js';
import { spawnCli, waitUntil, type CliChild, type CliResult } from './support/cli-child.js';

/**
 * Issue 18's kill -9 test: a child process (`zoomtrail sink flush`)
 * forwarding EVENTS stored events to a real S3-compatible server (s3rver) and
 * to NATS JetStream is killed with SIGKILL at random points of its
 * forwarding, KILLS times, then restarted until done. `sink flush` sends the
 * two sinks side by side; the kills alternate between a random number of new
 * S3 objects and a random number of new JetStream messages since the child
 * started (the other sink's progress when the kill lands is whatever it is),
 * and each sink is cut off mid-way at least once. The events alternate
 * between activity and operation pages over 100 days, so a batch is often
 * several objects (see SPACING_MS).
 * At the end every stored event is at each sink exactly once: S3 by listing
 * every object and reading each gzip NDJSON line (the multiset of row ids
 * equals the store's), JetStream by its message count and every message's
 * Nats-Msg-Id (the stream's duplicate window covers the run).
 * ZOOMTRAIL_KILL9_EVENTS scales the count (default the issue's 200,000); the
 * timings are printed.
 */
const EVENTS = Number(process.env.ZOOMTRAIL_KILL9_EVENTS ?? 200_000);
const KILLS = 5;
/** Stored pages alternate: this many activity events, then OPERATION_PAGE operation events (large pages fill the store fast). */
const ACTIVITY_PAGE = 3_500;
const OPERATION_PAGE = 1_500;
/**
 * 43.2 s apart: 2,000 events a UTC day (200,000 span 100 days). A sink batch is
 * whole stored pages (one page when it exceeds the batch size), so an activity
 * page's batch spans about two days and is two objects (one per log type and
 * day), and a kill can fall between two uploads of one batch.
 */
const SPACING_MS = 43_200;
/** Restarts allowed after the kills (a run that fails leaves its cursor; the next resumes). */
const MAX_FINAL_RUNS = 3;
const SECRET_KEY = 'b2'.repeat(32);
const START = Date.parse('2026-03-01T00:00:00Z');
const env = () => ({ ZOOMTRAIL_SECRET_KEY: SECRET_KEY, ZOOMTRAIL_LOG_LEVEL: 'warn', ZOOMTRAIL_GEOIP_CITY_DB: 'off', ZOOMTRAIL_GEOIP_ASN_DB: 'off' });

let dataDir: string;
let nc: NatsConnection;
let stream: string;
let s3: S3TestServer;
const timings: Record<string, number> = {};

const rowId = (i: number) => `k9${i.toString(16).padStart(8, '0')}`;

beforeAll(async () => {
  let t = Date.now();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'zt-kill9-'));
  const store = await openSqliteStore({ dataDir, clock: systemClock, env: { ZOOMTRAIL_SECRET_KEY: SECRET_KEY } });
  try {
    const source = (await store.createSource(sampleSource())).id;
    for (let first = 0; first < EVENTS;) {
      const activity: EventRow[] = [];
      for (const end = Math.min(EVENTS, first + ACTIVITY_PAGE); first < end; first++)
        activity.push(sampleEvent(rowId(first), START + first * SPACING_MS, `user${first % 500}@example.com`));
      await store.commitPage(page(source, activity));
      const operation: EventRow[] = [];
      for (const end = Math.min(EVENTS, first + OPERATION_PAGE); first < end; first++)
        operation.push(
          sampleOperationEvent(rowId(first), START + first * SPACING_MS, {
            category_type: 'User',
            action: 'Update',
            operation_detail: `Update User user${first % 500}@example.com`,
          }),
        );
      if (operation.length > 0) await store.commitPage({ ...page(source, operation), logType: OPERATION });
    }
    timings.fillMs = Date.now() - t;
    t = Date.now();
    nc = await connect({ servers: '127.0.0.1:4222' });
    const tag = randomBytes(5).toString('hex');
    stream = `ZTKILL9_${tag}`;
    await (await nc.jetstreamManager()).streams.add({ name: stream, subjects: [`ztkill${tag}.>`], duplicate_window: 30 * 60 * 1_000_000_000 });
    s3 = await startS3Server();
    // `sink flush` sends the sinks by name: "a-lake" (S3) before "b-bus" (JetStream).
    await store.createSink(sampleSink({ name: 'a-lake', kind: 's3', url: s3.endpoint, secret: S3RVER_SECRET, settings: { bucket: s3.bucket } }));
    await store.createSink(sampleSink({ name: 'b-bus', kind: 'nats', url: 'nats://127.0.0.1:4222', settings: { subjectPrefix: `ztkill${tag}` }, secret: null }));
    timings.sinksMs = Date.now() - t;
  } finally {
    await store.close();
  }
}, 300_000);

afterAll(async () => {
  await (await nc?.jetstreamManager())?.streams.delete(stream).catch(() => undefined);
  await nc?.close();
  await s3?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const streamMessages = async () => (await (await nc.jetstreamManager()).streams.info(stream)).state.messages;
const objectsWritten = () => Promise.resolve(s3.objectsWritten());

/** The store's event count, read back after the children are done. */
async function storedCount(): Promise<number> {
  const store = await openSqliteStore({ dataDir, clock: systemClock, env: { ZOOMTRAIL_SECRET_KEY: SECRET_KEY } });
  try {
    return await store.countEvents({});
  } finally {
    await store.close();
  }
}

/** Every message's Nats-Msg-Id, read with a headers-only ordered consumer. */
async function jetStreamIds(count: number): Promise<string[]> {
  const consumer = await nc.jetstream().consumers.get(stream, { headers_only: true });
  const ids: string[] = [];
  const messages = await consumer.consume({ max_messages: 10_000 });
  for await (const message of messages) {
    ids.push(message.headers?.get('Nats-Msg-Id') ?? '');
    if (message.info.pending === 0 || ids.length >= count) break;
  }
  await messages.close();
  return ids;
}

/** Every row id in the bucket's event objects (one per NDJSON line, so a doubled event shows twice), and the coverage records' count. */
async function s3RowIds(): Promise<{ ids: string[]; objects: number; coverage: number }> {
  const keys = await s3.keys();
  const ids: string[] = [];
  let coverage = 0;
  for (let i = 0; i < keys.length; i += 8) {
    const slice = keys.slice(i, i + 8);
    const records = await Promise.all(slice.map((key) => s3.records(key)));
    slice.forEach((key, j) => {
      if (key.startsWith('zoom/zoomtrail.coverage/')) coverage += records[j]!.length;
      else for (const record of records[j]!) ids.push(record.p_row_id as string);
    });
  }
  return { ids, objects: keys.length, coverage };
}

describe('forwarding survives kill -9', () => {
  it(`every one of ${EVENTS} stored events is at S3 and at JetStream exactly once after ${KILLS} SIGKILLs`, async () => {
    const random = new SeededRandom(18);
    const started = Date.now();
    const kills: string[] = [];
    let natsCutOff = 0;
    for (let k = 0; k < KILLS; k++) {
      // A random point: after 1-8 more objects written to S3 (even kills), or after 1 to a quarter of JetStream's
      // remaining messages (odd kills, while JetStream still has some to receive; else S3 again).
      const remaining = EVENTS - (await streamMessages());
      const onS3 = k % 2 === 0 || remaining < 2;
      const measure = onS3 ? objectsWritten : streamMessages;
      const target = (await measure()) + (onS3 ? random.int(1, 9) : random.int(1, Math.max(2, Math.floor(remaining / 4))));
      const child: CliChild = spawnCli(['sink', 'flush', '--data-dir', dataDir], env());
      await waitUntil(async () => child.done() || (await measure()) >= target, 300_000, 10);
      const wasDone = child.done();
      child.child.kill('SIGKILL');
      const result = await child.exited;
      const messages = await streamMessages();
      if (!wasDone && messages > 0 && messages < EVENTS) natsCutOff++;
      kills.push(
        `${wasDone ? `finished (${result.code}) before the kill` : result.signal} (target on ${onS3 ? 's3' : 'nats'}) after ${result.ms} ms at ${s3.objectsWritten()} objects written / ${messages} messages`,
      );
    }
    timings.killPhaseMs = Date.now() - started;
    const objectsAtLastKill = s3.objectsWritten();
    const runs: CliResult[] = [];
    do runs.push(await spawnCli(['sink', 'flush', '--data-dir', dataDir], env()).exited);
    while (runs.at(-1)!.code !== 0 && runs.length < MAX_FINAL_RUNS);
    timings.totalForwardMs = Date.now() - started;
    let t = Date.now();
    const stored = await storedCount();
    timings.countStoreMs = Date.now() - t;
    t = Date.now();
    const inS3 = await s3RowIds();
    timings.readS3Ms = Date.now() - t;
    t = Date.now();
    const messages = await streamMessages();
    const inJetStream = await jetStreamIds(messages);
    timings.readJetStreamMs = Date.now() - t;
    console.log(
      `forward-kill9: ${EVENTS} events; ${JSON.stringify(timings)}; kills: ${kills.join('; ')}; final runs: ${runs.map((r) => `${r.code} in ${r.ms} ms`).join(', ')}; ` +
        `S3 ${inS3.objects} objects (${inS3.ids.length} event lines, ${inS3.coverage} coverage records), JetStream ${messages} messages`,
    );
    const last = runs.at(-1)!;
    expect(last.code, last.stderr + last.stdout).toBe(0);
    // Every kill cut a running flush; JetStream was cut off mid-way at least once, and so was S3 (the final run still
    // had objects to write).
    expect(kills.filter((k) => k.includes('SIGKILL')).length).toBe(KILLS);
    expect(natsCutOff).toBeGreaterThanOrEqual(1);
    expect(s3.objectsWritten()).toBeGreaterThan(objectsAtLastKill);
    const sorted = (ids: string[]) => [...ids].sort();
    // The store holds exactly the EVENTS row ids filled in (unique), so their sorted list is the store's multiset.
    expect(stored).toBe(EVENTS);
    const storedIds = Array.from({ length: EVENTS }, (_, i) => rowId(i));
    // Exactly once at S3: the multiset of row ids read back equals the store's (a doubled event would be a second line).
    expect(inS3.ids.length).toBe(stored);
    expect(sorted(inS3.ids)).toEqual(storedIds);
    // Exactly once at JetStream: one message per stored event, each carrying its row id.
    expect(messages).toBe(stored);
    expect(sorted(inJetStream)).toEqual(storedIds);
  }, 600_000);
});
