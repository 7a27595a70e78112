import { connect, type NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COVERAGE_LOG_TYPE, coverageDigest } from '../domain/coverage-digest.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { OPERATION, page, sampleEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import type { Store } from '../store/store.js';
import { startElasticsearchFake, type ElasticsearchFake } from './elasticsearch-fake.test-support.js';
import { elasticsearchSink } from './elasticsearch-sink.js';
import { Forwarder } from './forwarder.js';
import { S3RVER_SECRET, startS3Server, type S3TestServer } from './s3-server.test-support.js';
import { s3Sink } from './s3-sink.js';
import { verifySink } from './sink-verifier.js';

const logger = createLogger({ level: 'silent' });
const DAY1 = '2026-03-08';
const DAY2 = '2026-03-09';
const t = (day: string, i: number) => Date.parse(`${day}T10:00:00Z`) + i * 1000;

describe('sink verify', () => {
  let clock: ManualClock;
  let store: Store;
  let source: string;

  beforeEach(async () => {
    clock = new ManualClock(START);
    store = await openSqliteStore({ dataDir: ':memory:', clock, env: {} });
    source = (await store.createSource(sampleSource())).id;
    await store.commitPage(page(source, [sampleEvent('a1', t(DAY1, 1)), sampleEvent('a2', t(DAY1, 2))], { days: [{ day: DAY1, state: 'complete' }] }));
    await store.commitPage(page(source, [sampleEvent('b1', t(DAY2, 1)), sampleEvent('b2', t(DAY2, 2)), sampleEvent('b3', t(DAY2, 3))]));
  });
  afterEach(async () => store.close());

  const flush = () => new Forwarder({ store, clock, logger, fetch: globalThis.fetch }).flush();
  const verify = async (name: string) => verifySink({ store, clock, logger, fetch: globalThis.fetch, sink: (await store.getSink(name))!, fromDay: DAY1, toDay: DAY2 });
  /** Verifies the sink `siem` read back with every event arrived: day 1 (2 events, coverage version 1) and day 2 (3, no coverage yet). */
  const verifyAllArrived = async () => {
    const ok = await verify('siem');
    expect(ok.readBack).toBe(true);
    expect(ok.differing).toEqual([]);
    expect(ok.days.map((d) => [d.day, d.logType, d.storeCount, d.sinkCount, d.coverageVersion])).toEqual([
      [DAY1, 'Zoom.Activity', 2, 2, 1],
      [DAY2, 'Zoom.Activity', 3, 3, null],
    ]);
    return ok;
  };

  describe('NATS JetStream (the real server)', () => {
    let nc: NatsConnection;
    let stream: string;
    let prefix: string;
    beforeEach(async () => {
      nc = await connect({ servers: '127.0.0.1:4222' });
      const tag = randomBytes(5).toString('hex');
      stream = `ZTVERIFY_${tag}`;
      prefix = `ztverify${tag}`;
      await (await nc.jetstreamManager()).streams.add({ name: stream, subjects: [`${prefix}.>`], duplicate_window: 120_000_000_000 });
    });
    afterEach(async () => {
      await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
      await nc.close();
    });

    for (const format of ['panther', 'ocsf', 'ecs']) {
      it(`reads each subject back by Nats-Msg-Id (${format}): same when all arrived; a deleted message makes its day differ`, async () => {
        await store.createSink(sampleSink({ kind: 'nats', format, url: 'nats://127.0.0.1:4222', settings: { subjectPrefix: prefix }, secret: null }));
        await flush();
        const ok = await verifyAllArrived();
        expect(ok.days[0]?.storeDigest).toBe(coverageDigest(['a1', 'a2']));
        expect(ok.days[0]?.sinkDigest).toBe(ok.days[0]?.storeDigest);

        const jsm = await nc.jetstreamManager();
        const info = await jsm.streams.info(stream);
        expect(info.state.messages).toBe(6); // 5 events and the coverage record of DAY1
        for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
          const m = await jsm.streams.getMessage(stream, { seq });
          if (m.header.get('Nats-Msg-Id') === 'b2') await jsm.streams.deleteMessage(stream, seq);
        }
        const bad = await verify('siem');
        expect(bad.differing).toEqual([
          expect.objectContaining({ day: DAY2, logType: 'Zoom.Activity', missing: { count: 1, sample: ['b2'] }, unexpected: { count: 0, sample: [] } }),
        ]);
      });
    }
  });

  describe('Elasticsearch (a stateful test double)', () => {
    let es: ElasticsearchFake;
    beforeEach(async () => {
      es = await startElasticsearchFake();
    });
    afterEach(async () => es.close());

    for (const format of ['panther', 'ocsf', 'ecs']) {
      it(`scrolls the ids of each stream and day (${format}); a missing and an unexpected document make a day differ`, async () => {
        await store.createSink(sampleSink({ kind: 'elasticsearch', format, url: `${es.origin}/`, settings: { index: 'zoom' }, secret: null }));
        await flush();
        expect(es.docs.get('zoom')?.size).toBe(6);
        const ok = await verify('siem');
        expect(ok.differing).toEqual([]);
        expect(ok.days.map((d) => [d.day, d.storeCount, d.sinkCount])).toEqual([
          [DAY1, 2, 2],
          [DAY2, 3, 3],
        ]);
        // The coverage record of DAY1 is found in the sink's format too (ocsf: metadata.log_name and time; ecs: event.dataset zoomtrail.coverage).
        const context = { url: `${es.origin}/`, settings: { index: 'zoom' }, secret: null, fetch: globalThis.fetch, clock, logger, resources: new Map<string, unknown>(), format };
        expect(await elasticsearchSink.readBackRowIds!(COVERAGE_LOG_TYPE, DAY1, context)).toEqual([expect.stringMatching(/^cov/)]);
        expect(await elasticsearchSink.readBackRowIds!(COVERAGE_LOG_TYPE, DAY2, context)).toEqual([]);
        const index = es.docs.get('zoom')!;
        const b3 = index.get('b3')!;
        index.delete('b3');
        index.set('zz-not-stored', b3);
        const bad = await verify('siem');
        expect(bad.differing).toEqual([expect.objectContaining({ day: DAY2, missing: { count: 1, sample: ['b3'] }, unexpected: { count: 1, sample: ['zz-not-stored'] } })]);
      });
    }
  });

  describe('S3 (s3rver, a real S3-compatible server)', () => {
    let s3: S3TestServer;
    beforeEach(async () => {
      s3 = await startS3Server();
    });
    afterEach(async () => s3.close());

    it('a refused key fails the read-back with our words and a fix, never the key', async () => {
      await store.createSink(sampleSink({ kind: 's3', url: s3.endpoint, settings: { bucket: s3.bucket }, secret: 'NOTMYKEY:not-my-secret-key-4f9' }));
      const refused = await verify('siem').then(
        () => null,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      expect(refused).toMatch(/^HTTP 403 \w+ listing zoom\/activity\/dt=2026-03-08\/ in bucket zoomtrail-test at .*s3:ListBucket.*zoomtrail sink update <sink> --secret-stdin/);
      expect(refused).not.toContain('NOTMYKEY');
      expect(refused).not.toContain('not-my-secret-key');
    });

    for (const format of ['panther', 'ocsf', 'ecs']) {
      it(`lists and reads each day's objects back (${format}): same when all arrived; a deleted object makes its day differ`, async () => {
        const settings = { bucket: s3.bucket, prefix: 'lake' };
        await store.createSink(sampleSink({ kind: 's3', format, url: s3.endpoint, settings, secret: S3RVER_SECRET }));
        await flush();
        const ok = await verifyAllArrived();
        expect(ok.days[1]?.sinkDigest).toBe(coverageDigest(['b1', 'b2', 'b3']));
        // The coverage record of DAY1 has a folder of its own, read back in the sink's format too.
        const context = { url: s3.endpoint, settings, secret: S3RVER_SECRET, fetch: globalThis.fetch, clock, logger, resources: new Map<string, unknown>(), format };
        try {
          expect(await s3Sink.readBackRowIds!(COVERAGE_LOG_TYPE, DAY1, context)).toEqual([expect.stringMatching(/^cov/)]);
          expect(await s3Sink.readBackRowIds!(COVERAGE_LOG_TYPE, DAY2, context)).toEqual([]);
        } finally {
          await s3Sink.close!(context);
        }

        await s3.remove(`lake/zoom/activity/dt=${DAY2}/b1.json.gz`);
        const bad = await verify('siem');
        expect(bad.differing).toEqual([
          expect.objectContaining({ day: DAY2, logType: 'Zoom.Activity', sinkCount: 0, missing: { count: 3, sample: ['b1', 'b2', 'b3'] }, unexpected: { count: 0, sample: [] } }),
        ]);
      });
    }
  });

  it('a sink that cannot be read back gets the store digests only, and a sink limited to a log type only that stream', async () => {
    await store.createSink(sampleSink({ url: 'https://siem.example.com/ingest', logTypes: [OPERATION] }));
    const report = await verify('siem');
    expect(report.readBack).toBe(false);
    expect(report.days).toEqual([]);
    await store.createSink(sampleSink({ name: 'all', url: 'https://siem.example.com/ingest' }));
    const all = await verify('all');
    expect(all.days.map((d) => [d.day, d.sinkCount, d.storeDigest])).toEqual([
      [DAY1, null, coverageDigest(['a1', 'a2'])],
      [DAY2, null, coverageDigest(['b1', 'b2', 'b3'])],
    ]);
    expect(all.differing).toEqual([]);
  });
});
