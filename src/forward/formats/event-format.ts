import type { StoredEvent } from '../../store/store.js';

/** One event as a sink sends it: its row id (for deduplication and dead letters), log type, time, and the record in the sink's format. */
export interface FormattedEvent {
  rowId: string;
  logType: string;
  eventTimeMs: number;
  record: Record<string, unknown>;
}

/** One output format: maps a stored event to the record sent. Pure and synchronous. */
export interface EventFormat {
  readonly name: FormatName;
  readonly description: string;
  format(event: StoredEvent): Record<string, unknown>;
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
