import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { EventReader } from './event-reader.js';
import { ReadWorkerError } from './read-worker-pool.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './sqlite-store.js';
import { collect, ids, normalizedEvent, OPERATION, page, sampleEvent, sampleFailure, sampleSource, START } from './store-contract.test-support.js';
import type { Store } from './store.js';

// The file-backed SQLite store's long reads run EventReader in worker threads
// (sqlite-read-worker.ts); the read contracts run on it in store-contracts.test.ts.
// Here: that they do run there, and what a caller sees when the worker fails.

const DAY = Date.parse('2026-03-08T00:00:00Z');
let dataDir: string;
let stores: Store[];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'zoomtrail-read-worker-'));
  stores = [];
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const store of stores) await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(options: { readWorkers?: number; memory?: boolean; batchSize?: number } = {}): Promise<Store> {
  const store = await openSqliteStore({ dataDir: options.memory ? ':memory:' : dataDir, clock: new ManualClock(START), env: {}, ...options });
  stores.push(store);
  return store;
}

async function seed(store: Store, events = 10): Promise<string> {
  const { id } = await store.createSource(sampleSource());
  const rows = Array.from({ length: events }, (_, i) => sampleEvent(`r${String(i).padStart(2, '0')}`, DAY + i));
  await store.commitPage(page(id, rows, { failures: [sampleFailure('f1', '2026-03-08', START)] }));
  return id;
}

/** Calls of this thread's EventReader: the long reads of a worker-backed store make none. */
function spyOnReader() {
  return [
    vi.spyOn(EventReader.prototype, 'events'),
    vi.spyOn(EventReader.prototype, 'countEvents'),
    vi.spyOn(EventReader.prototype, 'histogram'),
    vi.spyOn(EventReader.prototype, 'failures'),
    vi.spyOn(EventReader.prototype, 'countFailures'),
  ];
}

async function longReads(store: Store, sourceId: string) {
  return {
    events: ids(await collect(store.queryEvents({ sourceId }))),
    count: await store.countEvents({ sourceId }),
    histogram: await store.eventHistogram({ sourceId }, DAY, DAY + 10, 5),
    failures: (await collect(store.listFailures({ sourceId }))).map((f) => f.rowId),
    failureCount: await store.countFailures({ sourceId }),
  };
}

describe('SQLite read workers', () => {
  it("run a file-backed store's long reads off this thread, with the same answers as reading on it", async () => {
    const store = await open({ batchSize: 3 });
    const sourceId = await seed(store);
    const spies = spyOnReader();
    const inWorker = await longReads(store, sourceId);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();

    const inProcess = await open({ readWorkers: 0, batchSize: 3 });
    const onThisThread = await longReads(inProcess, sourceId);
    for (const spy of spies) expect(spy).toHaveBeenCalled();
    expect(inWorker).toEqual(onThisThread);
    expect(inWorker).toEqual({ events: Array.from({ length: 10 }, (_, i) => `r${String(i).padStart(2, '0')}`), count: 10, histogram: [5, 5], failures: ['f1'], failureCount: 1 });
  });

  it('search change names a Zoom.Operation p_udm derived on read holds (from the stored change_names column)', async () => {
    const store = await open();
    const { id } = await store.createSource(sampleSource());
    const record = {
      time: '2026-03-08T00:00:01Z',
      operator: 'admin@example.com',
      category_type: 'User Settings',
      action: 'Update',
      operation_detail: 'Meeting  - Breakout room: from On to Off',
    };
    await store.commitPage({ ...page(id, [normalizedEvent(id, OPERATION, 'op1', record)]), logType: OPERATION });
    const spies = spyOnReader();
    expect(ids(await collect(store.queryEvents({ changeName: 'breakout' })))).toEqual(['op1']);
    expect(await store.countEvents({ changeName: 'room' })).toBe(1);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('are not used by an in-memory store: it reads on this thread', async () => {
    const store = await open({ memory: true });
    const sourceId = await seed(store);
    const [events, countEvents] = spyOnReader();
    expect(await store.countEvents({ sourceId })).toBe(10);
    expect((await collect(store.queryEvents({ sourceId }))).length).toBe(10);
    expect(countEvents).toHaveBeenCalledOnce();
    expect(events).toHaveBeenCalledOnce();
  });

  it('answer a failed read with the error class and message reading on this thread gives', async () => {
    const store = await open();
    const inProcess = await open({ readWorkers: 0 });
    const sourceId = await seed(store);
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (e: unknown) => e,
      );

    const [range, rangeHere] = [await failure(store.eventHistogram({}, 10, 5, 1)), await failure(inProcess.eventHistogram({}, 10, 5, 1))];
    expect(range).toBeInstanceOf(RangeError);
    expect(range).toMatchObject({ message: (rangeHere as Error).message });

    // A database error: better-sqlite3's SqliteError, with its code.
    const db = new Database(join(dataDir, SQLITE_FILE_NAME));
    db.exec('DROP TABLE classification_failures');
    db.close();
    const [sqlite, sqliteHere] = [await failure(store.countFailures({ sourceId })), await failure(inProcess.countFailures({ sourceId }))];
    expect(sqlite).toBeInstanceOf(Database.SqliteError);
    expect(sqliteHere).toBeInstanceOf(Database.SqliteError);
    expect(sqlite).toMatchObject({ message: (sqliteHere as Error).message, code: (sqliteHere as { code: string }).code });
    expect((sqlite as Error).message).toMatch(/no such table: classification_failures/);
    await expect(collect(store.listFailures({ sourceId }))).rejects.toBeInstanceOf(Database.SqliteError);
  });

  it('fail a read with an actionable error when the worker cannot start, and start again once it can', async () => {
    const store = await open();
    const sourceId = await seed(store);
    const file = join(dataDir, SQLITE_FILE_NAME);
    renameSync(file, `${file}.away`); // the worker opens the file by name; this thread's connection keeps its handle
    const error = await store.countEvents({ sourceId }).catch((e: unknown) => e);
    renameSync(`${file}.away`, file);
    expect(error).toBeInstanceOf(ReadWorkerError);
    expect(error).toMatchObject({ code: 'read_worker_crashed', fix: expect.stringContaining('Run the read again') as string });
    expect((error as Error).message).toMatch(/SqliteError: unable to open database file/);
    expect(await store.countEvents({ sourceId })).toBe(10);
  });

  it('close() ends the workers: a stream still being read fails instead of hanging', async () => {
    const store = await open({ batchSize: 2 });
    const sourceId = await seed(store);
    const stream = store.queryEvents({ sourceId })[Symbol.asyncIterator]();
    expect((await stream.next()).value).toMatchObject({ rowId: 'r00' });
    await store.close();
    const rest = (async () => {
      for (let next = await stream.next(); !next.done; next = await stream.next());
    })();
    await expect(rest).rejects.toMatchObject({ name: 'ReadWorkerError', code: 'store_closed' });
  });
});
