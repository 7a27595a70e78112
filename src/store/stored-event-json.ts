import { compactEvent, expandStoredEvent } from '../normalize/stored-event.js';
import type { LogType } from '../zoom/report-records.js';
import type { PageCommit } from './store.js';

/** The `event_json` the page writers store for a page's event: its compact form (normalize/stored-event.ts), read back whole by `toStoredEvent`. */
export function storedEventJson(row: PageCommit['events'][number], sourceId: string, logType: LogType, storedAt: number): string {
  return JSON.stringify(compactEvent(row.event, { logType, rowId: row.rowId, sourceId, storedAt }));
}

/** The `p_any_emails` and `p_any_ip_addresses` of a stored event (what its `event_indicators` keys were written from). */
export function storedIndicatorLists(row: { row_id: string; source_id: string; log_type: string; stored_at: number | string | bigint; event_json: string }): {
  emails: unknown;
  ips: unknown;
} {
  let stored: unknown;
  try {
    stored = JSON.parse(row.event_json);
  } catch {
    return { emails: [], ips: [] };
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return { emails: [], ips: [] };
  const event = expandStoredEvent(stored as Record<string, unknown>, {
    logType: row.log_type as LogType,
    rowId: row.row_id,
    sourceId: row.source_id,
    storedAt: Number(row.stored_at),
  });
  return { emails: event.p_any_emails, ips: event.p_any_ip_addresses };
}
