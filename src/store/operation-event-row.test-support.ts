import type { EventRow } from './event-reader.js';

/** A stored Zoom.Operation row `r<i>` (event time `i` ms) whose record holds `detail`: export tests' rows. */
export function operationEventRow(i: number, detail: string): EventRow {
  return {
    row_id: `r${i}`,
    source_id: 's1',
    log_type: 'Zoom.Operation',
    day: '2026-01-01',
    event_time_ms: i,
    stored_at: 1000,
    event_json: JSON.stringify({ action: 'Update', operation_detail: detail }),
  };
}
