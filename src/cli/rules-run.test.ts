import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { findRule } from '../rules/rule-registry.js';
import { defineRule } from '../detect/rule.js';
import { parseRunLine, readRunInput, rulesForLogType, runRulesOnEvent, type RunInput } from './rules-run.js';

async function read(text: string): Promise<RunInput[]> {
  const out: RunInput[] = [];
  for await (const item of readRunInput(Readable.from([text]))) out.push(item);
  return out;
}

describe('readRunInput', () => {
  it('reads NDJSON, skipping blank lines, indexing non-blank lines from 0', async () => {
    expect(await read('{"a":1}\n\n   \n{"b":2}\r\n{"c":3}')).toEqual([
      { index: 0, event: { a: 1 } },
      { index: 1, event: { b: 2 } },
      { index: 2, event: { c: 3 } },
    ]);
  });

  it('reports bad lines (not JSON, not an object) with their index and goes on', async () => {
    const items = await read('{"a":1}\nnot json\n42\nnull\n"text"\n{"b":2}\n');
    expect(items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(items[1]).toMatchObject({ index: 1, error: expect.stringMatching(/^not valid JSON/) });
    expect(items[2]).toEqual({ index: 2, error: 'not a JSON object' });
    expect(items[3]).toEqual({ index: 3, error: 'not a JSON object' });
    expect(items[4]).toEqual({ index: 4, error: 'not a JSON object' });
    expect(items[5]).toEqual({ index: 5, event: { b: 2 } });
  });

  it('reads one JSON array (even over several lines) as its elements', async () => {
    expect(await read('\n  [\n {"a":1},\n\n {"b":2}, 7\n]\n')).toEqual([
      { index: 0, event: { a: 1 } },
      { index: 1, event: { b: 2 } },
      { index: 2, error: 'not a JSON object' },
    ]);
  });

  it('falls back to NDJSON when input starting with [ is not one array', async () => {
    const items = await read('[1]\n{"a":1}\n');
    expect(items).toEqual([
      { index: 0, error: 'not a JSON object' },
      { index: 1, event: { a: 1 } },
    ]);
  });

  it('empty input yields nothing', async () => {
    expect(await read('')).toEqual([]);
    expect(await read('\n\n')).toEqual([]);
  });
});

describe('parseRunLine', () => {
  it('parses an object line', () => {
    expect(parseRunLine(' {"x":true} ', 3)).toEqual({ index: 3, event: { x: true } });
  });
});

describe('rulesForLogType / runRulesOnEvent', () => {
  it('picks the log type, enabled ones unless all', () => {
    const on = defineRule({
      meta: { id: 'Zoom.On', displayName: 'On', logTypes: ['Zoom.Operation'], severity: 'LOW', description: '', runbook: '', reference: '' },
      rule: () => true,
      tests: [],
    });
    const off = defineRule({
      meta: { id: 'Zoom.Off', displayName: 'Off', logTypes: ['Zoom.Operation'], severity: 'LOW', description: '', runbook: '', reference: '', enabled: false },
      rule: () => true,
      tests: [],
    });
    const other = defineRule({
      meta: { id: 'Zoom.Act', displayName: 'Act', logTypes: ['Zoom.Activity'], severity: 'LOW', description: '', runbook: '', reference: '' },
      rule: () => true,
      tests: [],
    });
    expect(rulesForLogType('Zoom.Operation', false, [on, off, other])).toEqual([on]);
    expect(rulesForLogType('Zoom.Operation', true, [on, off, other])).toEqual([on, off]);
  });

  it('prints a match with its fields in order, and errors as function: message', () => {
    const rule = findRule('Zoom.Two.Factor.Authentication.Disabled')!;
    const event = { operator: 'a@b.c', category_type: 'Account', action: 'Update', operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off' };
    const [line] = runRulesOnEvent([rule], 4, event);
    expect(Object.keys(line!)).toEqual(['index', 'rule_id', 'title', 'severity', 'dedup']);
    expect(line).toMatchObject({ index: 4, rule_id: rule.meta.id, severity: 'MEDIUM' });

    const throwing = defineRule({
      meta: { id: 'Zoom.Throws', displayName: 'Throws', logTypes: ['Zoom.Operation'], severity: 'LOW', description: '', runbook: '', reference: '' },
      rule: () => true,
      title: () => {
        throw new TypeError('boom');
      },
      tests: [],
    });
    expect(runRulesOnEvent([throwing], 0, {})).toEqual([
      { index: 0, rule_id: 'Zoom.Throws', title: 'Throws', severity: 'LOW', dedup: 'Zoom.Throws' },
      { index: 0, rule_id: 'Zoom.Throws', error: 'title: TypeError: boom' },
    ]);
  });
});
