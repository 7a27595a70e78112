import { describe, expect, it } from 'vitest';
import { normalizerFor } from '../normalize/log-type-registry.js';
import type { LogType } from '../zoom/report-records.js';
import { generateDay } from '../zoom-sim/record-generator.js';
import { toStoredEvent, type EventRow } from './event-reader.js';
import { eventNdjsonLine } from './event-ndjson-line.js';
import { storedEventJson } from './stored-event-json.js';

const SOURCE = 'src-1';
const STORED_AT = 1_767_225_600_130;

/** A row as the page writers store `event` (its compact JSON). */
function storedRow(logType: LogType, rowId: string, event: Record<string, unknown>): EventRow {
  const eventJson = storedEventJson({ rowId, day: '2026-01-05', eventTimeMs: 0, emails: [], ipAddresses: [], event }, SOURCE, logType, STORED_AT);
  return rawRow(logType, rowId, eventJson);
}

function rawRow(logType: LogType, rowId: string, eventJson: string): EventRow {
  return { row_id: rowId, source_id: SOURCE, log_type: logType, day: '2026-01-05', event_time_ms: 0, stored_at: STORED_AT, event_json: eventJson };
}

/** The line as the export wrote it before: the event read back, serialized whole. */
const wholeLine = (row: EventRow) => `${JSON.stringify(toStoredEvent(row).event)}\n`;

describe('eventNdjsonLine', () => {
  const day = generateDay({ seed: 11, day: '2026-01-05', volume: { activities: 300, operations: 300 } });

  it.each([
    ['Zoom.Activity', day.activities],
    ['Zoom.Operation', day.operations],
  ] as const)('is exactly the whole event serialized, for every normalized event (%s)', (logType, records) => {
    const normalizer = normalizerFor(logType);
    records.forEach((raw, i) => {
      const rowId = `row-${i}`;
      const result = normalizer.normalize(raw, { sourceId: SOURCE, sourceLabel: 'Acme Zoom', rowId, parseTimeMs: STORED_AT - 7 });
      if (!result.ok) throw new Error(result.problem.reason);
      const row = storedRow(logType, rowId, result.value.event);
      expect(eventNdjsonLine(row)).toBe(wholeLine(row));
      expect(eventNdjsonLine(row)).toBe(`${JSON.stringify(result.value.event)}\n`);
    });
  });

  it('is the whole event serialized for rows in any other layout; the same JSON value for text JSON.stringify would write otherwise', () => {
    const rows = [
      // Stored whole (p_ fields out of normalize's order), and an event holding the marker itself.
      storedRow('Zoom.Activity', 'w1', { email: 'a@example.com', p_source_id: SOURCE, p_log_type: 'Zoom.Activity' }),
      storedRow('Zoom.Activity', 'w2', { email: 'a@example.com', p_stored_whole: 1 }),
      // Not the text JSON.stringify writes: spaces, a number written otherwise, a p_ field first.
      rawRow('Zoom.Activity', 'x1', '{"email": "a@example.com", "p_parse_time": 7}'),
      rawRow('Zoom.Activity', 'x2', '{"email":"a@example.com","p_parse_time":7.0}'),
      rawRow('Zoom.Activity', 'x3', '{"p_parse_time":7,"email":"a@example.com"}'),
      // No p_ field stored; no record field; integer-like keys (first in any object); a __proto__ key.
      rawRow('Zoom.Activity', 'x4', '{"email":"a@example.com","type":"Sign in"}'),
      rawRow('Zoom.Activity', 'x5', '{"p_parse_time":7}'),
      rawRow('Zoom.Activity', 'x6', '{"2":"b","1":"a","email":"a@example.com","p_parse_time":7}'),
      rawRow('Zoom.Activity', 'x7', '{"__proto__":{"x":1},"email":"a@example.com","p_parse_time":7}'),
      // Text holding what a suffix looks like inside a value.
      rawRow('Zoom.Activity', 'x8', '{"email":"a@example.com","note":",\\"p_parse_time\\":7}","p_parse_time":7}'),
    ];
    let exact = 0;
    for (const row of rows) {
      const line = eventNdjsonLine(row);
      expect(line.endsWith('}\n') && !line.slice(0, -1).includes('\n'), row.event_json).toBe(true);
      const value = JSON.parse(line) as Record<string, unknown>;
      expect(value, row.event_json).toEqual(toStoredEvent(row).event);
      expect(Object.keys(value), row.event_json).toEqual(Object.keys(toStoredEvent(row).event));
      if (JSON.stringify(JSON.parse(row.event_json)) === row.event_json) {
        expect(line, row.event_json).toBe(wholeLine(row));
        exact++;
      }
    }
    expect(exact).toBe(7);
  });
});
