/**
 * The session settings of every connection a PostgreSQL store opens (its pool
 * and its read workers' pools), as libpq `options` (`-c name=value ...`):
 *
 * - `idle_in_transaction_session_timeout`: a client that stops in the middle
 *   of a transaction (a stalled process) cannot hold its locks for ever;
 * - `search_path`: the store's schema, when it has one;
 * - `jit = off`: the store's queries are index reads of at most a few
 *   thousand rows, and PostgreSQL's JIT compiler, which starts above a cost
 *   estimate that large tables reach easily, spent 210-280 ms compiling each of
 *   them while running them took 23-80 ms (the 180-day histogram on
 *   5,000,000 events; BENCHMARKS.md).
 */
export function postgresSessionOptions(args: { idleTransactionTimeoutMs: number; schema: string | undefined }): string {
  const settings = [`-c idle_in_transaction_session_timeout=${Math.max(1000, Math.round(args.idleTransactionTimeoutMs))}`, '-c jit=off'];
  if (args.schema !== undefined) settings.push(`-c search_path=${args.schema}`);
  return settings.join(' ');
}
