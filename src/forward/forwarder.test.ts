import { connect, type NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../alert/http-receiver.test-support.js';
import { verifyWebhookSignature } from '../alert/webhook-sender.js';
import { ManualClock, systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { page, sampleEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { formatEvent } from './formats/event-format.js';
import { formatFor } from './formats/format-registry.js';
import { Forwarder } from './forwarder.js';
import { natsSink } from './nats-sink.js';
import type { SinkContext } from './sink.js';

const SECRET = 'sink-secret-Zq8vR2mN5tL0pK';

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const logger = createLogger({ level: 'silent' });

describe('Forwarder', () => {
  let clock: ManualClock;
  let store: Store;
  let source: string;

  beforeEach(async () => {
    clock = new ManualClock(START);
    store = await openSqliteStore({ dataDir: ':memory:', clock, env: {} });
    source = (await store.createSource(sampleSource())).id;
  });
  afterEach(async () => store.close());

  const commit = (...rowIds: string[]) =>
    store.commitPage(
      page(
        source,
        rowIds.map((id, i) => sampleEvent(id, START - 10_000 + i)),
      ),
    );
  const forwarder = (batchSize = 1000) => new Forwarder({ store, clock, logger, fetch: globalThis.fetch, batchSize });

  describe('to an http sink', () => {
    let receiver: Receiver;
    beforeEach(async () => {
      receiver = await startReceiver();
    });
    afterEach(async () => receiver.close());

    it('POSTs signed NDJSON batches in stored order, each event once, and advances the cursor', async () => {
      await commit('a', 'b', 'c');
      await commit('d');
      const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/ingest` }));
      const [result] = await forwarder(3).flush();
      expect(result).toMatchObject({ delivered: 4, rejected: 0 });
      expect(result?.error).toBeUndefined();
      expect(receiver.requests).toHaveLength(2);
      const [first] = receiver.requests;
      expect(first?.headers['content-type']).toBe('application/x-ndjson');
      expect(verifyWebhookSignature(SECRET, first?.headers['x-zoomtrail-timestamp'] as string, first!.body, first?.headers['x-zoomtrail-signature'] as string, clock.now())).toBe(
        true,
      );
      const lines = receiver.requests.flatMap((r) =>
        r.body
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as { p_row_id: string }),
      );
      expect(lines.map((l) => l.p_row_id)).toEqual(['a', 'b', 'c', 'd']);
      expect(await store.getSinkState(sink.id)).toMatchObject({ deliveredCount: 4, lastError: null });
      expect(await store.sinkBacklog(sink.id)).toMatchObject({ events: 0 });

      await forwarder().flush();
      expect(receiver.requests).toHaveLength(2); // nothing pending: nothing sent again
    });

    it('keeps the cursor when the receiver fails, backs off exponentially, and delivers after it recovers', async () => {
      await commit('a', 'b');
      const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/ingest` }));
      receiver.reply({ status: 503 }, { status: 503 });
      const f = forwarder();
      const first = await f.forwardBatch(sink);
      expect(first).toMatchObject({ kind: 'failed', retryAt: START + 1000, error: { retryable: true } });
      expect(await f.forwardBatch(sink)).toEqual({ kind: 'waiting', untilMs: START + 1000 });
      clock.advance(1000);
      expect(await f.forwardBatch(sink)).toMatchObject({ kind: 'failed', retryAt: START + 1000 + 2000 });
      expect(await store.getSinkState(sink.id)).toMatchObject({ consecutiveFailures: 2, deliveredCount: 0, lastError: { message: expect.stringContaining('HTTP 503') } });
      expect(JSON.stringify(await store.getSinkState(sink.id))).not.toContain(SECRET);
      clock.advance(2000);
      expect(await f.forwardBatch(sink)).toMatchObject({ kind: 'sent', delivered: 2 });
      expect(await store.getSinkState(sink.id)).toMatchObject({ consecutiveFailures: 0, deliveredCount: 2, lastError: null, nextAttemptAt: 0 });
      expect(receiver.requests).toHaveLength(3);
    });

    it('does not hold up a healthy sink while another is down', async () => {
      await commit('a');
      const down = await store.createSink(sampleSink({ name: 'down', url: 'http://127.0.0.1:9/ingest' }));
      await store.createSink(sampleSink({ name: 'up', url: `${receiver.origin}/ingest` }));
      const results = await forwarder().flush();
      expect(results.find((r) => r.sink.name === 'down')?.error?.retryable).toBe(true);
      expect(results.find((r) => r.sink.name === 'up')).toMatchObject({ delivered: 1 });
      expect((await store.getSinkState(down.id)).deliveredCount).toBe(0);
    });

    it("flushes sinks side by side: a sink whose receiver hangs does not hold up another, and the results keep the sinks' order", async () => {
      await commit('a', 'b');
      const slow = await store.createSink(sampleSink({ name: 'slow', url: 'https://slow.example.com/ingest' }));
      const fast = await store.createSink(sampleSink({ name: 'fast', url: 'https://fast.example.com/ingest' }));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let slowCalled!: () => void;
      const slowStarted = new Promise<void>((resolve) => (slowCalled = resolve));
      // The slow receiver answers only when the test releases it; the fast one at once.
      const fetch: typeof globalThis.fetch = async (input) => {
        if ((input instanceof Request ? input.url : input.toString()).startsWith('https://slow.')) {
          slowCalled();
          await released;
        }
        return new Response(null, { status: 204 });
      };
      const flushing = new Forwarder({ store, clock, logger, fetch, batchSize: 1 }).flush([slow, fast]);
      await slowStarted;
      // Against one-sink-after-another flushing the fast sink never sends while the slow one hangs: this wait fails.
      try {
        await waitFor(async () => (await store.getSinkState(fast.id)).deliveredCount === 2, 20_000);
        expect((await store.getSinkState(slow.id)).deliveredCount).toBe(0);
      } finally {
        release();
      }
      const results = await flushing;
      expect(results.map((r) => [r.sink.name, r.delivered, r.error])).toEqual([
        ['slow', 2, undefined],
        ['fast', 2, undefined],
      ]);
      expect(await store.sinkBacklog(slow.id)).toMatchObject({ events: 0 });
    });

    it('runs one loop per sink: new events are forwarded after a wake, a paused sink is left alone, and run stops on abort', async () => {
      const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/ingest` }));
      const paused = await store.createSink(sampleSink({ name: 'paused', url: `${receiver.origin}/paused` }));
      await store.setSinkPaused(paused.id, true);
      const f = new Forwarder({ store, clock: systemClock, logger, fetch: globalThis.fetch, batchWaitMs: 60_000, sinkRefreshMs: 60_000 });
      const stop = new AbortController();
      const running = f.run(stop.signal);
      await commit('r1', 'r2');
      f.wake();
      await waitFor(async () => (await store.getSinkState(sink.id)).deliveredCount === 2);
      await commit('r3');
      f.wake();
      await waitFor(async () => (await store.getSinkState(sink.id)).deliveredCount === 3);
      stop.abort();
      await running;
      expect(receiver.requests.map((r) => r.path)).toEqual(['/ingest', '/ingest']);
      expect((await store.getSinkState(paused.id)).deliveredCount).toBe(0);
    });

    it('sends only the log types of the filter, and passes the others', async () => {
      await commit('a');
      const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/ingest`, logTypes: ['Zoom.Operation'] }));
      const [result] = await forwarder().flush();
      expect(result).toMatchObject({ delivered: 0 });
      expect(receiver.requests).toHaveLength(0);
      expect((await store.sinkBacklog(sink.id)).events).toBe(0);
    });
  });

  describe('to NATS JetStream (the server at 127.0.0.1:4222)', () => {
    let nc: NatsConnection;
    let prefix: string;
    let stream: string;

    beforeEach(async () => {
      nc = await connect({ servers: '127.0.0.1:4222' });
      const tag = randomBytes(4).toString('hex');
      prefix = `zttest${tag}`;
      stream = `ZTTEST_${tag}`;
      await (await nc.jetstreamManager()).streams.add({ name: stream, subjects: [`${prefix}.>`], duplicate_window: 120_000_000_000 });
    });
    afterEach(async () => {
      await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
      await nc.close();
    });

    const messageCount = async () => (await (await nc.jetstreamManager()).streams.info(stream)).state.messages;

    it('publishes each event on its log type subject with Nats-Msg-Id = p_row_id: a batch sent twice is stored once', async () => {
      await commit('n1', 'n2', 'n3');
      const events = await store.readSinkBatch((await store.createSink(sampleSink({ kind: 'nats', url: 'nats://127.0.0.1:4222' }))).id, { maxEvents: 10 });
      const batch = events.events.map((e) => formatEvent(formatFor('panther'), e));
      const context: SinkContext = {
        url: 'nats://127.0.0.1:4222',
        settings: { subjectPrefix: prefix },
        secret: null,
        fetch: globalThis.fetch,
        clock,
        logger,
        resources: new Map(),
      };
      try {
        expect(await natsSink.send(batch, context)).toEqual({ delivered: ['n1', 'n2', 'n3'], rejected: [] });
        expect(await natsSink.send(batch, context)).toEqual({ delivered: ['n1', 'n2', 'n3'], rejected: [] });
      } finally {
        await natsSink.close?.(context);
      }
      expect(await messageCount()).toBe(3);
      const js = nc.jetstream();
      const first = await (await js.consumers.get(stream)).next();
      expect(first?.subject).toBe(`${prefix}.zoom.activity`);
      expect(first?.headers?.get('Nats-Msg-Id')).toBe('n1');
      expect((first?.json() as { p_row_id: string }).p_row_id).toBe('n1');
    });

    it('fails the batch with a fix when no stream covers the subjects, keeping the cursor', async () => {
      await commit('x1');
      const sink = await store.createSink(sampleSink({ kind: 'nats', url: 'nats://127.0.0.1:4222', settings: { subjectPrefix: `${prefix}nostream` } }));
      const [result] = await forwarder().flush();
      expect(result?.error).toMatchObject({ retryable: true, fix: expect.stringContaining('stream') });
      expect((await store.sinkBacklog(sink.id)).events).toBe(1);
    });
  });
});
