import pg from 'pg';

/** The `application_name` of a store's read workers' connections (postgres-read-worker.ts): names the store's schema, if any. */
export function readWorkerApplicationName(schema: string | undefined): string {
  return schema === undefined ? 'zoomtrail read worker' : `zoomtrail read worker ${schema}`;
}

export interface PostgresPoolOptions {
  url: string;
  /** Connections at most. */
  max: number;
  /** The connection's `options` (`-c name=value` session settings). */
  options: string;
  /** Shown in `pg_stat_activity.application_name`; default none. */
  applicationName?: string;
}

/**
 * A `pg` pool as the store's connections are made (postgres-store.ts, and its
 * read workers: postgres-read-worker.ts). Connection errors never crash the
 * process: an idle client's (the server restarted) is dropped, the next query
 * reconnects; a checked-out client's (the server ended an idle transaction, or
 * restarted) rejects the query in flight with the same error, and that is
 * where it is handled.
 */
export function openPostgresPool(options: PostgresPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: 10_000,
    options: options.options,
    ...(options.applicationName === undefined ? {} : { application_name: options.applicationName }),
  });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
