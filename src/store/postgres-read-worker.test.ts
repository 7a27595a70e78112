import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { EventReader } from './event-reader.js';
import { readWorkerApplicationName } from './postgres-pool.js';
import { openPostgresStore } from './postgres-store.js';
import { collect, ids, page, sampleEvent, sampleFailure, sampleSource, START } from './store-contract.test-support.js';
import { adminQuery, dropSchema, newTestSchema, STORE_TARGETS, TEST_DATABASE_URL, testSecretKey } from './store-test-targets.test-support.js';
import type { Store } from './store.js';

// The PostgreSQL store's long reads run EventReader in worker threads with
// connections of their own (postgres-read-worker.ts); the read contracts run on
// it in store-contracts.test.ts. Here: that they do run there (this thread's
// EventReader is not called, so neither the rows nor an export's text are made
// on the event loop's thread), and that an export a client leaves early keeps
// no connection.

const DAY = Date.parse('2026-03-08T00:00:00Z');
const postgres = STORE_TARGETS.some((t) => t.kind === 'postgres' && t.unavailable === undefined);
const key = testSecretKey();
let schemas: string[] = [];
let stores: Store[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const store of stores) await store.close();
  for (const schema of schemas) await dropSchema(schema);
  stores = [];
  schemas = [];
});

async function open(schema: string, options: { readWorkers?: number; batchSize?: number } = {}): Promise<Store> {
  if (!schemas.includes(schema)) schemas.push(schema);
  const store = await openPostgresStore({ url: TEST_DATABASE_URL, clock: new ManualClock(START), env: { ZOOMTRAIL_SECRET_KEY: key }, schema, maxConnections: 4, ...options });
  stores.push(store);
  return store;
}

async function seed(store: Store, events: number): Promise<string> {
  const { id } = await store.createSource(sampleSource());
  for (let from = 0; from < events; from += 500) {
    const rows = Array.from({ length: Math.min(500, events - from) }, (_, i) => sampleEvent(`r${String(from + i).padStart(5, '0')}`, DAY + from + i));
    await store.commitPage(page(id, rows, from === 0 ? { failures: [sampleFailure('f1', '2026-03-08', START)] } : {}));
  }
  return id;
}

async function longReads(store: Store, sourceId: string) {
  return {
    events: ids(await collect(store.queryEvents({ sourceId }))),
    export: Buffer.concat(await collect(store.exportEvents({ sourceId }, 'ndjson'))).toString('utf8'),
    csv: Buffer.concat(await collect(store.exportEvents({ sourceId }, 'csv'))).toString('utf8'),
    count: await store.countEvents({ sourceId }),
    histogram: await store.eventHistogram({ sourceId }, DAY, DAY + 10, 5),
    failures: (await collect(store.listFailures({ sourceId }))).map((f) => f.rowId),
    failureCount: await store.countFailures({ sourceId }),
  };
}

/** The backends of the store's read workers (named after its schema), by state. */
async function workerBackends(schema: string): Promise<string[]> {
  // 'idle' only once a backend has had no query for 250 ms: between two reads of a running export it is idle for a moment.
  const { rows } = await adminQuery(
    `SELECT CASE WHEN state = 'idle' AND state_change < now() - interval '250 milliseconds' THEN 'idle' ELSE coalesce(state, 'unknown') END AS state
     FROM pg_stat_activity WHERE application_name = $1`,
    [readWorkerApplicationName(schema)],
  );
  return rows.map((r: { state: string }) => r.state);
}

/** Polls until `check` holds (a deadline only against hanging: no figure is judged). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await sleep(50);
  }
  expect.fail('the condition did not hold within 15 s');
}

describe.skipIf(!postgres)('PostgreSQL read workers', () => {
  it("run the store's long reads and exports off this thread, with the same answers as reading on it", async () => {
    const schema = newTestSchema();
    const store = await open(schema, { batchSize: 3 });
    const sourceId = await seed(store, 10);
    const spies = ['events', 'eventBatches', 'countEvents', 'histogram', 'failures', 'countFailures'].map((m) => vi.spyOn(EventReader.prototype, m as 'events'));
    const inWorker = await longReads(store, sourceId);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect((await workerBackends(schema)).length).toBeGreaterThan(0);

    const onThisThread = await longReads(await open(schema, { readWorkers: 0, batchSize: 3 }), sourceId);
    for (const spy of spies) expect(spy).toHaveBeenCalled();
    expect(inWorker).toEqual(onThisThread);
    expect(inWorker.events).toEqual(Array.from({ length: 10 }, (_, i) => `r${String(i).padStart(5, '0')}`));
    expect(
      inWorker.export
        .split('\n')
        .slice(0, -1)
        .map((line) => (JSON.parse(line) as { p_row_id: string }).p_row_id),
    ).toEqual(inWorker.events);
  });

  it('end an export the client stops reading early: its reads stop, and closing the store leaves no connection behind', async () => {
    const schema = newTestSchema();
    const store = await open(schema, { batchSize: 100 });
    const sourceId = await seed(store, 3000); // about 25 chunks of export text
    let chunks = 0;
    for await (const chunk of store.exportEvents({ sourceId }, 'ndjson')) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      if (++chunks === 1) break;
    }
    // The worker's reads stop: its connections go idle (and stay open for the next read) ...
    await until(async () => {
      const states = await workerBackends(schema);
      return states.length > 0 && states.every((s) => s === 'idle');
    });
    // ... a next export starts from the beginning, and the store still answers.
    const [first] = await collect(store.exportEvents({ sourceId, limit: 1 }, 'ndjson'));
    expect(JSON.parse(Buffer.from(first!).toString('utf8'))).toMatchObject({ p_row_id: 'r00000' });
    // Closing the store ends the workers and their connections.
    await store.close();
    await until(async () => (await workerBackends(schema)).length === 0);
  });
});
