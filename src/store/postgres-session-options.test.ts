import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresSessionOptions } from './postgres-session-options.js';
import { forEachStoreTarget, TEST_DATABASE_URL } from './store-test-targets.test-support.js';

describe('postgresSessionOptions', () => {
  it('sets the idle-transaction timeout (at least a second), turns JIT off, and names the schema when there is one', () => {
    expect(postgresSessionOptions({ idleTransactionTimeoutMs: 15_000, schema: 'zt_a' })).toBe('-c idle_in_transaction_session_timeout=15000 -c jit=off -c search_path=zt_a');
    expect(postgresSessionOptions({ idleTransactionTimeoutMs: 10.4, schema: undefined })).toBe('-c idle_in_transaction_session_timeout=1000 -c jit=off');
  });
});

forEachStoreTarget((target) => {
  if (target.kind !== 'postgres') return;

  it('a connection opened with them runs with JIT off and the timeout set', async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: postgresSessionOptions({ idleTransactionTimeoutMs: 15_000, schema: undefined }) });
    await client.connect();
    try {
      const { rows } = await client.query<{ jit: string; timeout: string }>(
        "SELECT current_setting('jit') AS jit, current_setting('idle_in_transaction_session_timeout') AS timeout",
      );
      expect(rows[0]).toEqual({ jit: 'off', timeout: '15s' });
    } finally {
      await client.end();
    }
  });
});
