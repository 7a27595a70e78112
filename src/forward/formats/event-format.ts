import type { CoverageRecord } from '../../domain/coverage-digest.js';
import type { StoredEvent } from '../../store/store.js';

/** One event as a sink sends it: its row id (for deduplication and dead letters), log type, time, and the record in the sink's format. */
export interface FormattedEvent {
  rowId: string;
  logType: string;
  eventTimeMs: number;
  record: Record<string, unknown>;
}

/** One output format: maps a stored event, and a day's coverage record, to the record sent. Pure and synchronous. */
export interface EventFormat {
  readonly name: FormatName;
  readonly description: string;
  format(event: StoredEvent): Record<string, unknown>;
  /** A `Zoomtrail.Coverage` record (docs/coverage-digest.md) in this format: source, stream, day, count and digest always kept. */
  formatCoverage(record: CoverageRecord): Record<string, unknown>;
}

export const FORMAT_NAMES = ['panther', 'ocsf', 'ecs'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export function isFormatName(value: string): value is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(value);
}

/** The record of `event` in `format`, with the row id and time every sink needs. */
export function formatEvent(format: EventFormat, event: StoredEvent): FormattedEvent {
  return { rowId: event.rowId, logType: event.logType, eventTimeMs: event.eventTimeMs, record: format.format(event) };
}
