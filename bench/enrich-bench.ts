/**
 * IP enrichment: what opening the databases costs (time, RSS), how many
 * lookups per second the locator answers (sign-in addresses as the simulator
 * draws them, and distinct random public addresses that miss every cache),
 * and what enrichment adds per event to normalize and to normalize+store
 * (SQLite, one commitPage per 300 records, indicator rows included), against
 * the same work without enrichment on the same records in the same run.
 *
 *   npm run bench -- --only enrich --records 200000
 */
import { utcDay } from '../src/shared/clock.js';
import { ManualClock } from '../src/shared/clock.js';
import { rowIdFor } from '../src/collect/row-identity.js';
import { FileIpLocator } from '../src/normalize/ip-locator.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import type { Normalizer } from '../src/normalize/normalizer.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { EventRow } from '../src/store/store.js';
import { addDays } from '../src/domain/utc-days.js';
import { generateDay } from '../src/zoom-sim/record-generator.js';
import { SeededRandom } from '../src/zoom-sim/seeded-random.js';
import { BENCH_NOW, BENCH_SECRET_KEY, BENCH_SEED, BENCH_TODAY, SCHEMA_DIR, benchSourceInput } from './bench-data.js';
import { collectGarbage, fixed, int, mb, pct, print, rate, table, tempDir } from './bench-util.js';

const PAGE = 300;
const COLD_LOOKUPS = 20_000;

export interface EnrichResult {
  records: number;
  open: { firstLookupMs: number; rssBefore: number; rssAfter: number; heapAfter: number; cacheBytes: number };
  lookups: { simPerSecond: number; distinctSimIps: number; coldV4PerSecond: number; coldV6PerSecond: number };
  normalize: { plainUs: number; enrichedUs: number };
  ingest: { plainUs: number; enrichedUs: number };
}

function activities(records: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let d = 0; out.length < records; d++) {
    const day = generateDay({ seed: BENCH_SEED, day: addDays(BENCH_TODAY, -1 - d), volume: { activities: Math.min(50_000, records - out.length), operations: 0 } });
    out.push(...(day.activities as unknown as Record<string, unknown>[]));
  }
  return out.slice(0, records);
}

function randomPublic(rng: SeededRandom, v6: boolean): string {
  if (!v6) return `${rng.int(1, 224)}.${rng.int(0, 256)}.${rng.int(0, 256)}.${rng.int(1, 255)}`;
  const g = () => rng.int(0, 0x10000).toString(16);
  return `2${rng.int(0, 0x1000).toString(16).padStart(3, '0')}:${g()}:${g()}:${g()}::${g()}`;
}

function perSecond(n: number, fn: () => void): number {
  const t = performance.now();
  fn();
  return n / ((performance.now() - t) / 1000);
}

function normalizeAll(normalizer: Normalizer, raws: readonly Record<string, unknown>[]): EventRow[] {
  const rows: EventRow[] = [];
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i] as Record<string, unknown>;
    const eventTimeMs = Date.parse(String(raw.time));
    const rowId = rowIdFor('src', 'Zoom.Activity', `bench-${i}`, 0, eventTimeMs);
    const result = normalizer.normalize(raw, { sourceId: 'src', sourceLabel: 'Bench', rowId, parseTimeMs: BENCH_NOW });
    if (!result.ok) continue;
    const { event, emails, ipAddresses } = result.value;
    rows.push({ rowId, day: utcDay(result.value.eventTimeMs), eventTimeMs: result.value.eventTimeMs, emails, ipAddresses, event });
  }
  return rows;
}

/** µs per record of normalize alone, best of `reps`. */
function normalizeUs(normalizer: Normalizer, raws: readonly Record<string, unknown>[], reps: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    collectGarbage();
    const t = performance.now();
    normalizeAll(normalizer, raws);
    best = Math.min(best, ((performance.now() - t) * 1000) / raws.length);
  }
  return best;
}

/** µs per record of normalize + commitPage into a fresh SQLite store, 300 records a page. */
async function ingestUs(normalizer: Normalizer, raws: readonly Record<string, unknown>[]): Promise<number> {
  const tmp = tempDir('enrich');
  const store = await openSqliteStore({ dataDir: tmp.dir, clock: new ManualClock(BENCH_NOW), env: { ZOOMTRAIL_SECRET_KEY: BENCH_SECRET_KEY } });
  try {
    const { id } = await store.createSource(benchSourceInput('Bench', 7));
    collectGarbage();
    const t = performance.now();
    for (let i = 0; i < raws.length; i += PAGE) {
      const events = normalizeAll(normalizer, raws.slice(i, i + PAGE)).map((row, j) => ({ ...row, rowId: `${row.rowId}-${i + j}` }));
      await store.commitPage({ sourceId: id, logType: 'Zoom.Activity', events, failures: [], days: [], stream: {} });
    }
    return ((performance.now() - t) * 1000) / raws.length;
  } finally {
    await store.close();
    tmp.remove();
  }
}

export async function runEnrichBench(records: number): Promise<EnrichResult> {
  const raws = activities(records);
  const simIps = [...new Set(raws.flatMap((r) => (typeof r.ip_address === 'string' ? [r.ip_address] : [])))];

  // Opening: the first lookup of a public address opens the city files and reads the ASN CSV.
  collectGarbage();
  const rssBefore = process.memoryUsage().rss;
  const locator = new FileIpLocator();
  const t = performance.now();
  locator.locate('84.150.1.1');
  locator.locate('2003::1');
  const firstLookupMs = performance.now() - t;
  collectGarbage();
  const rssAfter = process.memoryUsage().rss;
  const heapAfter = process.memoryUsage().heapUsed;

  const simPerSecond = perSecond(raws.length, () => {
    for (const r of raws) if (typeof r.ip_address === 'string') locator.locate(r.ip_address);
  });
  const cold = new FileIpLocator({ answerCacheSize: 1 });
  cold.locate('84.150.1.1');
  const rng = SeededRandom.forKey(BENCH_SEED, 'enrich');
  const v4 = Array.from({ length: COLD_LOOKUPS }, () => randomPublic(rng, false));
  const v6 = Array.from({ length: COLD_LOOKUPS }, () => randomPublic(rng, true));
  const coldV4PerSecond = perSecond(v4.length, () => v4.forEach((ip) => cold.locate(ip)));
  const coldV6PerSecond = perSecond(v6.length, () => v6.forEach((ip) => cold.locate(ip)));

  const plain = loadNormalizers(SCHEMA_DIR).get('Zoom.Activity') as Normalizer;
  const enriched = loadNormalizers(SCHEMA_DIR, locator).get('Zoom.Activity') as Normalizer;
  normalizeAll(plain, raws.slice(0, 5000));
  normalizeAll(enriched, raws.slice(0, 5000));
  const normalize = { plainUs: normalizeUs(plain, raws, 3), enrichedUs: normalizeUs(enriched, raws, 3) };
  // Alternated, the better of two runs each: the machine is shared.
  const ingestPlain = [await ingestUs(plain, raws)];
  const ingestEnriched = [await ingestUs(enriched, raws)];
  ingestPlain.push(await ingestUs(plain, raws));
  ingestEnriched.push(await ingestUs(enriched, raws));
  return {
    records: raws.length,
    open: { firstLookupMs, rssBefore, rssAfter, heapAfter, cacheBytes: locator.cachedBytes },
    lookups: { simPerSecond, distinctSimIps: simIps.length, coldV4PerSecond, coldV6PerSecond },
    normalize,
    ingest: { plainUs: Math.min(...ingestPlain), enrichedUs: Math.min(...ingestEnriched) },
  };
}

export function printEnrich(r: EnrichResult): void {
  const added = (a: { plainUs: number; enrichedUs: number }) => a.enrichedUs - a.plainUs;
  print(
    table(
      `IP enrichment (${int(r.records)} simulated sign-ins, ${int(r.lookups.distinctSimIps)} distinct addresses)`,
      ['measure', 'value'],
      [
        ['open databases + first IPv4 and IPv6 lookup', `${fixed(r.open.firstLookupMs, 0)} ms`],
        ['RSS before -> after opening (after GC)', `${mb(r.open.rssBefore)} -> ${mb(r.open.rssAfter)} (+${mb(r.open.rssAfter - r.open.rssBefore)})`],
        ['  of which MMDB page cache', mb(r.open.cacheBytes)],
        ['lookups/s, simulated sign-in addresses (answer cache)', rate(r.lookups.simPerSecond)],
        [`lookups/s, ${int(COLD_LOOKUPS)} distinct random public IPv4, no answer cache`, rate(r.lookups.coldV4PerSecond)],
        [`lookups/s, ${int(COLD_LOOKUPS)} distinct random public IPv6, no answer cache`, rate(r.lookups.coldV6PerSecond)],
        ['normalize, µs/event: without -> with enrichment', `${fixed(r.normalize.plainUs, 2)} -> ${fixed(r.normalize.enrichedUs, 2)} (+${fixed(added(r.normalize), 2)})`],
        ['normalize+store (SQLite), µs/event: without -> with', `${fixed(r.ingest.plainUs, 2)} -> ${fixed(r.ingest.enrichedUs, 2)} (+${fixed(added(r.ingest), 2)})`],
        ['ingest slowed by enrichment (target <= 10%)', pct(added(r.ingest) / r.ingest.plainUs)],
      ],
    ),
  );
}
