import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../alert/http-receiver.test-support.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { page, sampleEvent, sampleOperationEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import type { Store } from '../store/store.js';
import { Forwarder } from './forwarder.js';

const TOKEN = '11111111-2222-3333-4444-555555555555';

describe('splunk-hec sink (against a local HEC fake)', () => {
  let store: Store;
  let receiver: Receiver;

  beforeEach(async () => {
    store = await openSqliteStore({ dataDir: ':memory:', clock: new ManualClock(START), env: {} });
    receiver = await startReceiver();
    const source = (await store.createSource(sampleSource())).id;
    await store.commitPage(page(source, [sampleEvent('s1', START - 1500)]));
    await store.commitPage({
      ...page(source, [sampleOperationEvent('o1', START - 500, { category_type: 'User', action: 'Add', operation_detail: 'Add User a@example.com' })]),
      logType: 'Zoom.Operation',
    });
  });
  afterEach(async () => {
    await receiver.close();
    await store.close();
  });

  const flush = () => new Forwarder({ store, clock: new ManualClock(START), logger: createLogger({ level: 'silent' }), fetch: globalThis.fetch }).flush();

  it('POSTs one event object per line with time, host, source, sourcetype and the token', async () => {
    const sink = await store.createSink(sampleSink({ kind: 'splunk-hec', url: `${receiver.origin}/`, secret: TOKEN, settings: { host: 'zt-prod' } }));
    const [result] = await flush();
    expect(result).toMatchObject({ delivered: 2 });
    const [request] = receiver.requests;
    expect(request?.path).toBe('/services/collector/event');
    expect(request?.headers.authorization).toBe(`Splunk ${TOKEN}`);
    const events = request!.body.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toEqual([
      { time: (START - 1500) / 1000, host: 'zt-prod', source: 'zoomtrail', sourcetype: 'zoom:activity', event: expect.objectContaining({ p_row_id: 's1' }) },
      { time: (START - 500) / 1000, host: 'zt-prod', source: 'zoomtrail', sourcetype: 'zoom:operation', event: expect.objectContaining({ p_row_id: 'o1' }) },
    ]);
    expect((await store.sinkBacklog(sink.id)).events).toBe(0);
  });

  it('keeps the batch on a refused token with a fix naming the token, never the token itself', async () => {
    const sink = await store.createSink(sampleSink({ kind: 'splunk-hec', url: `${receiver.origin}/`, secret: TOKEN }));
    receiver.reply({ status: 403, body: `{"text":"Invalid token ${TOKEN}","code":4}` });
    const [result] = await flush();
    expect(result?.error).toMatchObject({ retryable: false, message: expect.stringContaining('HTTP 403'), fix: expect.stringContaining('HEC token') });
    expect(JSON.stringify(await store.getSinkState(sink.id))).not.toContain(TOKEN);
    expect((await store.sinkBacklog(sink.id)).events).toBe(2);
  });
});
