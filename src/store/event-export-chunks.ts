import { csvCell, eventCsvColumns, eventCsvLine } from '../normalize/event-csv.js';
import { chunkedText } from '../shared/chunked-text.js';
import { toStoredEvent, type EventRow } from './event-reader.js';
import { eventNdjsonLine } from './event-ndjson-line.js';
import type { ExportFormat, ExportQuery } from './store.js';

/** Characters of an export gathered into one chunk (lines are never split): one write, or one message from a read worker, per chunk. */
export const EXPORT_CHUNK_CHARS = 64 * 1024;

/**
 * Store.exportEvents' text, made from the rows of the export's events (oldest
 * first): NDJSON lines (eventNdjsonLine), or CSV (the header, then one line per
 * event over the columns of `query.logType`), as UTF-8 chunks of whole lines.
 */
export async function* eventExportChunks(rows: AsyncIterable<EventRow>, query: ExportQuery, format: ExportFormat): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const lines = format === 'csv' ? csvLines(rows, eventCsvColumns(query.logType)) : ndjsonLines(rows);
  for await (const chunk of chunkedText(lines, EXPORT_CHUNK_CHARS)) yield encoder.encode(chunk);
}

async function* ndjsonLines(rows: AsyncIterable<EventRow>): AsyncGenerator<string> {
  for await (const row of rows) yield eventNdjsonLine(row);
}

async function* csvLines(rows: AsyncIterable<EventRow>, columns: readonly string[]): AsyncGenerator<string> {
  yield `${columns.map(csvCell).join(',')}\r\n`;
  for await (const row of rows) yield eventCsvLine(columns, toStoredEvent(row).event);
}
