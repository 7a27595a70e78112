import { LOG_TYPES, type LogType } from '../zoom/report-records.js';
import { schemaFieldNames } from './log-type-registry.js';

const LEADING_P_FIELDS = ['p_row_id', 'p_event_time', 'p_log_type', 'p_source_id', 'p_source_label'];
const TRAILING_P_FIELDS = ['p_any_emails', 'p_any_ip_addresses', 'p_parse_time'];

/**
 * CSV columns for exported events (`zoomtrail events export`, GET /api/events/export):
 * the identifying p_ fields, the log type's schema fields, then the indicator
 * p_ fields. Without a log type: every log type's schema fields, each once.
 */
export function eventCsvColumns(logType?: LogType): string[] {
  const fields = logType ? schemaFieldNames(logType) : LOG_TYPES.flatMap((t) => schemaFieldNames(t));
  return [...new Set([...LEADING_P_FIELDS, ...fields, ...TRAILING_P_FIELDS])];
}

/** One CSV line (CRLF-terminated) of `columns` taken from `event`. */
export function eventCsvLine(columns: readonly string[], event: Record<string, unknown>): string {
  return `${columns.map((c) => csvCell(event[c])).join(',')}\r\n`;
}

/** What a spreadsheet may run as a formula when a cell starts with it (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180: quote cells holding a comma, quote or line break; arrays joined with `;`, objects as JSON.
 * Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
 * return) is neutralised as OWASP recommends: prefixed with `'` and quoted. Numbers stay numbers.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return csvText(String(value));
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(';') : (JSON.stringify(value) ?? '');
  return FORMULA_START.test(text) ? `"'${text.replace(/"/g, '""')}"` : csvText(text);
}

function csvText(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
