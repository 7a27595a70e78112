import { COVERAGE_DIGEST_ALGORITHM, type CoverageRecord } from '../../domain/coverage-digest.js';
import type { IpLocation } from '../../domain/ip-location.js';

/** A string field of a normalized event, or undefined. */
export function text(event: Record<string, unknown>, key: string): string | undefined {
  const value = event[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The enrichment's location of `field` (`p_enrichment.ip_location.<field>`), when present. */
export function ipLocation(event: Record<string, unknown>, field: string): IpLocation | undefined {
  const enrichment = event.p_enrichment as { ip_location?: Record<string, IpLocation> } | undefined;
  return enrichment?.ip_location?.[field];
}

/** `event` without `keys` and without the p_ fields: what a mapped format keeps as unmapped. */
export function unmappedFields(event: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) if (!keys.includes(key) && !key.startsWith('p_')) out[key] = value;
  return out;
}

/** Drops undefined values (records are JSON). */
export function compact<T extends Record<string, unknown>>(record: T): T {
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return record;
}

const DAY_MS = 86_400_000;

/** The first and last millisecond of a coverage record's UTC day. */
export function coverageDayRange(record: CoverageRecord): { startMs: number; endMs: number } {
  const startMs = Date.parse(`${record.day}T00:00:00.000Z`);
  return { startMs, endMs: startMs + DAY_MS - 1 };
}

/** One line on a coverage record, for the formats' message field. */
export function coverageMessage(record: CoverageRecord): string {
  return `${record.logType} ${record.day} ${record.state} (version ${record.version}): ${record.eventCount} events, ${COVERAGE_DIGEST_ALGORITHM} ${record.digest}`;
}
