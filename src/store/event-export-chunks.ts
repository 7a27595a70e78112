import { csvCell, eventCsvColumns, eventCsvLine } from '../normalize/event-csv.js';
import { toStoredEvent, type EventRow } from './event-reader.js';
import { eventNdjsonLine } from './event-ndjson-line.js';
import type { ExportFormat, ExportQuery } from './store.js';

/** Characters of an export gathered into one chunk (lines are never split): one write, or one message from a read worker, per chunk. */
export const EXPORT_CHUNK_CHARS = 64 * 1024;

/**
 * Store.exportEvents' text, made from the rows of the export's events (oldest
 * first, a batch at a time): NDJSON lines (eventNdjsonLine), or CSV (the
 * header, then one line per event over the columns of `query.logType`), as
 * UTF-8 chunks of whole lines of at least EXPORT_CHUNK_CHARS characters (the
 * last one may be shorter).
 */
export async function* eventExportChunks(batches: AsyncIterable<EventRow[]>, query: ExportQuery, format: ExportFormat): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const columns = format === 'csv' ? eventCsvColumns(query.logType) : [];
  const line = format === 'csv' ? (row: EventRow) => eventCsvLine(columns, toStoredEvent(row).event) : eventNdjsonLine;
  let chunk = format === 'csv' ? `${columns.map(csvCell).join(',')}\r\n` : '';
  for await (const rows of batches) {
    for (const row of rows) {
      chunk += line(row);
      if (chunk.length >= EXPORT_CHUNK_CHARS) {
        yield encoder.encode(chunk);
        chunk = '';
      }
    }
  }
  if (chunk !== '') yield encoder.encode(chunk);
}
