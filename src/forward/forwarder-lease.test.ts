import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../alert/http-receiver.test-support.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { BATCH_SIZE, page, sampleEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import { forEachStoreTarget } from '../store/store-test-targets.test-support.js';
import type { Store } from '../store/store.js';
import { Forwarder } from './forwarder.js';

const logger = createLogger({ level: 'silent' });

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Several instances on one database: one sends a sink at a time (its lease); a takeover resumes from the cursor.
forEachStoreTarget((target) => {
  describe(`Forwarder sink lease: ${target.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let receiver: Receiver;
    let source: string;

    beforeEach(async () => {
      ({ store, cleanup } = await target.open({ clock: systemClock, batchSize: BATCH_SIZE }));
      source = (await store.createSource(sampleSource())).id;
      receiver = await startReceiver();
    });
    afterEach(async () => {
      await receiver.close();
      await cleanup();
    });

    const received = () =>
      receiver.requests.flatMap((r) =>
        r.body
          .trimEnd()
          .split('\n')
          .map((l) => (JSON.parse(l) as { p_row_id: string }).p_row_id),
      );
    const commit = (prefix: string, n: number) =>
      store.commitPage(
        page(
          source,
          Array.from({ length: n }, (_, i) => sampleEvent(`${prefix}${String(i).padStart(3, '0')}`, START - 100_000 + i)),
        ),
      );

    it('two instances: only the lease holder sends; when it stops, the other takes over from the cursor; every event once', async () => {
      const sink = await store.createSink(sampleSink({ url: `${receiver.origin}/ingest` }));
      for (let p = 0; p < 5; p++) await commit(`p${p}-`, 10);
      const instance = (owner: string) => {
        const forwarder = new Forwarder({
          store,
          clock: systemClock,
          logger,
          fetch: globalThis.fetch,
          batchSize: 10,
          batchWaitMs: 50,
          sinkRefreshMs: 50,
          lease: { store, owner, ttlMs: 2_000 },
        });
        const stop = new AbortController();
        return { stop, done: forwarder.run(stop.signal) };
      };
      const a = instance('instance-a');
      const b = instance('instance-b');
      await waitFor(() => received().length >= 50);
      const [lease] = await store.listSinkLeases();
      expect(lease?.sinkId).toBe(sink.id);
      const holder = lease!.owner === 'instance-a' ? a : b;
      const other = holder === a ? b : a;
      holder.stop.abort();
      await holder.done;
      for (let p = 5; p < 8; p++) await commit(`p${p}-`, 10);
      await waitFor(() => received().length >= 80);
      await new Promise((resolve) => setTimeout(resolve, 300));
      other.stop.abort();
      await other.done;
      const ids = received();
      expect(ids).toHaveLength(80);
      expect(new Set(ids).size).toBe(80);
      const leases = await store.listSinkLeases();
      expect(leases.map((l) => [l.owner, l.token])).toEqual([[lease!.owner === 'instance-a' ? 'instance-b' : 'instance-a', 2]]);
      expect(await store.getSinkState(sink.id)).toMatchObject({ deliveredCount: 80 });
    });
  });
});
