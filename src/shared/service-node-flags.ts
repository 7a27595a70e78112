/**
 * The V8 heap flags `npm start` runs the service with (package.json's
 * `start` script; test/service-node-flags.test.ts keeps the two equal).
 *
 * Issue 14 section 3 (peak RSS of a 1,000,000-record backfill at most 200 MB,
 * flat): the live heap of a backfill is 20-35 MB, but with V8's defaults the
 * heap grows to 120-165 MB of garbage between full collections (16 MB
 * semi-spaces and an old generation sized for a 4 GB limit). A 1 MB
 * semi-space and a 512 MB old-generation limit keep it at 40-45 MB; measured
 * by `npm run bench -- --only rss` (BENCHMARKS.md). 512 MB is over ten times
 * the largest live heap measured; raise it with the same flag if a
 * deployment needs more.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--max-old-space-size=512'];
