import { queryField, QUERY_FIELDS, type QueryField, type QueryFieldName } from './event-query-fields.js';

/**
 * The event query language (docs/query-language.md): a small hand-written
 * recursive-descent parser from text to an AST. Errors are values with the
 * position (0-based character offset) and a fix.
 *
 *   query   := or?
 *   or      := and ("OR" and)*
 *   and     := unary (["AND"] unary)*          adjacent terms are ANDed
 *   unary   := "NOT" unary | primary
 *   primary := "(" or ")" | term
 *   term    := field (":" | ">" | ">=" | "<" | "<=") value | field ":" "[" value "TO" value "]" | value
 *   value   := word | "quoted \"text\""       `*` is a wildcard (`\*` a literal star)
 */

export type QueryNode = QueryAnd | QueryOr | QueryNot | QueryTerm;
export interface QueryAnd {
  kind: 'and';
  items: QueryNode[];
}
export interface QueryOr {
  kind: 'or';
  items: QueryNode[];
}
export interface QueryNot {
  kind: 'not';
  item: QueryNode;
}
interface TermBase {
  kind: 'term';
  field: QueryFieldName;
  /** Where the term starts in the query text. */
  position: number;
}
/** An exact value (exact fields; `asn:N`). */
export interface EqualsTerm extends TermBase {
  match: 'equals';
  value: string;
}
/** Text fields: `pieces` split at the wildcards; one piece is a substring, more a whole-value pattern (`a*b` is ["a", "b"]). */
export interface TextTerm extends TermBase {
  match: 'text';
  pieces: string[];
}
/** Time (ms) and integer fields: inclusive bounds, either may be open. */
export interface RangeTerm extends TermBase {
  match: 'range';
  min?: number;
  max?: number;
}
export type QueryTerm = EqualsTerm | TextTerm | RangeTerm;

export interface QueryError {
  message: string;
  /** 0-based character offset in the query where the problem is. */
  position: number;
  fix: string;
}

export type ParsedQuery = { ok: true; query: QueryNode | undefined } | { ok: false; error: QueryError };

export const MAX_QUERY_LENGTH = 4000;
const MAX_DEPTH = 64;
const MAX_INTEGER = 4_294_967_295;
const DAY_MS = 86_400_000;

class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** Parse `text`; an empty (or blank) query is `{ ok: true, query: undefined }` (matches every event). */
export function parseEventQuery(text: string): ParsedQuery {
  if (text.length > MAX_QUERY_LENGTH)
    return {
      ok: false,
      error: { message: `The query is ${text.length} characters long; at most ${MAX_QUERY_LENGTH} are allowed`, position: MAX_QUERY_LENGTH, fix: 'Shorten the query.' },
    };
  try {
    return { ok: true, query: new Parser(text).parse() };
  } catch (e) {
    if (e instanceof QuerySyntaxError) return { ok: false, error: { message: e.message, position: e.position, fix: e.fix } };
    throw e;
  }
}

const DELIMITERS = new Set(['(', ')', '"', '[', ']']);
const KNOWN_FIELDS = QUERY_FIELDS.map((f) => f.name).join(', ');

function at(position: number): string {
  return `at column ${position + 1}`;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parse(): QueryNode | undefined {
    this.skipSpace();
    if (this.eof()) return undefined;
    const node = this.or();
    this.skipSpace();
    if (!this.eof()) {
      // Only a ')' can stop the top-level `or` before the end.
      throw new QuerySyntaxError(`Unbalanced parenthesis: ')' ${at(this.pos)} closes nothing`, this.pos, "Remove the ')' or add the '(' it should close.");
    }
    return node;
  }

  private or(): QueryNode {
    const items = [this.and()];
    while (this.keywordAhead('OR')) {
      const position = this.pos;
      this.pos += 2;
      this.expectOperand('OR', position);
      items.push(this.and());
    }
    return combine('or', items);
  }

  private and(): QueryNode {
    const items = [this.unary()];
    for (;;) {
      this.skipSpace();
      if (this.eof() || this.peek() === ')' || this.keywordAhead('OR')) break;
      if (this.keywordAhead('AND')) {
        const position = this.pos;
        this.pos += 3;
        this.expectOperand('AND', position);
      }
      items.push(this.unary());
    }
    return combine('and', items);
  }

  private unary(): QueryNode {
    this.skipSpace();
    if (this.keywordAhead('NOT')) {
      const position = this.pos;
      this.pos += 3;
      this.expectOperand('NOT', position);
      return this.nested(() => ({ kind: 'not', item: this.unary() }), position);
    }
    return this.primary();
  }

  private primary(): QueryNode {
    this.skipSpace();
    const start = this.pos;
    const c = this.peek();
    if (c === '(') {
      this.pos++;
      this.skipSpace();
      if (this.peek() === ')') throw new QuerySyntaxError(`Empty parentheses ${at(start)}`, start, 'Put a condition between the parentheses or remove them.');
      if (this.eof()) throw new QuerySyntaxError(`Unbalanced parenthesis: '(' ${at(start)} is never closed`, start, "Add the missing ')' or remove the '('.");
      const node = this.nested(() => this.or(), start);
      this.skipSpace();
      if (this.peek() !== ')') throw new QuerySyntaxError(`Unbalanced parenthesis: '(' ${at(start)} is never closed`, start, "Add the missing ')' or remove the '('.");
      this.pos++;
      return node;
    }
    if (c === ')') throw new QuerySyntaxError(`Unbalanced parenthesis: ')' ${at(start)} closes nothing`, start, "Remove the ')' or add the '(' it should close.");
    for (const keyword of ['AND', 'OR'] as const) {
      if (this.keywordAhead(keyword))
        throw new QuerySyntaxError(
          `${keyword} ${at(start)} has no condition before it`,
          start,
          `Put a condition before ${keyword}, or remove it (to search for the word itself, quote it: "${keyword}").`,
        );
    }
    return this.term();
  }

  private term(): QueryTerm {
    const start = this.pos;
    if (this.peek() === '"') return textTerm('text', this.quoted(), start);
    if (this.peek() === '[' || this.peek() === ']')
      throw new QuerySyntaxError(`Unexpected '${this.peek()}' ${at(start)}`, start, 'Ranges are written field:[low TO high]; quote a value that holds brackets.');
    const run = this.run();
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)(:|>=|<=|>|<)(.*)$/s.exec(run);
    if (!m) {
      if (/^[A-Za-z_][A-Za-z0-9_.]*=/.test(run))
        throw new QuerySyntaxError(
          `Unknown operator '=' ${at(start + run.indexOf('='))}`,
          start + run.indexOf('='),
          'Write field:value for equality (or >, >=, <, <= to compare).',
        );
      return textTerm('text', unquotedPieces(run), start);
    }
    const [, name = '', op = ':', rest = ''] = m;
    const field = queryField(name);
    if (!field) throw new QuerySyntaxError(`Unknown field '${name}' ${at(start)}`, start, `Use one of: ${KNOWN_FIELDS} (or quote the whole value to search the text for it).`);
    const valueStart = start + name.length + op.length;
    if (rest === '') {
      const next = this.peek();
      if (next === '"') return this.fieldTerm(field, op, this.quoted(), start, valueStart);
      if (next === '[' && op === ':') return this.rangeTerm(field, start);
      throw new QuerySyntaxError(
        `Missing value after '${name}${op}' ${at(valueStart)}`,
        valueStart,
        `Write a value right after the '${op}', e.g. ${example(field)} (no space between).`,
      );
    }
    return this.fieldTerm(field, op, unquotedPieces(rest), start, valueStart);
  }

  private fieldTerm(field: QueryField, op: string, pieces: string[], start: number, valueStart: number): QueryTerm {
    if (field.kind === 'text') {
      if (op !== ':') throw badComparison(field, op, start + field.name.length, valueStart);
      return textTerm(field.name, pieces, start);
    }
    if (pieces.length > 1)
      throw new QuerySyntaxError(
        `Wildcards work only on text fields (text, change); '${field.name}' ${at(start)} needs an exact value`,
        valueStart,
        `Remove the '*' and give the exact value, e.g. ${example(field)}.`,
      );
    const value = pieces[0] ?? '';
    if (value === '') throw new QuerySyntaxError(`Missing value for '${field.name}' ${at(valueStart)}`, valueStart, `Give a value, e.g. ${example(field)}.`);
    if (field.kind === 'exact') {
      if (op !== ':') throw badComparison(field, op, start, valueStart);
      if (field.name === 'country' && !/^[A-Za-z]{2}$/.test(value))
        throw new QuerySyntaxError(`'${value}' ${at(valueStart)} is not a country code`, valueStart, 'Use a two-letter ISO 3166-1 code, e.g. country:US.');
      return { kind: 'term', field: field.name, position: start, match: 'equals', value };
    }
    const bounds = this.bounds(field, value, valueStart);
    if (field.kind === 'integer' && op === ':') return { kind: 'term', field: field.name, position: start, match: 'equals', value: String(bounds.first) };
    const range: { min?: number; max?: number } = {};
    if (op === ':') Object.assign(range, { min: bounds.first, max: bounds.last });
    else if (op === '>=') range.min = bounds.first;
    else if (op === '>') range.min = bounds.last + 1;
    else if (op === '<') range.max = bounds.first - 1;
    else range.max = bounds.last;
    return { kind: 'term', field: field.name, position: start, match: 'range', ...range };
  }

  /** `field:[low TO high]`, inclusive; `*` leaves a side open. The cursor is on the `[`. */
  private rangeTerm(field: QueryField, start: number): QueryTerm {
    const open = this.pos;
    if (field.kind !== 'time' && field.kind !== 'integer')
      throw new QuerySyntaxError(`'${field.name}' ${at(start)} cannot take a range`, open, `Ranges work on p_event_time and asn; write ${example(field)}.`);
    this.pos++;
    const low = this.rangeBound(field, open);
    this.skipSpace();
    const toAt = this.pos;
    if (!this.keywordAhead('TO'))
      throw new QuerySyntaxError(
        `Expected TO ${at(toAt)} in the range opened ${at(open)}`,
        toAt,
        'Write ranges as field:[low TO high], e.g. p_event_time:[2026-11-01 TO 2026-11-07].',
      );
    this.pos += 2;
    const high = this.rangeBound(field, open);
    this.skipSpace();
    if (this.peek() !== ']') throw new QuerySyntaxError(`The range opened ${at(open)} is never closed with ']'`, this.pos, "Close the range with ']'.");
    this.pos++;
    const term: RangeTerm = { kind: 'term', field: field.name, position: start, match: 'range' };
    if (low) term.min = low.first;
    if (high) term.max = high.last;
    if (term.min !== undefined && term.max !== undefined && term.min > term.max)
      throw new QuerySyntaxError(`The range ${at(open)} is empty (its low end is after its high end)`, open, 'Put the earlier or smaller value first.');
    return term;
  }

  private rangeBound(field: QueryField, open: number): { first: number; last: number } | undefined {
    this.skipSpace();
    const position = this.pos;
    if (this.eof() || this.peek() === ']')
      throw new QuerySyntaxError(`Missing value in the range opened ${at(open)}`, position, 'Write ranges as field:[low TO high]; use * for an open side.');
    const pieces = this.peek() === '"' ? this.quoted() : unquotedPieces(this.run());
    if (pieces.length === 2 && pieces.every((p) => p === '')) return undefined;
    return this.bounds(field, pieces.join('*'), position);
  }

  /** The first and last value (ms or integer) a written time or number covers: a date covers its whole UTC day. */
  private bounds(field: QueryField, value: string, position: number): { first: number; last: number } {
    if (field.kind === 'integer') {
      if (!/^\d{1,10}$/.test(value) || Number(value) > MAX_INTEGER)
        throw new QuerySyntaxError(`'${value}' ${at(position)} is not a valid ${field.name}`, position, `Give a whole number from 0 to ${MAX_INTEGER}, e.g. ${example(field)}.`);
      return { first: Number(value), last: Number(value) };
    }
    const time = parseTimeValue(value);
    if (time === undefined)
      throw new QuerySyntaxError(`'${value}' ${at(position)} is not a date or time`, position, 'Use a UTC date (2026-11-01) or an ISO 8601 time (2026-11-01T09:30:00Z).');
    return time;
  }

  /** A quoted value: `\"` and `\\` escape, `\*` is a literal star, `*` a wildcard. Cursor on the opening quote. */
  private quoted(): string[] {
    const open = this.pos;
    this.pos++;
    const pieces: string[] = [];
    let current = '';
    while (!this.eof()) {
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return [...pieces, current];
      }
      if (c === '\\' && this.pos + 1 < this.text.length) {
        current += this.text[this.pos + 1]!;
        this.pos += 2;
        continue;
      }
      if (c === '*') {
        pieces.push(current);
        current = '';
      } else current += c;
      this.pos++;
    }
    throw new QuerySyntaxError(`The quote ${at(open)} is never closed`, open, 'Add the closing " (write \\" for a quote inside a value).');
  }

  /** Characters up to white space or a delimiter. */
  private run(): string {
    const start = this.pos;
    while (!this.eof() && !/\s/.test(this.text[this.pos]!) && !DELIMITERS.has(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private expectOperand(keyword: string, position: number): void {
    this.skipSpace();
    const c = this.peek();
    if (this.eof() || c === ')' || this.keywordAhead('OR') || this.keywordAhead('AND')) {
      throw new QuerySyntaxError(`${keyword} ${at(position)} has no condition after it`, position, `Put a condition after ${keyword}, or remove it.`);
    }
  }

  private nested<T>(parse: () => T, position: number): T {
    if (++this.depth > MAX_DEPTH) throw new QuerySyntaxError(`The query nests deeper than ${MAX_DEPTH} levels ${at(position)}`, position, 'Use fewer parentheses and NOTs.');
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private keywordAhead(keyword: 'AND' | 'OR' | 'NOT' | 'TO'): boolean {
    if (!this.text.startsWith(keyword, this.pos)) return false;
    const after = this.text[this.pos + keyword.length];
    return after === undefined || /\s/.test(after) || after === '(' || after === ')' || after === '"' || (keyword === 'TO' && after === ']');
  }

  private skipSpace(): void {
    while (!this.eof() && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private eof(): boolean {
    return this.pos >= this.text.length;
  }
}

function combine(kind: 'and' | 'or', items: QueryNode[]): QueryNode {
  const flat = items.flatMap((item) => (item.kind === kind ? item.items : [item]));
  return flat.length === 1 ? flat[0]! : { kind, items: flat };
}

function textTerm(field: QueryFieldName, pieces: string[], position: number): TextTerm {
  if (pieces.every((p) => p === '')) {
    throw new QuerySyntaxError(
      `Nothing to search for ${at(position)}`,
      position,
      pieces.length > 1 ? 'A value of only * matches everything: remove the term.' : 'Give the text to search for, or remove the empty quotes.',
    );
  }
  return { kind: 'term', field, position, match: 'text', pieces };
}

/** An unquoted value's pieces: `*` splits (a wildcard), `\x` is a literal x. */
function unquotedPieces(run: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < run.length; i++) {
    const c = run[i]!;
    if (c === '\\' && i + 1 < run.length) current += run[++i]!;
    else if (c === '*') {
      pieces.push(current);
      current = '';
    } else current += c;
  }
  return [...pieces, current];
}

function badComparison(field: QueryField, op: string, _start: number, valueStart: number): QuerySyntaxError {
  const position = valueStart - op.length;
  return new QuerySyntaxError(`'${field.name}' cannot be compared with '${op}' ${at(position)}: only p_event_time and asn can`, position, `Write ${example(field)}.`);
}

function example(field: QueryField): string {
  switch (field.kind) {
    case 'time':
      return `${field.name}>=2026-11-01`;
    case 'integer':
      return `${field.name}:15169`;
    case 'text':
      return `${field.name}:"two-factor*"`;
    default:
      return field.name === 'country' ? 'country:US' : field.name === 'logType' ? 'logType:Zoom.Operation' : `${field.name}:value`;
  }
}

/** A UTC date (its whole day) or an ISO 8601 time (that millisecond; UTC when it has no offset). */
export function parseTimeValue(value: string): { first: number; last: number } | undefined {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    if (new Date(ms).toISOString().slice(0, 10) !== value) return undefined;
    return { first: ms, last: ms + DAY_MS - 1 };
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.test(value)) return undefined;
  const ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(ms) ? { first: ms, last: ms } : undefined;
}

/**
 * Whether every event the query matches must pass a positive, index-served
 * condition: a term (other than an asn comparison, which reads every ASN
 * indicator), an AND with one such item, an OR whose every branch is one.
 * A NOT restricts nothing (it reads whatever it does not exclude).
 */
export function queryRestricts(node: QueryNode): boolean {
  switch (node.kind) {
    case 'term':
      return !(node.field === 'asn' && node.match === 'range');
    case 'and':
      return node.items.some(queryRestricts);
    case 'or':
      return node.items.every(queryRestricts);
    case 'not':
      return false;
  }
}

/** Every term of the query, in order. */
export function queryTerms(node: QueryNode | undefined): QueryTerm[] {
  if (!node) return [];
  if (node.kind === 'term') return [node];
  if (node.kind === 'not') return queryTerms(node.item);
  return node.items.flatMap(queryTerms);
}

/** Query text for `node` that parses back to the same AST (positions aside): used to write filters as a query. */
export function formatEventQuery(node: QueryNode | undefined): string {
  if (!node) return '';
  switch (node.kind) {
    case 'and':
      return node.items.map((item) => (item.kind === 'or' ? `(${formatEventQuery(item)})` : formatEventQuery(item))).join(' ');
    case 'or':
      return node.items.map((item) => (item.kind === 'and' ? `(${formatEventQuery(item)})` : formatEventQuery(item))).join(' OR ');
    case 'not':
      return `NOT ${node.item.kind === 'term' || node.item.kind === 'not' ? formatEventQuery(node.item) : `(${formatEventQuery(node.item)})`}`;
    case 'term':
      return formatTerm(node);
  }
}

function formatTerm(term: QueryTerm): string {
  if (term.match === 'equals') return `${term.field}:${quoteValue(term.value)}`;
  if (term.match === 'text') return `${term.field}:${quoteValue(term.pieces.map((p) => p.replace(/[\\*]/g, (c) => `\\${c}`)).join('*'), true)}`;
  const show = (n: number): string => (term.field === 'p_event_time' ? new Date(n).toISOString() : String(n));
  if (term.min !== undefined && term.max !== undefined) return term.min === term.max ? `${term.field}:${show(term.min)}` : `${term.field}:[${show(term.min)} TO ${show(term.max)}]`;
  if (term.min !== undefined) return `${term.field}>=${show(term.min)}`;
  if (term.max !== undefined) return `${term.field}<=${show(term.max)}`;
  return `${term.field}:[* TO *]`;
}

/** `value` quoted when it has anything a bare word cannot hold (`escaped`: it already has its `\` escapes). */
function quoteValue(value: string, escaped = false): string {
  if (value !== '' && !/[\s()"[\]\\]/.test(escaped ? value.replace(/\\[\\*]/g, '') : value) && !['AND', 'OR', 'NOT', 'TO'].includes(value) && (escaped || !value.includes('*')))
    return value;
  const body = escaped ? value.replace(/"/g, '\\"') : value.replace(/[\\"*]/g, (c) => `\\${c}`);
  return `"${body}"`;
}
