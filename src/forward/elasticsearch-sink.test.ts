import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../alert/http-receiver.test-support.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { page, sampleEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import type { Store } from '../store/store.js';
import { Forwarder } from './forwarder.js';

const logger = createLogger({ level: 'silent' });
const bulk = (...statuses: Array<number | [number, string]>) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    errors: statuses.some((s) => (Array.isArray(s) ? s[0] : s) >= 300),
    items: statuses.map((s) => {
      const [status, type] = Array.isArray(s) ? s : [s, undefined];
      return { create: { status, ...(type ? { error: { type, reason: `failed to parse field [email] of type [${type}]` } } : {}) } };
    }),
  }),
});

describe('elasticsearch sink (against a local _bulk fake)', () => {
  let store: Store;
  let receiver: Receiver;
  let source: string;

  beforeEach(async () => {
    store = await openSqliteStore({ dataDir: ':memory:', clock: new ManualClock(START), env: {} });
    source = (await store.createSource(sampleSource())).id;
    receiver = await startReceiver();
    await store.commitPage(
      page(
        source,
        ['e1', 'e2', 'e3'].map((id, i) => sampleEvent(id, START - 1000 + i)),
      ),
    );
  });
  afterEach(async () => {
    await receiver.close();
    await store.close();
  });

  const flush = () => new Forwarder({ store, clock: new ManualClock(START), logger, fetch: globalThis.fetch }).flush();
  const addSink = (extra = {}) =>
    store.createSink(
      sampleSink({ kind: 'elasticsearch', format: 'ecs', url: `${receiver.origin}/`, settings: { index: 'logs-zoom-default' }, secret: 'es-api-key-1234', ...extra }),
    );

  it('creates each event with _id = p_row_id; a mapping error is a dead letter, a 409 counts as delivered, the cursor passes both', async () => {
    const sink = await addSink();
    receiver.reply(bulk(201, [400, 'mapper_parsing_exception'], 409));
    const [result] = await flush();
    expect(result).toMatchObject({ delivered: 2, rejected: 1 });
    expect(result?.error).toBeUndefined();
    const [request] = receiver.requests;
    expect(request?.path).toBe('/_bulk');
    expect(request?.headers.authorization).toBe('ApiKey es-api-key-1234');
    expect(request?.headers['content-type']).toBe('application/x-ndjson');
    const lines = request!.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, { _id?: string; _index?: string }>);
    expect(lines.filter((_, i) => i % 2 === 0)).toEqual(['e1', 'e2', 'e3'].map((id) => ({ create: { _index: 'logs-zoom-default', _id: id } })));
    expect(lines[1]).toMatchObject({ '@timestamp': expect.any(String), event: { id: 'e1', kind: 'event' } });
    expect(await store.listSinkDeadLetters(sink.id)).toEqual([{ rowId: 'e2', reason: expect.stringContaining('HTTP 400 mapper_parsing_exception'), failedAt: START }]);
    expect(await store.getSinkState(sink.id)).toMatchObject({ deliveredCount: 2, failedCount: 1 });
    expect((await store.sinkBacklog(sink.id)).events).toBe(0);
  });

  it('retries the whole batch when an item is rejected as busy (429), and the cluster answers 409 for those already indexed', async () => {
    const sink = await addSink();
    receiver.reply(bulk(201, 429, 201));
    const [first] = await flush();
    expect(first?.error).toMatchObject({ retryable: true, message: expect.stringContaining('1 of 3') });
    expect((await store.getSinkState(sink.id)).deliveredCount).toBe(0);
    receiver.reply(bulk(409, 201, 409));
    const [second] = await flush();
    expect(second).toMatchObject({ delivered: 3, rejected: 0 });
    expect(receiver.requests.map((r) => r.body)).toEqual([receiver.requests[0]!.body, receiver.requests[0]!.body]);
  });

  it('keeps the cursor on an HTTP error of the whole request, without repeating the answer or the key', async () => {
    const sink = await addSink();
    receiver.reply({ status: 401, body: 'missing authentication credentials for es-api-key-1234' });
    const [result] = await flush();
    expect(result?.error).toMatchObject({ retryable: false, message: expect.stringContaining('HTTP 401') });
    expect(JSON.stringify(await store.getSinkState(sink.id))).not.toContain('es-api-key');
    expect((await store.sinkBacklog(sink.id)).events).toBe(3);
  });
});
