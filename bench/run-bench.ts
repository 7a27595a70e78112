/**
 * `npm run bench`: Zoomtrail's benchmarks. Never a test: it reports figures,
 * and ratios against baselines run in the same process on the same data; it
 * fails only when a benchmark cannot run. See BENCHMARKS.md.
 *
 *   npm run bench -- --only normalize --records 100000
 *   npm run bench -- --only search --records 5000000 --store postgres
 */
import os from 'node:os';
import { LOG_TYPES } from '../src/zoom/report-records.js';
import { BENCH_SEED, BENCH_TODAY } from './bench-data.js';
import { fixed, int, machineInfo, mb, parseArgs, pct, print, rate, seconds, table, UsageError, USAGE } from './bench-util.js';
import {
  backfillFigures,
  backfillWithConfirmation,
  printRequests,
  printRss,
  REQUESTS_TARGET_RATIO,
  RSS_FLAT_RATIO,
  RSS_TARGET_BYTES,
  rssFlatness,
  runCollectionBench,
  steadyFigures,
  type CollectionResults,
} from './collection-bench.js';
import { printEnrich, runEnrichBench, type EnrichResult } from './enrich-bench.js';
import { FORWARD_FORMATS, FORWARD_KINDS, printForward, runForwardBench, type ForwardResult } from './forward-bench.js';
import { printInstances, runInstancesBench, type InstancesResult } from './instances-bench.js';
import { BYTES_PER_EVENT_TARGET, printNormalizeStore, runNormalizeStoreBench, usedBytesPerEvent, type NormalizeStoreResult } from './normalize-store-bench.js';
import { printRules, runRulesBench, type RulesResult } from './rules-bench.js';
import { printHistory, runHistoryBench, type HistoryResult } from './history-bench.js';
import { printUserRules, runUserRulesBench } from './user-rules-bench.js';
import { printExport, runExportBench } from './export-bench.js';
import { printSearch, runSearchBench, searchSummaryRows, type SearchResult } from './search-bench.js';
import { printStartup, runStartupBench, STARTUP_TARGET_MS, type StartupResult } from './startup-bench.js';

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) process.stderr.write(`${error.message}\n\n`);
    process.stderr.write(USAGE);
    process.exit(error.message ? 2 : 0);
  }
  const machine = machineInfo();
  const started = performance.now();
  const load = () =>
    os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
  print(
    `Zoomtrail benchmarks: ${args.only.join(', ')}; --records ${int(args.records)}; --store ${args.store}${args.storeFile === undefined ? '' : `; --store-file ${args.storeFile}`}; seed ${BENCH_SEED}; simulated day ${BENCH_TODAY}`,
  );
  print(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, ${machine.os}, Node ${machine.node}; load average ${load()}`);
  if (!(globalThis as { gc?: unknown }).gc) print('note: run with --expose-gc (npm run bench does) for GC between runs');

  let normalize: NormalizeStoreResult | undefined;
  let rules: RulesResult | undefined;
  let collection: CollectionResults | undefined;
  if (args.only.includes('normalize')) {
    normalize = await runNormalizeStoreBench(args.records, args.store);
    printNormalizeStore(normalize);
  }
  let enrich: EnrichResult | undefined;
  if (args.only.includes('enrich')) {
    enrich = await runEnrichBench(Math.min(args.records, 200_000));
    printEnrich(enrich);
  }
  if (args.only.includes('rules')) {
    rules = runRulesBench(args.records);
    printRules(rules);
  }
  let history: HistoryResult | undefined;
  if (args.only.includes('history')) {
    history = await runHistoryBench(args.records);
    printHistory(history);
  }
  if (args.only.includes('user-rules')) printUserRules(await runUserRulesBench(args.records));
  let instances: InstancesResult | undefined;
  if (args.only.includes('instances')) {
    instances = await runInstancesBench(args.records);
    printInstances(instances);
  }
  if (args.only.includes('requests') || args.only.includes('rss')) {
    collection = await runCollectionBench(args.records, {
      requests: args.only.includes('requests'),
      ...(args.heapSnapshots === undefined ? {} : { heapSnapshotDir: args.heapSnapshots }),
    });
    if (args.only.includes('requests')) printRequests(collection);
    if (args.only.includes('rss')) printRss(collection);
  }
  let search: SearchResult | undefined;
  if (args.only.includes('search')) {
    search = await runSearchBench(args.records, args.store, args.storeFile);
    printSearch(search);
  }
  if (args.only.includes('export')) printExport(await runExportBench(args.records, args.store, args.storeFile));
  let startup: StartupResult | undefined;
  if (args.only.includes('startup')) {
    startup = runStartupBench();
    printStartup(startup);
  }
  let forward: ForwardResult | undefined;
  if (args.only.includes('forward')) {
    forward = await runForwardBench(args.records);
    printForward(forward);
  }

  const rows: string[][] = [];
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  if (normalize) {
    rows.push(['normalize+detect+store throughput', rate(normalize.ingest.perSecond), '>= 60,000/s (issue 14)', verdict(normalize.ingest.perSecond >= 60_000)]);
    rows.push([`normalize+detect+store / ${normalize.rawLabel}`, pct(normalize.ratioToRaw), '>= 50%', verdict(normalize.ratioToRaw >= 0.5)]);
    if (normalize.drained) {
      // The target figure: the store as the service leaves it (history queue drained), pages in use.
      const used = usedBytesPerEvent(normalize.drained.pages, normalize.events);
      rows.push([
        'bytes on disk per event (SQLite, history queue drained, pages in use)',
        `${int(used)} B`,
        `<= ${BYTES_PER_EVENT_TARGET} B`,
        verdict(used <= BYTES_PER_EVENT_TARGET),
      ]);
      rows.push(['  the file after the run, history queue not drained', `${int(normalize.dbBytes / normalize.events)} B`, '-', '-']);
    } else {
      rows.push([
        `bytes on disk per event (${normalize.storeKind === 'postgres' ? 'PostgreSQL' : 'SQLite'}, the store after the run)`,
        `${int(normalize.dbBytes / normalize.events)} B`,
        normalize.storeKind === 'postgres' ? '-' : `<= ${BYTES_PER_EVENT_TARGET} B`,
        normalize.storeKind === 'postgres' ? '-' : verdict(normalize.dbBytes / normalize.events <= BYTES_PER_EVENT_TARGET),
      ]);
    }
    rows.push(['  of which in Detector.detect (share of wall time)', pct(normalize.ingest.detectMs / normalize.ingest.ms), '-', '-']);
    rows.push(['  rule matches / alerts raised during the run', `${int(normalize.ingest.matches)} / ${int(normalize.ingest.alertsRaised)}`, '-', '-']);
    rows.push(['  baseline: JSON.parse', rate(normalize.jsonParse.perSecond), '-', '-']);
    rows.push([`  baseline: ${normalize.rawLabel}`, rate(normalize.rawInsert.perSecond), '-', '-']);
  }
  if (forward) {
    for (const kind of FORWARD_KINDS)
      for (const format of FORWARD_FORMATS) {
        const value = forward.sinks[kind]?.[format];
        const base = forward.baseline[format] ?? 0;
        rows.push([`forward ${kind} / ${format}, events/s (of serialization alone)`, value ? `${rate(value)} (${pct(value / base)})` : 'n/a', '-', '-']);
      }
  }
  if (enrich) {
    const added = (enrich.ingest.enrichedUs - enrich.ingest.plainUs) / enrich.ingest.plainUs;
    rows.push(['IP enrichment: ingest slowed by', pct(added), '<= 10%', verdict(added <= 0.1)]);
    rows.push(['  lookups/s (sign-in addresses / distinct cold IPv4)', `${rate(enrich.lookups.simPerSecond)} / ${rate(enrich.lookups.coldV4PerSecond)}`, '-', '-']);
  }
  if (rules) {
    rows.push(['rule evaluations/s, one core', rate(rules.real.perSecond), '>= 1,000,000/s', verdict(rules.real.perSecond >= 1_000_000)]);
    rows.push(['  rules / one trivial rule (evaluations/s)', pct(rules.ratioToTrivial), '-', '-']);
    rows.push([`  rules / the trivial rule ${rules.rules} times (evaluations/s)`, pct(rules.ratioToTrivialSameCount), '-', '-']);
    rows.push(['  baseline: one trivial rule, evaluations/s', rate(rules.trivial.perSecond), '-', '-']);
    rows.push([`  baseline: the trivial rule ${rules.rules} times, evaluations/s`, rate(rules.trivialSameCount.perSecond), '-', '-']);
    rows.push(['  rule matches (real path)', int(rules.real.matches), '> 0', verdict(rules.real.matches > 0)]);
    rows.push(['  baseline: JSON.parse of the events, events/s', rate(rules.jsonParse.perSecond), '-', '-']);
  }
  if (history) {
    rows.push([`history rules: sign-ins/s evaluated, SQLite, ${int(history.records)}-sign-in store`, rate(history.perSecond), '>= 50,000/s', verdict(history.perSecond >= 50_000)]);
    rows.push(["  of which the store's history reads alone, sign-ins/s", rate(history.queryPerSecond), '-', '-']);
    rows.push(['  drain (evaluate + commit), sign-ins/s', rate(history.drainPerSecond), '-', '-']);
  }
  if (collection && args.only.includes('requests')) {
    for (const s of [collection.backfill7, collection.backfill180]) {
      if (!s) continue;
      const f = backfillFigures(s);
      rows.push([`${s.label} backfill: requests per 1,000 records (${int(f.records)} records)`, fixed(f.perThousand, 3), '-', '-']);
      const conf = backfillWithConfirmation(s);
      if (conf) {
        rows.push([`  ${s.label} backfill alone (boundary probes included) / ceil(n/300)`, fixed(f.ratio, 4), '-', '-']);
        rows.push([
          `${s.label} backfill incl. the confirmation re-reads it causes (${int(conf.confirmRequests)}) / ceil(n/300)`,
          fixed(conf.ratio, 4),
          `<= ${REQUESTS_TARGET_RATIO}`,
          verdict(conf.ratio <= REQUESTS_TARGET_RATIO),
        ]);
      } else {
        rows.push([
          `${s.label} backfill: requests (boundary probes included) / ceil(n/300)`,
          fixed(f.ratio, 4),
          `<= ${REQUESTS_TARGET_RATIO}`,
          verdict(f.ratio <= REQUESTS_TARGET_RATIO),
        ]);
      }
    }
    const polls = collection.backfill7.collector.polls;
    if (polls.length > 0) {
      const st = steadyFigures(polls);
      const fast = LOG_TYPES.map((t) => fixed(st.fastPathPerStream[t].mean, 2)).join(' / ');
      rows.push(['steady state: requests per poll per stream, fast path (Activity / Operation)', fast, '-', '-']);
      rows.push(['steady state: requests per 1,000 new records, fast path', fixed((st.requestsFastPath / Math.max(1, st.newInFastPathPolls)) * 1000, 1), '-', '-']);
      rows.push(['steady state hour: requests per poll per stream, incl. hourly re-reads', fixed(st.requestsTotal / st.polls / LOG_TYPES.length, 2), '-', '-']);
      rows.push(['steady state hour: requests per 1,000 new records, incl. hourly re-reads', fixed((st.requestsTotal / Math.max(1, st.newRecords)) * 1000, 1), '-', '-']);
    }
  }
  if (collection && args.only.includes('rss')) {
    const b = collection.backfill7.collector.backfill;
    const peak = Math.max(b.maxRss, b.peakRssSampled);
    const rss = b.samples.filter((s) => s.progress >= 0.1).map((s) => s.rss);
    rows.push([`peak RSS, collector, ${int(collection.backfill7.generated.expected)}-record backfill`, mb(peak), `<= ${mb(RSS_TARGET_BYTES)}`, verdict(peak <= RSS_TARGET_BYTES)]);
    const flat = rssFlatness(b.samples, b.rssTrace);
    if (flat) {
      if (flat.bandRatio !== null)
        rows.push([
          '  RSS at 90% / RSS at 10% of the backfill (medians of the readings within 5% of each)',
          `${mb(flat.band90!)} / ${mb(flat.band10!)} = ${fixed(flat.bandRatio, 3)}`,
          `<= ${RSS_FLAT_RATIO}`,
          verdict(flat.bandRatio <= RSS_FLAT_RATIO),
        ]);
      rows.push([
        '  RSS at 90% / RSS at 10% of the backfill (single samples)',
        `${mb(flat.at90)} / ${mb(flat.at10)} = ${fixed(flat.ratio, 3)}`,
        flat.bandRatio === null ? `<= ${RSS_FLAT_RATIO}` : '-',
        flat.bandRatio === null ? verdict(flat.ratio <= RSS_FLAT_RATIO) : '-',
      ]);
    }
    if (rss.length > 1) rows.push(['  RSS at 10% -> 100% of the backfill', `${mb(rss[0]!)} -> ${mb(rss[rss.length - 1]!)}`, '-', '-']);
  }
  if (instances) {
    const one = instances.runs[0]!.perSecond;
    for (const run of instances.runs)
      rows.push([
        `collection, ${run.instances} instance(s), 30 sources (PostgreSQL)`,
        rate(run.perSecond),
        run.instances === 1 ? '-' : `> 1x of 1 instance`,
        run.instances === 1 ? '-' : `${fixed(run.perSecond / one, 2)}x`,
      ]);
  }
  if (search) rows.push(...searchSummaryRows(search));
  if (startup) {
    for (const command of startup.commands)
      rows.push([`${command.label}: start to exit, median wall`, `${int(command.medianMs)} ms`, `<= ${STARTUP_TARGET_MS} ms`, verdict(command.medianMs <= STARTUP_TARGET_MS)]);
    rows.push(['  baseline: node -e 0, median wall', `${int(startup.baseline.medianMs)} ms`, '-', '-']);
  }
  print(table('summary', ['figure', 'measured', 'target', 'verdict'], rows));
  print(`\ntotal ${seconds(performance.now() - started)}; load average at the end ${load()}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
