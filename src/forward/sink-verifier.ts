import type { Logger } from 'pino';
import { coverageDigest } from '../domain/coverage-digest.js';
import type { Clock } from '../shared/clock.js';
import type { SinkCoverageStore } from '../store/sink-coverage-store.js';
import type { SinkRecord, SinkStore } from '../store/sink-store.js';
import { LOG_TYPES } from '../zoom/report-records.js';
import type { SinkContext } from './sink.js';
import { sinkFor } from './sink-registry.js';

const DAY_MS = 86_400_000;
/** Ids listed per day and direction in a report. */
const SAMPLE_IDS = 5;

export interface VerifyOptions {
  store: SinkStore & SinkCoverageStore;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  sink: SinkRecord;
  fromDay: string;
  toDay: string;
}

/** One stream's day: the store's digest, and when the sink was read back, what it holds. */
export interface VerifiedDay {
  logType: string;
  day: string;
  storeCount: number;
  storeDigest: string;
  /** Null when the sink cannot be read back. */
  sinkCount: number | null;
  sinkDigest: string | null;
  /** In the store, not at the sink (a few of them, and how many). */
  missing: { count: number; sample: string[] };
  /** At the sink, not in the store (deleted by retention, or not from here). */
  unexpected: { count: number; sample: string[] };
  /** The newest coverage record sent for the day (every source), or null. */
  coverageVersion: number | null;
  differs: boolean;
}

export interface VerifyReport {
  sink: SinkRecord;
  readBack: boolean;
  days: VerifiedDay[];
  /** Days that differ (empty when the sink cannot be read back). */
  differing: VerifiedDay[];
}

/** UTC days from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * `zoomtrail sink verify`: for each stream the sink receives and each UTC day,
 * the digest over the row ids stored (docs/coverage-digest.md); for a sink
 * that can be read back, the row ids it holds for that stream and day,
 * compared with the store's (a day differs when any id is missing or
 * unexpected). Days with nothing on either side are left out.
 */
export async function verifySink(options: VerifyOptions): Promise<VerifyReport> {
  const { store, sink } = options;
  const module = sinkFor(sink.kind);
  const context: SinkContext = {
    url: sink.url,
    settings: sink.settings,
    secret: sink.hasSecret ? await store.getSinkSecret(sink.id) : null,
    fetch: options.fetch,
    clock: options.clock,
    logger: options.logger,
    resources: new Map(),
    format: sink.format,
  };
  const readBack = module.readBackRowIds?.bind(module);
  const logTypes = sink.logTypes ?? [...LOG_TYPES];
  const coverage = await store.listCoverageRecords({ fromDay: options.fromDay, toDay: options.toDay });
  const days: VerifiedDay[] = [];
  try {
    for (const day of daysBetween(options.fromDay, options.toDay)) {
      for (const logType of logTypes) {
        const stored = await store.dayEventRowIds(logType, day);
        const held = readBack ? await readBack(logType, day, context) : null;
        const versions = coverage.filter((c) => c.day === day && c.logType === logType).map((c) => c.version);
        if (stored.length === 0 && (held === null || held.length === 0) && versions.length === 0) continue;
        const storedSet = new Set(stored);
        const heldSet = held === null ? null : new Set(held);
        const missing = heldSet === null ? [] : stored.filter((id) => !heldSet.has(id));
        const unexpected = heldSet === null ? [] : [...heldSet].filter((id) => !storedSet.has(id)).sort();
        days.push({
          logType,
          day,
          storeCount: stored.length,
          storeDigest: coverageDigest(stored),
          sinkCount: heldSet === null ? null : heldSet.size,
          sinkDigest: heldSet === null ? null : coverageDigest(heldSet),
          missing: { count: missing.length, sample: missing.slice(0, SAMPLE_IDS) },
          unexpected: { count: unexpected.length, sample: unexpected.slice(0, SAMPLE_IDS) },
          coverageVersion: versions.length > 0 ? Math.max(...versions) : null,
          differs: missing.length > 0 || unexpected.length > 0,
        });
      }
    }
  } finally {
    await module.close?.(context).catch(() => undefined);
  }
  return { sink, readBack: readBack !== undefined, days, differing: days.filter((d) => d.differs) };
}
