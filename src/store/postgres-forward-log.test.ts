import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { FORWARD_LOG_LOCK_CLASS } from './postgres-forward-log-horizon.js';
import { openPostgresStore } from './postgres-store.js';
import { ids, page, sampleEvent, sampleSource, START } from './store-contract.test-support.js';
import { sampleSink } from './sink-store-contract.test-support.js';
import { dropSchema, forEachStoreTarget, newTestSchema, TEST_DATABASE_URL, testSecretKey } from './store-test-targets.test-support.js';
import type { Store } from './store.js';

// The forward log's reading order on PostgreSQL (src/store/sink-repository.ts,
// postgres-forward-log-horizon.ts): a writer that started earlier (smaller xid) may commit after a
// later one; the reader must neither pass its batch while it is open nor deliver it out of
// (xid, seq) order once it commits; transactions that do not write the log must not hold it back.
forEachStoreTarget((target) => {
  if (target.kind !== 'postgres') return;

  describe('PostgreSQL forward log', () => {
    let schema: string;
    let store: Store;
    let client: pg.Client;

    beforeEach(async () => {
      schema = newTestSchema();
      store = await openPostgresStore({ url: TEST_DATABASE_URL, clock: new ManualClock(START), env: { ZOOMTRAIL_SECRET_KEY: testSecretKey() }, schema, maxConnections: 4 });
      client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`SET search_path TO "${schema}"`);
    });
    afterEach(async () => {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
      await store.close();
      await dropSchema(schema);
    });

    /** The advisory lock a reader is waiting for, if any (its exclusive request not yet granted). */
    async function readerWaiting(): Promise<boolean> {
      const { rows } = await client.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::bigint::oid AND NOT granted`, [FORWARD_LOG_LOCK_CLASS]);
      return rows.length > 0;
    }

    it('waits for a writer still open with a smaller xid, then delivers its batch first', async () => {
      const source = (await store.createSource(sampleSource())).id;
      const sink = await store.createSink(sampleSink());

      // Transaction 1 takes the writers' lock and then its xid first...
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock_shared($1, hashtext(current_schema()))`, [FORWARD_LOG_LOCK_CLASS]);
      await client.query('SELECT pg_current_xact_id()');
      // ...then a page commits in transaction 2 (larger xid, smaller seq than transaction 1's row will get).
      await store.commitPage(page(source, [sampleEvent('late-xid', START - 1000)]));
      await client.query(
        `INSERT INTO events (row_id, source_id, log_type, day, event_time_ms, stored_at, event_json) VALUES ('early-xid', $1, 'Zoom.Activity', '2026-03-10', $2, $2, '{}')`,
        [source, START - 2000],
      );
      await client.query(`INSERT INTO forward_log (source_id, log_type, row_ids, event_count, stored_at) VALUES ($1, 'Zoom.Activity', '["early-xid"]', 1, $2)`, [source, START]);

      // While transaction 1 is open the reader waits: it must not pass transaction 1, nor return without its row.
      let settled = false;
      const reading = store.readSinkBatch(sink.id, { maxEvents: 10 }).finally(() => (settled = true));
      for (let i = 0; i < 200 && !(await readerWaiting()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(settled).toBe(false);
      await client.query('COMMIT');
      const batch = await reading;
      expect(ids(batch.events)).toEqual(['early-xid', 'late-xid']);
      const seqs = await client.query<{ seq: string; row_ids: string }>('SELECT seq, row_ids FROM forward_log ORDER BY seq');
      expect(seqs.rows.map((r) => r.row_ids)).toEqual(['["late-xid"]', '["early-xid"]']); // seq order alone would be the wrong one
      expect(await store.advanceSink(sink.id, { from: batch.from, to: batch.to, delivered: 2, deadLetters: [], storedAt: batch.lastStoredAt, now: START })).toBe(true);
      expect((await store.readSinkBatch(sink.id, { maxEvents: 10 })).events).toEqual([]);
    });

    it('is not held back by other transactions of the cluster (another application writing, another schema)', async () => {
      const source = (await store.createSource(sampleSource())).id;
      const sink = await store.createSink(sampleSink());
      // Another application's write transaction, open across the whole test, started before the page.
      const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('SELECT pg_current_xact_id()');
        await store.commitPage(page(source, [sampleEvent('e1', START - 1000)]));
        expect(ids((await store.readSinkBatch(sink.id, { maxEvents: 10 })).events)).toEqual(['e1']);
        expect((await store.sinkCursorAt(START - 1)).xid).toBe('0');
      } finally {
        await other.query('ROLLBACK').catch(() => undefined);
        await other.end();
      }
    });

    it("refuses a forward-log row from a transaction without the writers' lock, with the fix in the hint", async () => {
      const source = (await store.createSource(sampleSource())).id;
      const insert = client.query(`INSERT INTO forward_log (source_id, log_type, row_ids, event_count, stored_at) VALUES ($1, 'Zoom.Activity', '["x"]', 1, 0)`, [source]);
      await expect(insert).rejects.toMatchObject({ message: expect.stringContaining("without the writers' lock"), hint: expect.stringContaining('lockForForwardLogWrite') });
    });
  });
});
