import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../alert/http-receiver.test-support.js';
import { coverageDigest } from '../domain/coverage-digest.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { page, sampleEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import type { Store } from '../store/store.js';
import { Forwarder } from './forwarder.js';

const logger = createLogger({ level: 'silent' });
const DAY = '2026-03-09';
const T = Date.parse(`${DAY}T08:00:00Z`);

describe('coverage records through the forwarder', () => {
  let clock: ManualClock;
  let store: Store;
  let source: string;
  let receiver: Receiver;

  beforeEach(async () => {
    clock = new ManualClock(START);
    store = await openSqliteStore({ dataDir: ':memory:', clock, env: {} });
    source = (await store.createSource(sampleSource())).id;
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await store.close();
  });

  const lines = () =>
    receiver.requests.map((r) =>
      r.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
  const flush = (batchSize = 1000) => new Forwarder({ store, clock, logger, fetch: globalThis.fetch, batchSize }).flush();

  it('sends each version once, after the day’s events, in a send of its own; a retried batch sends it again with the same id', async () => {
    await store.createSink(sampleSink({ url: `${receiver.origin}/ingest`, format: 'ocsf' }));
    await store.commitPage(page(source, [sampleEvent('e2', T), sampleEvent('e1', T + 1)], { days: [{ day: DAY, state: 'complete' }] }));
    receiver.reply({ status: 200 }, { status: 503 }, { status: 200 }, { status: 200 });
    const [failed] = await flush();
    expect(failed?.error?.message).toMatch(/503/);
    const [result] = await flush();
    expect(result).toMatchObject({ delivered: 3, rejected: 0 });
    const sent = lines();
    expect(sent).toHaveLength(4);
    expect(sent[0]!.map((l) => (l.metadata as { uid: string }).uid)).toEqual(['e2', 'e1']);
    expect(sent[1]).toHaveLength(1);
    expect(sent[3]).toHaveLength(1);
    // In the sink's format (ocsf: a Base Event, the record in unmapped; docs/forwarding-formats.md).
    const coverage = sent[3]![0]!;
    expect(coverage).toMatchObject({
      class_uid: 0,
      count: 2,
      metadata: { log_name: 'Zoomtrail.Coverage' },
      unmapped: {
        source_id: source,
        stream: 'Zoom.Activity',
        day: DAY,
        state: 'complete',
        version: 1,
        record_count: 2,
        digest_algorithm: 'sha256-sorted-row-ids-v1',
        digest: coverageDigest(['e1', 'e2']),
      },
    });
    expect((sent[1]![0]!.metadata as { uid: string }).uid).toBe((coverage.metadata as { uid: string }).uid);

    // Late record: the event, then version 2; nothing more after that.
    await store.commitPage(page(source, [sampleEvent('e3', T + 2)]));
    await flush();
    await flush();
    const after = lines().slice(4);
    expect(after.map((b) => b.length)).toEqual([1, 1]);
    expect(after[1]![0]).toMatchObject({ unmapped: { version: 2, record_count: 3, late_records: 1, digest: coverageDigest(['e1', 'e2', 'e3']) } });
  });
});
