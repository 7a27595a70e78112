import { csvCell, eventCsvColumns, eventCsvLine } from '../normalize/event-csv.js';
import { toStoredEvent, type EventRow } from './event-reader.js';
import { eventNdjsonLine } from './event-ndjson-line.js';
import type { ExportChunkBuffers } from './export-chunk-buffers.js';
import type { ExportFormat, ExportQuery } from './store.js';

/** Characters of an export gathered into one chunk (lines are never split): one write, or one message from a read worker, per chunk. */
export const EXPORT_CHUNK_CHARS = 64 * 1024;

const encoder = new TextEncoder();

/**
 * Store.exportEvents' text, made from the rows of the export's events (oldest
 * first, a batch at a time): NDJSON lines (eventNdjsonLine), or CSV (the
 * header, then one line per event over the columns of `query.logType`), as
 * UTF-8 chunks of whole lines of at least EXPORT_CHUNK_CHARS characters (the
 * last one may be shorter). With `buffers`, each chunk is encoded into their
 * buffers instead of a new one (a chunk longer than one buffer takes several,
 * split between characters, not lines): each yielded array is a view over
 * the start of a buffer of `buffers`.
 */
export async function* eventExportChunks(batches: AsyncIterable<EventRow[]>, query: ExportQuery, format: ExportFormat, buffers?: ExportChunkBuffers): AsyncGenerator<Uint8Array> {
  const encode = buffers ? (text: string) => encodeInto(text, buffers) : (text: string) => [encoder.encode(text)];
  const columns = format === 'csv' ? eventCsvColumns(query.logType) : [];
  const line = format === 'csv' ? (row: EventRow) => eventCsvLine(columns, toStoredEvent(row).event) : eventNdjsonLine;
  let chunk = format === 'csv' ? `${columns.map(csvCell).join(',')}\r\n` : '';
  for await (const rows of batches) {
    for (const row of rows) {
      chunk += line(row);
      if (chunk.length >= EXPORT_CHUNK_CHARS) {
        yield* encode(chunk);
        chunk = '';
      }
    }
  }
  if (chunk !== '') yield* encode(chunk);
}

/** `text` as UTF-8 in buffers of `buffers`, one view over each buffer's start. */
function encodeInto(text: string, buffers: ExportChunkBuffers): Uint8Array[] {
  const views: Uint8Array[] = [];
  let rest = text;
  while (rest !== '') {
    const buffer = buffers.take();
    const { read, written } = encoder.encodeInto(rest, buffer);
    views.push(buffer.subarray(0, written));
    rest = rest.slice(read);
  }
  return views;
}
