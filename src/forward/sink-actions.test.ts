import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../alert/http-receiver.test-support.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { page, sampleEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import type { Store } from '../store/store.js';
import { matchesFieldFilter, parseFieldClause, parseFieldFilter } from './event-filter.js';
import { Forwarder } from './forwarder.js';
import { replaySink, retryDeadLetters, sendTestEvent } from './sink-actions.js';
import { parseStartPoint } from './sink-start-point.js';

const bulkAnswer = (...statuses: number[]) => ({
  status: 200,
  body: JSON.stringify({
    items: statuses.map((status) => ({ create: { status, ...(status >= 300 ? { error: { type: 'mapper_parsing_exception', reason: 'failed to parse' } } : {}) } })),
  }),
});

describe('sink filters, start points, dead-letter retry, test event and replay', () => {
  let store: Store;
  let receiver: Receiver;
  let source: string;
  const clock = new ManualClock(START);
  const logger = createLogger({ level: 'silent' });
  const deps = () => ({ store, clock, logger, fetch: globalThis.fetch });
  const flush = () => new Forwarder({ store, clock, logger, fetch: globalThis.fetch }).flush();
  const sentRowIds = () =>
    receiver.requests.flatMap((r) =>
      r.body
        .split('\n')
        .filter((l) => l.includes('p_row_id'))
        .map((l) => (JSON.parse(l) as { p_row_id: string }).p_row_id),
    );

  beforeEach(async () => {
    store = await openSqliteStore({ dataDir: ':memory:', clock, env: {} });
    receiver = await startReceiver();
    source = (await store.createSource(sampleSource())).id;
    await store.commitPage(
      page(source, [sampleEvent('a1', START - 3000), sampleEvent('b1', START - 2000, 'bob@example.com'), sampleEvent('c1', START - 1000, 'Alice@Example.com', '198.51.100.8')]),
    );
  });
  afterEach(async () => {
    await receiver.close();
    await store.close();
  });

  it('sends only the events every field clause admits (dotted paths, arrays, !=), and the cursor passes the others', async () => {
    const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/in`, fieldFilters: ['email!=bob@example.com', 'p_any_ip_addresses=203.0.113.7'] }));
    const [result] = await flush();
    expect(result).toMatchObject({ delivered: 1 });
    expect(sentRowIds()).toEqual(['a1']);
    expect((await store.sinkBacklog(sink.id)).events).toBe(0);
  });

  it('parses field clauses and matches nested values; a bad clause is a message', () => {
    const clauses = parseFieldFilter(['p_enrichment.ip_location.ip_address.country=DE', 'type!=Sign out']);
    expect(typeof clauses).not.toBe('string');
    const record = { type: 'Sign in', p_enrichment: { ip_location: { ip_address: { country: 'DE' } } } };
    expect(matchesFieldFilter(record, clauses as Exclude<typeof clauses, string>)).toBe(true);
    expect(matchesFieldFilter({ ...record, type: 'Sign out' }, clauses as Exclude<typeof clauses, string>)).toBe(false);
    expect(matchesFieldFilter({ type: 'Sign in' }, clauses as Exclude<typeof clauses, string>)).toBe(false); // a missing field fails =
    expect(parseFieldClause('no operator')).toMatch(/field=value/);
  });

  it('retries dead letters: a delivered one leaves the list, one refused again stays with its new reason', async () => {
    const sink = await store.createSink(sampleSink({ kind: 'elasticsearch', url: receiver.origin, secret: null }));
    receiver.reply(bulkAnswer(201, 400, 400));
    const [first] = await flush();
    expect(first).toMatchObject({ delivered: 1, rejected: 2 });
    expect((await store.listSinkDeadLetters(sink.id)).map((l) => l.rowId)).toEqual(['b1', 'c1']);

    receiver.reply(bulkAnswer(201));
    expect(await retryDeadLetters(sink, { rowIds: ['c1'] }, deps())).toEqual({ delivered: 1, refused: 0, gone: 0 });
    expect(receiver.requests.at(-1)?.body).toContain('"_id":"c1"');
    expect((await store.listSinkDeadLetters(sink.id)).map((l) => l.rowId)).toEqual(['b1']);

    clock.advance(1000);
    receiver.reply(bulkAnswer(400));
    expect(await retryDeadLetters(sink, { all: true }, deps())).toEqual({ delivered: 0, refused: 1, gone: 0 });
    expect(await store.listSinkDeadLetters(sink.id)).toEqual([{ rowId: 'b1', reason: expect.stringContaining('mapper_parsing_exception'), failedAt: START + 1000 }]);

    receiver.reply({ status: 503 });
    expect((await retryDeadLetters(sink, { all: true }, deps())).error).toMatchObject({ retryable: true });
    expect((await store.listSinkDeadLetters(sink.id)).map((l) => l.rowId)).toEqual(['b1']);
  });

  it("sends one synthetic test event and reports the status only, never the receiver's answer", async () => {
    const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/in` }));
    expect(await sendTestEvent(sink, deps())).toEqual({ ok: true });
    expect(JSON.parse(receiver.requests[0]!.body.trim())).toMatchObject({ p_log_type: 'Zoomtrail.Test' });
    receiver.reply({ status: 500, body: 'internal page: db password hunter2' });
    const failed = await sendTestEvent(sink, deps());
    expect(failed).toMatchObject({ ok: false, error: { message: expect.stringContaining('500') } });
    expect(JSON.stringify(failed)).not.toContain('hunter2');
    expect((await store.sinkBacklog(sink.id)).events).toBe(3); // the cursor did not move
  });

  it('replays: the cursor moves back and the events are sent again', async () => {
    const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/in` }));
    await flush();
    expect(sentRowIds()).toEqual(['a1', 'b1', 'c1']);
    expect(await replaySink(sink, { kind: 'all' }, deps())).toBe(3);
    await flush();
    expect(sentRowIds()).toEqual(['a1', 'b1', 'c1', 'a1', 'b1', 'c1']);
    expect(await replaySink(sink, { kind: 'now' }, deps())).toBe(0);
  });

  it('parses start points', () => {
    expect(parseStartPoint('now')).toEqual({ kind: 'now' });
    expect(parseStartPoint('all')).toEqual({ kind: 'all' });
    expect(parseStartPoint('2026-03-10')).toEqual({ kind: 'day', day: '2026-03-10', fromMs: Date.parse('2026-03-10T00:00:00Z') });
    expect(parseStartPoint('2026-02-30')).toMatch(/not a start point/);
    expect(parseStartPoint('now', { allowNow: false })).toMatch(/all or a UTC day/);
  });
});
