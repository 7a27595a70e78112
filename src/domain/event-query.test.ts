import { describe, expect, it } from 'vitest';
import { formatEventQuery, parseEventQuery, queryRestricts, type QueryNode } from './event-query.js';

const DAY = 86_400_000;
const NOV1 = Date.UTC(2026, 10, 1);

function ast(text: string): QueryNode | undefined {
  const parsed = parseEventQuery(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
  return parsed.query;
}

/** The AST without term positions (compared in the table). */
function shape(node: QueryNode | undefined): unknown {
  if (!node) return undefined;
  if (node.kind === 'term') {
    const { position: _position, ...rest } = node;
    return rest;
  }
  if (node.kind === 'not') return { not: shape(node.item) };
  return { [node.kind]: node.items.map(shape) };
}

const t = (field: string, value: string) => ({ kind: 'term', field, match: 'equals', value });
const text = (field: string, ...pieces: string[]) => ({ kind: 'term', field, match: 'text', pieces });
const range = (field: string, min?: number, max?: number) => ({
  kind: 'term',
  field,
  match: 'range',
  ...(min === undefined ? {} : { min }),
  ...(max === undefined ? {} : { max }),
});

describe('parseEventQuery: valid queries', () => {
  const table: [string, unknown][] = [
    ['', undefined],
    ['   ', undefined],
    ['action:Update', t('action', 'Update')],
    ['ACTION:Update', t('action', 'Update')],
    ['email:alice@example.com', t('email', 'alice@example.com')],
    ['p_any_emails:alice@example.com', t('email', 'alice@example.com')],
    ['ip:10.0.0.1', t('ip', '10.0.0.1')],
    ['ip:"2001:db8::1"', t('ip', '2001:db8::1')],
    ['ip:2001:db8::1', t('ip', '2001:db8::1')],
    ['country:us', t('country', 'us')],
    ['asn:15169', t('asn', '15169')],
    ['logType:Zoom.Operation', t('logType', 'Zoom.Operation')],
    ['source:src_1', t('source', 'src_1')],
    ['category:"User Management"', t('category', 'User Management')],
    ['text:meeting', text('text', 'meeting')],
    ['meeting', text('text', 'meeting')],
    ['"two words"', text('text', 'two words')],
    ['change:password', text('change', 'password')],
    ['p_udm.changes.name:"Two-Factor*"', text('change', 'Two-Factor', '')],
    ['text:*pass*word*', text('text', '', 'pass', 'word', '')],
    ['text:"a \\* star"', text('text', 'a * star')],
    ['text:"say \\"hi\\""', text('text', 'say "hi"')],
    ['a b', { and: [text('text', 'a'), text('text', 'b')] }],
    ['a AND b', { and: [text('text', 'a'), text('text', 'b')] }],
    ['a OR b', { or: [text('text', 'a'), text('text', 'b')] }],
    ['a or b', { and: [text('text', 'a'), text('text', 'or'), text('text', 'b')] }],
    ['a OR b c', { or: [text('text', 'a'), { and: [text('text', 'b'), text('text', 'c')] }] }],
    ['(a OR b) c', { and: [{ or: [text('text', 'a'), text('text', 'b')] }, text('text', 'c')] }],
    ['NOT a', { not: text('text', 'a') }],
    ['NOT NOT a', { not: { not: text('text', 'a') } }],
    ['a NOT (b OR c)', { and: [text('text', 'a'), { not: { or: [text('text', 'b'), text('text', 'c')] } }] }],
    ['a AND (b AND c)', { and: [text('text', 'a'), text('text', 'b'), text('text', 'c')] }],
    ['((action:x))', t('action', 'x')],
    ['p_event_time>=2026-11-01', range('p_event_time', NOV1)],
    ['time>2026-11-01', range('p_event_time', NOV1 + DAY)],
    ['p_event_time<2026-11-01', range('p_event_time', undefined, NOV1 - 1)],
    ['p_event_time<=2026-11-01', range('p_event_time', undefined, NOV1 + DAY - 1)],
    ['p_event_time:2026-11-01', range('p_event_time', NOV1, NOV1 + DAY - 1)],
    ['p_event_time>2026-11-01T10:00:00Z', range('p_event_time', NOV1 + 10 * 3_600_000 + 1)],
    ['p_event_time>=2026-11-01T10:00:00+02:00', range('p_event_time', NOV1 + 8 * 3_600_000)],
    ['p_event_time:[2026-11-01 TO 2026-11-02]', range('p_event_time', NOV1, NOV1 + 2 * DAY - 1)],
    ['p_event_time:[2026-11-01 TO *]', range('p_event_time', NOV1)],
    ['p_event_time:[* TO 2026-11-01]', range('p_event_time', undefined, NOV1 + DAY - 1)],
    ['asn>=100', range('asn', 100)],
    ['asn<100', range('asn', undefined, 99)],
    ['asn:[100 TO 200]', range('asn', 100, 200)],
    ['action:x OR (text:y NOT email:a@b.c)', { or: [t('action', 'x'), { and: [text('text', 'y'), { not: t('email', 'a@b.c') }] }] }],
  ];
  it.each(table)('%s', (query, expected) => expect(shape(ast(query))).toEqual(expected));

  it('records where each term starts', () => {
    const node = ast('a  OR (action:x)');
    expect(node).toMatchObject({ kind: 'or', items: [{ position: 0 }, { position: 7 }] });
  });
});

describe('parseEventQuery: malformed queries are errors with a position and a fix', () => {
  const table: [string, number, RegExp][] = [
    ['(a OR b', 0, /'\(' at column 1 is never closed/],
    ['a (b', 2, /never closed/],
    ['a OR b)', 6, /'\)' at column 7 closes nothing/],
    [')', 0, /closes nothing/],
    ['()', 0, /Empty parentheses/],
    ['a OR', 2, /OR at column 3 has no condition after it/],
    ['a AND', 2, /AND at column 3 has no condition after it/],
    ['NOT', 0, /NOT at column 1 has no condition after it/],
    ['OR a', 0, /OR at column 1 has no condition before it/],
    ['a AND OR b', 2, /AND at column 3 has no condition after it/],
    ['(a OR) b', 3, /OR at column 4 has no condition after it/],
    ['action>5', 6, /'action' cannot be compared with '>' at column 7/],
    ['text<=abc', 4, /cannot be compared/],
    ['p_event_time>=yesterday', 14, /'yesterday' at column 15 is not a date or time/],
    ['p_event_time>=2026-02-30', 14, /not a date or time/],
    ['asn>abc', 4, /not a valid asn/],
    ['asn:99999999999', 4, /not a valid asn/],
    ['operator:alice', 0, /Unknown field 'operator' at column 1/],
    ['a user_name:x', 2, /Unknown field 'user_name' at column 3/],
    ['action:', 7, /Missing value after 'action:'/],
    ['action: x', 7, /Missing value/],
    ['action:Up*', 7, /Wildcards work only on text fields/],
    ['country:USA', 8, /not a country code/],
    ['text:"open', 5, /quote at column 6 is never closed/],
    ['"', 0, /never closed/],
    ['text:*', 0, /Nothing to search for/],
    ['""', 0, /Nothing to search for/],
    ['p_event_time:[2026-11-01 2026-11-02]', 25, /Expected TO/],
    ['p_event_time:[2026-11-01 TO 2026-11-02', 38, /never closed with '\]'/],
    ['p_event_time:[2026-11-02 TO 2026-11-01]', 13, /range at column 14 is empty/],
    ['action:[a TO b]', 7, /cannot take a range/],
    ['action=x', 6, /Unknown operator '='/],
    [']', 0, /Unexpected '\]'/],
    [`${'('.repeat(70)}a${')'.repeat(70)}`, 64, /nests deeper/],
  ];
  it.each(table)('%s', (query, position, message) => {
    const parsed = parseEventQuery(query);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.message).toMatch(message);
    expect(parsed.error.position).toBe(position);
    expect(parsed.error.fix.length).toBeGreaterThan(10);
  });
});

describe('formatEventQuery', () => {
  it.each([
    'action:Update',
    'a OR b',
    '(a OR b) c',
    'NOT (a OR b)',
    'p_udm.changes.name:"Two-Factor*"',
    'text:"a \\* star" category:"User Management"',
    'p_event_time:[2026-11-01 TO 2026-11-02] asn>=5 asn<=9',
    'ip:"2001:db8::1" email:a@b.c',
    'text:"say \\"hi\\""',
  ])('%s parses back to the same query', (query) => {
    const once = ast(query);
    expect(shape(ast(formatEventQuery(once)))).toEqual(shape(once));
  });
});

describe('queryRestricts', () => {
  it.each([
    ['action:x', true],
    ['NOT action:x', false],
    ['action:x NOT text:y', true],
    ['action:x OR NOT text:y', false],
    ['action:x OR text:y', true],
    ['asn>5', false],
    ['asn>5 p_event_time>=2026-11-01', true],
    ['asn:5', true],
  ])('%s: %s', (query, expected) => expect(queryRestricts(ast(query)!)).toBe(expected));
});
