import { expandStoredEvent } from '../../normalize/stored-event.js';
import type { LogType } from '../../zoom/report-records.js';
import { searchedChangeNames } from '../event-change-names.js';

/** A stored events row, as the change-name migrations (024, 034) read it. */
export interface StoredEventRow {
  row_id: string;
  source_id: string;
  log_type: string;
  stored_at: number | string;
  event_json: string;
}

/** The stored event's change names as the page writers compute them (from the event as read back), or null. */
export function changeNamesOfStored(row: StoredEventRow): string | null {
  let stored: unknown;
  try {
    stored = JSON.parse(row.event_json);
  } catch {
    return null;
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return null;
  const event = expandStoredEvent(stored as Record<string, unknown>, {
    logType: row.log_type as LogType,
    rowId: row.row_id,
    sourceId: row.source_id,
    storedAt: Number(row.stored_at),
  });
  return searchedChangeNames(event);
}
