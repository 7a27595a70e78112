import { createHash } from 'node:crypto';

/** The log type of the coverage records sent to sinks (issue 18 part 4). */
export const COVERAGE_LOG_TYPE = 'Zoomtrail.Coverage';

/** Names the digest's definition (docs/coverage-digest.md); a future change gets a new name. */
export const COVERAGE_DIGEST_ALGORITHM = 'sha256-sorted-row-ids-v1';

/**
 * The digest of a day's events: their `p_row_id`s sorted in ascending
 * code-unit order (row ids are ASCII, so this is byte order), joined by one
 * `\n` (none after the last), UTF-8, SHA-256, lower-case hex. An empty day is
 * the SHA-256 of the empty string.
 */
export function coverageDigest(rowIds: Iterable<string>): string {
  const sorted = [...rowIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(sorted.join('\n'), 'utf8').digest('hex');
}

/** A day's coverage as sinks receive it. */
export interface CoverageRecord {
  id: string;
  sourceId: string;
  /** The stream: Zoom.Activity or Zoom.Operation. */
  logType: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** 1 when the day first became complete; +1 for each later change (late records, complete again). */
  version: number;
  state: string;
  /** Events stored for the day (what the digest covers). */
  eventCount: number;
  /** Zoom records stored for the day: events plus records that failed classification. */
  records: number;
  /** Records stored after the day was complete, summed. */
  lateRecords: number;
  digest: string;
  createdAt: number;
}

/** The row id of a coverage record: deterministic, so a re-sent record deduplicates like an event. */
export function coverageRecordId(sourceId: string, logType: string, day: string, version: number): string {
  return `cov${createHash('sha256').update(`${sourceId}\n${logType}\n${day}\n${version}`).digest('hex').slice(0, 29)}`;
}

/** The record a sink receives (the same in every format; docs/coverage-digest.md). */
export function coverageRecordFields(record: CoverageRecord): Record<string, unknown> {
  const dayStart = `${record.day}T00:00:00.000Z`;
  return {
    p_log_type: COVERAGE_LOG_TYPE,
    p_row_id: record.id,
    p_event_time: dayStart,
    '@timestamp': dayStart,
    p_source_id: record.sourceId,
    source_id: record.sourceId,
    stream: record.logType,
    day: record.day,
    state: record.state,
    version: record.version,
    record_count: record.eventCount,
    records_read: record.records,
    late_records: record.lateRecords,
    digest_algorithm: COVERAGE_DIGEST_ALGORITHM,
    digest: record.digest,
    emitted_at: new Date(record.createdAt).toISOString(),
  };
}
