import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverageDigest, coverageRecordId, type CoverageRecord } from '../../domain/coverage-digest.js';
import type { StoredEvent } from '../../store/store.js';
import { formatFor } from './format-registry.js';

const DOC = readFileSync(new URL('../../../docs/forwarding-formats.md', import.meta.url), 'utf8');

/** The rows of the first table after `heading` in the doc, as cells. */
function tableAfter(heading: string): string[][] {
  const start = DOC.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/forwarding-formats.md has no "${heading}"`);
  const lines = DOC.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const COVERAGE: CoverageRecord = {
  id: coverageRecordId('src-1', 'Zoom.Activity', '2026-03-09', 1),
  sourceId: 'src-1',
  logType: 'Zoom.Activity',
  day: '2026-03-09',
  version: 1,
  state: 'complete',
  eventCount: 2,
  records: 2,
  lateRecords: 0,
  digest: coverageDigest(['a', 'b']),
  createdAt: Date.parse('2026-03-10T01:00:00Z'),
};

/** The record a row's example gives: its `key=value` fields as the stored event, or the coverage record. */
function formatted(format: string, logTypeCell: string, example: string): Record<string, unknown> {
  const logType = logTypeCell.replace(/`/g, '');
  if (logType === 'Zoomtrail.Coverage') return formatFor(format).formatCoverage(COVERAGE);
  const fields = Object.fromEntries([...example.matchAll(/`([a-z_]+)=([^`]*)`/g)].map((m) => [m[1], m[2]]));
  if (Object.keys(fields).length === 0) throw new Error(`no example fields in "${example}"`);
  const event: StoredEvent = {
    rowId: 'row-1',
    sourceId: 'src-1',
    logType: logType as StoredEvent['logType'],
    day: '2026-03-09',
    eventTimeMs: Date.parse('2026-03-09T08:00:00Z'),
    storedAt: Date.parse('2026-03-09T08:05:00Z'),
    emails: [],
    ipAddresses: [],
    event: { actor: 'alice', operator: 'admin@example.com', email: 'bob@example.com', ...fields },
  };
  return formatFor(format).format(event);
}

describe('docs/forwarding-formats.md says what the code does', () => {
  const ocsfRows = tableAfter('### Classes and activities (checked)');
  it('has the OCSF class table', () => expect(ocsfRows.length).toBeGreaterThan(10));
  it.each(ocsfRows)('OCSF: %s %s → class %s %s, activity %s %s', (logType, example, classUid, className, activityId, activityName) => {
    const record = formatted('ocsf', logType, example);
    expect([record.class_uid, record.class_name, record.activity_id, record.activity_name]).toEqual([Number(classUid), className, Number(activityId), activityName]);
  });

  const ecsRows = tableAfter('### Events (checked)');
  it('has the ECS event table', () => expect(ecsRows.length).toBeGreaterThan(10));
  it.each(ecsRows)('ECS: %s %s → kind %s, category %s, type %s, action %s, outcome %s, dataset %s', (logType, example, kind, category, type, action, outcome, dataset) => {
    const event = formatted('ecs', logType, example).event as Record<string, unknown>;
    const list = (cell: string) => (cell === '' ? undefined : cell.split(', '));
    const cell = (value: string) => (value === '' ? undefined : value);
    expect({ kind: event.kind, category: event.category, type: event.type, action: event.action, outcome: event.outcome, dataset: event.dataset }).toEqual({
      kind,
      category: list(category),
      type: list(type),
      action: cell(action),
      outcome: cell(outcome),
      dataset,
    });
  });
});
