/** Where a formatted record keeps its time, log type and row id, per format (for reading a sink back). */
export interface RecordFields {
  time: string;
  logType: string;
  rowId: string;
}

export function recordFieldsOf(format: string | undefined): RecordFields {
  if (format === 'ecs') return { time: '@timestamp', logType: 'event.dataset', rowId: 'event.id' };
  if (format === 'ocsf') return { time: 'time', logType: 'metadata.log_name', rowId: 'metadata.uid' };
  return { time: 'p_event_time', logType: 'p_log_type', rowId: 'p_row_id' };
}

/** The value in `record` at a dotted path (`event.dataset`), or undefined. */
export function valueAt(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The UTC day of a record's time (ISO string or epoch ms) in `format` (events and coverage records alike), or undefined. */
export function recordDay(record: unknown, format: string | undefined): string | undefined {
  const raw = valueAt(record, recordFieldsOf(format).time);
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
}

/** The value an ES query matches for `logType` in `format` (ecs: event.dataset `zoom.activity`, `zoomtrail.coverage`). */
export function logTypeValue(logType: string, format: string | undefined): string {
  return format === 'ecs' ? logType.toLowerCase() : logType;
}
