import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../alert/http-receiver.test-support.js';
import { Forwarder } from '../forward/forwarder.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { page, sampleEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import type { Store } from '../store/store.js';
import { HealthMonitor } from './health-monitor.js';
import { SINK_STUCK, systemAlarmMeta } from './system-alarms.js';

const logger = createLogger({ level: 'silent' });
const MINUTE = 60_000;

describe('stuck-sink alarm (injected clock)', () => {
  let clock: ManualClock;
  let store: Store;
  let receiver: Receiver;
  let source: string;

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

  const monitor = () => new HealthMonitor({ store, clock, logger, sinkStore: store, sinkStuckAlarmMinutes: 30 });
  const flush = () => new Forwarder({ store, clock, logger, fetch: globalThis.fetch }).flush();
  const open = () => store.listOpenSystemAlerts({ ruleId: SINK_STUCK });

  it('raises once when nothing was delivered for longer than the setting while events wait, and resolves when the sink delivers', async () => {
    const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/ingest` }));
    expect(systemAlarmMeta(SINK_STUCK)?.displayName).toBe('Forwarding to a sink is stuck');
    // Nothing pending: never stuck, however long.
    clock.advance(120 * MINUTE);
    expect(await monitor().sinkStuck?.checkOnce()).toEqual([{ sinkId: sink.id, action: 'ok' }]);

    await store.commitPage(page(source, [sampleEvent('e1', START)]));
    receiver.reply({ status: 503 }, { status: 503 });
    expect((await flush())[0]?.error).toBeDefined();
    clock.advance(29 * MINUTE);
    expect(await monitor().sinkStuck?.checkOnce()).toEqual([{ sinkId: sink.id, action: 'ok' }]);
    clock.advance(2 * MINUTE);
    expect(await monitor().sinkStuck?.checkOnce()).toEqual([{ sinkId: sink.id, action: 'raised' }]);
    await flush(); // still failing
    clock.advance(10 * MINUTE);
    await monitor().checkOnce();
    expect(await monitor().sinkStuck?.checkOnce()).toEqual([{ sinkId: sink.id, action: 'still_open' }]);
    const [alert] = await open();
    expect(await open()).toHaveLength(1);
    expect(alert).toMatchObject({ ruleId: SINK_STUCK, dedup: sink.id });
    expect(alert?.title).toMatch(/stuck: nothing delivered for \d+ min, 1 events pending/);
    expect(JSON.stringify(alert)).not.toContain('sink-secret');
    expect(JSON.stringify(alert)).toContain('503');

    const [delivered] = await flush(); // the receiver answers 200 again
    expect(delivered).toMatchObject({ delivered: 1 });
    expect(await monitor().sinkStuck?.checkOnce()).toEqual([{ sinkId: sink.id, action: 'resolved' }]);
    expect(await open()).toEqual([]);
  });

  it('a paused or removed sink resolves its alarm', async () => {
    const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/ingest` }));
    await store.commitPage(page(source, [sampleEvent('e1', START)]));
    clock.advance(31 * MINUTE);
    expect(await monitor().sinkStuck?.checkOnce()).toEqual([{ sinkId: sink.id, action: 'raised' }]);
    await store.setSinkPaused(sink.id, true);
    expect(await monitor().sinkStuck?.checkOnce()).toEqual([{ sinkId: sink.id, action: 'resolved' }]);
    await store.setSinkPaused(sink.id, false);
    clock.advance(MINUTE);
    expect(await monitor().sinkStuck?.checkOnce()).toEqual([{ sinkId: sink.id, action: 'raised' }]);
    await store.removeSink(sink.id);
    await monitor().sinkStuck?.checkOnce();
    expect(await open()).toEqual([]);
  });
});
