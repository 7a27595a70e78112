import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { openPostgresStore } from './postgres-store.js';
import { ids, page, sampleEvent, sampleSource, START } from './store-contract.test-support.js';
import { sampleSink } from './sink-store-contract.test-support.js';
import { dropSchema, forEachStoreTarget, newTestSchema, TEST_DATABASE_URL, testSecretKey } from './store-test-targets.test-support.js';
import type { Store } from './store.js';

// The forward log's reading order on PostgreSQL (src/store/sink-repository.ts): a transaction
// that started earlier (smaller xid) may commit after a later one; the reader must neither pass
// its batch while it is open nor deliver it out of (xid, seq) order once it commits.
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

    it('does not pass a batch of a transaction still open with a smaller xid, and delivers it first once committed', async () => {
      const source = (await store.createSource(sampleSource())).id;
      const sink = await store.createSink(sampleSink());

      // Transaction 1 starts and takes its xid first...
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()');
      // ...then a page commits in transaction 2 (larger xid, smaller seq than transaction 1's row will get).
      await store.commitPage(page(source, [sampleEvent('late-xid', START - 1000)]));
      await client.query(
        `INSERT INTO events (row_id, source_id, log_type, day, event_time_ms, stored_at, event_json) VALUES ('early-xid', $1, 'Zoom.Activity', '2026-03-10', $2, $2, '{}')`,
        [source, START - 2000],
      );
      await client.query(`INSERT INTO forward_log (source_id, log_type, row_ids, event_count, stored_at) VALUES ($1, 'Zoom.Activity', '["early-xid"]', 1, $2)`, [source, START]);

      // While transaction 1 is open, the committed page is not readable: the cursor must not pass transaction 1.
      const blocked = await store.readSinkBatch(sink.id, { maxEvents: 10 });
      expect(blocked.events).toEqual([]);
      expect(blocked.to).toEqual(blocked.from);

      await client.query('COMMIT');
      const batch = await store.readSinkBatch(sink.id, { maxEvents: 10 });
      expect(ids(batch.events)).toEqual(['early-xid', 'late-xid']);
      const seqs = await client.query<{ seq: string; row_ids: string }>('SELECT seq, row_ids FROM forward_log ORDER BY seq');
      expect(seqs.rows.map((r) => r.row_ids)).toEqual(['["late-xid"]', '["early-xid"]']); // seq order alone would be the wrong one
      expect(await store.advanceSink(sink.id, { from: batch.from, to: batch.to, delivered: 2, deadLetters: [], storedAt: batch.lastStoredAt, now: START })).toBe(true);
      expect((await store.readSinkBatch(sink.id, { maxEvents: 10 })).events).toEqual([]);
    });
  });
});
