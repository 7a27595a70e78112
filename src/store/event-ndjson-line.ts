import { expandStoredEvent, isStandardKey, VERBATIM } from '../normalize/stored-event.js';
import type { LogType } from '../zoom/report-records.js';
import type { EventRow } from './event-reader.js';

type Json = Record<string, unknown>;

/**
 * The NDJSON line of a stored event: `JSON.stringify` of the event as
 * `toStoredEvent` reads it back (`expandStoredEvent`), then a line break. The
 * same text for every row Zoomtrail stores (text `JSON.stringify` wrote); for
 * text written otherwise (spaces, `\u` escapes), the same JSON value.
 *
 * The stored JSON (storedEventJson: `JSON.stringify` of the compact form) holds
 * the record's fields first, then the `p_` fields kept; the expanded event holds
 * the same record fields, with the same values and order, then its `p_` fields.
 * So the line is the stored text up to its `p_` fields, then the expanded
 * event's `p_` fields: only those are serialized again, not the record (most of
 * the bytes). The splice is used only where it provably gives that text: the
 * stored text ends with exactly the serialization of its own `p_` fields, and
 * no `p_` field comes before a record field; any other row (stored whole, or
 * in another layout) is serialized whole.
 */
export function eventNdjsonLine(row: EventRow): string {
  const text = row.event_json;
  const stored = JSON.parse(text) as Json;
  const event = expandStoredEvent(stored, { logType: row.log_type as LogType, rowId: row.row_id, sourceId: row.source_id, storedAt: Number(row.stored_at) });
  const prefix = recordText(text, stored);
  if (prefix === undefined) return `${JSON.stringify(event)}\n`;
  const tail = JSON.stringify(standardFields(event));
  return tail === '{}' ? `${prefix}}\n` : `${prefix},${tail.slice(1)}\n`;
}

/**
 * `text` (the JSON of `stored`) without its `p_` fields and closing brace, e.g.
 * `{"a":1` of `{"a":1,"p_parse_time":5}`; undefined when the stored text is not
 * in that layout (then it is not spliced), or holds no record field.
 */
function recordText(text: string, stored: Json): string | undefined {
  if (Object.hasOwn(stored, VERBATIM)) return undefined;
  const tail: Json = {};
  let records = 0;
  let standard = 0;
  for (const key in stored) {
    if (isStandardKey(key)) {
      tail[key] = stored[key];
      standard++;
    } else if (standard > 0) return undefined;
    else records++;
  }
  if (records === 0) return undefined;
  const suffix = standard === 0 ? '}' : `,${JSON.stringify(tail).slice(1)}`;
  if (!text.endsWith(suffix)) return undefined;
  return text.slice(0, text.length - suffix.length);
}

/** The `p_` fields of an expanded event, in its order. */
function standardFields(event: Json): Json {
  const out: Json = {};
  for (const key in event) if (isStandardKey(key)) out[key] = event[key];
  return out;
}
