import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutboundAccess } from '../shared/guarded-fetch.js';
import { createOutboundAddressPolicy } from '../shared/outbound-address-policy.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { OPERATION, page, sampleEvent, sampleOperationEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import type { Store } from '../store/store.js';
import { Forwarder } from './forwarder.js';
import { S3RVER_SECRET, startS3Server, type S3TestServer } from './s3-server.test-support.js';
import { S3_PUT_RETRY_MS, s3ObjectKey } from './s3-sink.js';

/** The production policy and guarded fetch, allowing `allowedNetworks`. */
const outbound = (allowedNetworks: string[]) => createOutboundAccess(createOutboundAddressPolicy({ allowedNetworks }));

const DAY = 86_400_000;

describe('s3 sink (against s3rver, a real S3-compatible server)', () => {
  let store: Store;
  let s3: S3TestServer;
  let source: string;

  beforeEach(async () => {
    store = await openSqliteStore({ dataDir: ':memory:', clock: new ManualClock(START), env: {} });
    s3 = await startS3Server();
    source = (await store.createSource(sampleSource())).id;
    await store.commitPage(page(source, [sampleEvent('a1', START - DAY - 1000), sampleEvent('a2', START - 2000), sampleEvent('a3', START - 1000)]));
    await store.commitPage({
      ...page(source, [sampleOperationEvent('o1', START - 500, { category_type: 'User', action: 'Add', operation_detail: 'Add User a@example.com' })]),
      logType: OPERATION,
    });
  });
  afterEach(async () => {
    await s3.close();
    await store.close();
  });

  const s3Sink = (overrides: Record<string, unknown> = {}) =>
    store.createSink(sampleSink({ kind: 's3', url: s3.endpoint, secret: S3RVER_SECRET, settings: { bucket: s3.bucket, prefix: 'prod', ...overrides } }));
  const flush = (fetch: typeof globalThis.fetch = outbound(['127.0.0.0/8', '::1']).fetch, clock = new ManualClock(START)) =>
    new Forwarder({ store, clock, logger: createLogger({ level: 'silent' }), fetch }).flush();

  /** A TCP proxy to s3rver that destroys the first `drops` connections once a request arrives on them (a server dropping connections under load). */
  const droppingProxy = async (drops: number) => {
    const target = new URL(s3.endpoint);
    const sockets = new Set<Socket>();
    let dropped = 0;
    const proxy = createServer((socket) => {
      sockets.add(socket);
      if (dropped < drops) {
        dropped++;
        socket.once('data', () => socket.destroy());
        return;
      }
      const upstream = connect(Number(target.port), target.hostname);
      sockets.add(upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    return {
      endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      dropped: () => dropped,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise<void>((resolve) => proxy.close(() => resolve()));
      },
    };
  };
  const everyRecord = async () => (await Promise.all((await s3.keys()).map((k) => s3.records(k)))).flat();

  it('writes one gzip NDJSON object per log type and UTC day, keyed by the first row id, whose records are the events', async () => {
    const sink = await s3Sink();
    const stored = (await store.readSinkBatch(sink.id, { maxEvents: 100 })).events;
    const [result] = await flush();
    expect(result).toMatchObject({ delivered: 4 });
    expect(result?.error).toBeUndefined();
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(await s3.keys()).toEqual(
      [`prod/zoom/activity/dt=${day(START - DAY)}/a1.json.gz`, `prod/zoom/activity/dt=${day(START)}/a2.json.gz`, `prod/zoom/operation/dt=${day(START)}/o1.json.gz`].sort(),
    );
    expect(await s3.records(`prod/zoom/activity/dt=${day(START)}/a2.json.gz`)).toEqual(stored.filter((e) => ['a2', 'a3'].includes(e.rowId)).map((e) => e.event));
    expect(await everyRecord()).toEqual(expect.arrayContaining(stored.map((e) => e.event)));
    expect((await store.sinkBacklog(sink.id)).events).toBe(0);
  });

  it('a retried batch overwrites its objects, even when it grew meanwhile: every event is in the bucket once', async () => {
    const sink = await s3Sink({ prefix: '' });
    // The second PUT is stored by the server but its answer is lost: the batch fails after writing objects.
    const guarded = outbound(['127.0.0.0/8', '::1']).fetch;
    let puts = 0;
    const losing: typeof fetch = async (input, init) => {
      const response = await guarded(input, init);
      if (init?.method === 'PUT' && ++puts === 2) throw new TypeError('fetch failed');
      return response;
    };
    const [first] = await flush(losing);
    expect(first?.error?.retryable).toBe(true);
    expect((await s3.keys()).length).toBeGreaterThanOrEqual(2);
    expect((await store.sinkBacklog(sink.id)).events).toBe(4);
    await store.commitPage(page(source, [sampleEvent('a4', START - 900)]));
    const [second] = await flush();
    expect(second).toMatchObject({ delivered: 5 });
    const rowIds = (await everyRecord()).map((r) => r.p_row_id);
    expect(rowIds.sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'o1']);
  });

  it('a dropped connection (UND_ERR_SOCKET) is tried again after a backoff within the same flush, which then succeeds', async () => {
    const proxy = await droppingProxy(1);
    try {
      const sink = await store.createSink(sampleSink({ kind: 's3', url: proxy.endpoint, secret: S3RVER_SECRET, settings: { bucket: s3.bucket } }));
      const clock = new ManualClock(START);
      const [result] = await flush(undefined, clock);
      expect(result?.error).toBeUndefined();
      expect(result).toMatchObject({ delivered: 4 });
      expect(proxy.dropped()).toBe(1);
      expect(clock.sleeps).toEqual([S3_PUT_RETRY_MS[0]]);
      expect((await everyRecord()).map((r) => r.p_row_id).sort()).toEqual(['a1', 'a2', 'a3', 'o1']);
      expect((await store.sinkBacklog(sink.id)).events).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('a connection dropped on every try fails the batch after the retries, retryable, naming the cause, and keeps the cursor', async () => {
    const proxy = await droppingProxy(Number.MAX_SAFE_INTEGER);
    try {
      const sink = await store.createSink(sampleSink({ kind: 's3', url: proxy.endpoint, secret: S3RVER_SECRET, settings: { bucket: s3.bucket } }));
      const clock = new ManualClock(START);
      const [result] = await flush(undefined, clock);
      expect(result?.error).toMatchObject({ retryable: true, message: expect.stringContaining(`UND_ERR_SOCKET) after ${S3_PUT_RETRY_MS.length + 1} tries`) });
      // Each of the batch's three objects (uploaded in parallel) was tried three times.
      expect([...clock.sleeps].sort((a, b) => a - b)).toEqual([...S3_PUT_RETRY_MS, ...S3_PUT_RETRY_MS, ...S3_PUT_RETRY_MS].sort((a, b) => a - b));
      expect(await s3.keys()).toEqual([]);
      expect((await store.sinkBacklog(sink.id)).events).toBe(4);
    } finally {
      await proxy.close();
    }
  });

  it('the endpoint obeys the outbound address policy: loopback is refused unless allowed, and nothing is written', async () => {
    const sink = await s3Sink();
    const [result] = await flush(outbound([]).fetch);
    expect(result?.error).toMatchObject({ retryable: false, message: expect.stringContaining('loopback') });
    expect(await s3.keys()).toEqual([]);
    expect((await store.sinkBacklog(sink.id)).events).toBe(4);
  });

  it('names the bucket in a fix when it does not exist, and keeps the batch', async () => {
    const sink = await s3Sink({ bucket: 'no-such-bucket' });
    const [result] = await flush();
    expect(result?.error).toMatchObject({ retryable: false, message: expect.stringContaining('NoSuchBucket'), fix: expect.stringContaining('no-such-bucket') });
    expect(JSON.stringify(await store.getSinkState(sink.id))).not.toContain('S3RVER');
    expect((await store.sinkBacklog(sink.id)).events).toBe(4);
  });

  it('keys are stable: the log type folder, the UTC day and a row id made safe for a key', () => {
    expect(s3ObjectKey('', 'Zoom.Activity', Date.parse('2026-03-09T23:59:59.999Z'), 'r/1')).toBe('zoom/activity/dt=2026-03-09/r_1.json.gz');
    expect(s3ObjectKey('lake/zt', 'Zoomtrail.Coverage', Date.parse('2026-03-10T00:00:00Z'), 'c1')).toBe('lake/zt/zoom/zoomtrail.coverage/dt=2026-03-10/c1.json.gz');
  });
});
