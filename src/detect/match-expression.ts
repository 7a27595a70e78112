import { BlockList, isIP } from 'node:net';

/**
 * Panther's match expressions (Simple Detections, Inline Filters), compiled
 * once into plain functions of an event:
 *
 * - key specifiers: `Key` (a top-level key), `DeepKey` (a list of keys and
 *   list indices; a key met on a list is taken from every element), `KeyPath`
 *   (`a.b[0].c`, `[*]` or `[]` over every element);
 * - key/value: `Condition` + `Value`; key/values: `IsIn`/`IsNotIn` + `Values`;
 *   multi-key: `Condition` + `Values: [{Key..}, {Key..}]` compares two fields;
 *   existence: `Exists`, `DoesNotExist`, `IsNull`, `IsNotNull`,
 *   `IsNullOrEmpty`, `IsNotNullOrEmpty`; absolute: `AlwaysTrue`, `AlwaysFalse`;
 *   list comprehension: `AnyElement`, `AllElements`, `OnlyOneElement`,
 *   `NoElement` + `Expressions` (keys relative to the element; no key = the
 *   element itself);
 * - combinators `All`, `Any`, `OnlyOne`, `None` over lists of expressions.
 *
 * A key that yields several values (a wildcard) matches a positive condition
 * when any value does; a negated one (`DoesNot...`, `IsNotIn`,
 * `IsIPAddressNotInCIDR`, `IDoesNot...`) when no value matches its positive
 * form. A missing key matches only negated conditions, `DoesNotExist`,
 * `IsNull` and `IsNullOrEmpty`.
 */

export type Matcher = (root: unknown) => boolean;

/** A match expression that cannot be compiled: where (a path of YAML keys/indices) and what to change. */
export class MatchExpressionError extends Error {
  override readonly name = 'MatchExpressionError';
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

type Path = readonly (string | number)[];
type Getter = (root: unknown) => unknown[];
type Test = (value: unknown) => boolean;

const COMBINATORS = ['All', 'Any', 'OnlyOne', 'None'] as const;
const LIST_CONDITIONS = ['AnyElement', 'AllElements', 'OnlyOneElement', 'NoElement'] as const;
const EXISTENCE = ['Exists', 'DoesNotExist', 'IsNull', 'IsNotNull', 'IsNullOrEmpty', 'IsNotNullOrEmpty'] as const;
const IP_NO_VALUE = ['IsIPAddress', 'IsNotIPAddress', 'IsIPAddressPublic', 'IsIPAddressPrivate'] as const;

/** Scalar conditions with a Value: their positive test and whether they are the negation of it. */
const SCALAR: Record<string, { positive: (v: unknown, expected: unknown) => boolean; negated: boolean; value: 'any' | 'string' | 'number' | 'cidr' }> = {};
function scalar(names: [string, string], positive: (v: unknown, expected: unknown) => boolean, value: 'any' | 'string' | 'number' | 'cidr' = 'string'): void {
  SCALAR[names[0]] = { positive, negated: false, value };
  SCALAR[names[1]] = { positive, negated: true, value };
}
const lower = (v: unknown) => textOf(v)?.toLowerCase();
scalar(['Equals', 'DoesNotEqual'], (v, e) => looseEquals(v, e), 'any');
scalar(['IEquals', 'IDoesNotEqual'], (v, e) => lower(v) !== undefined && lower(v) === lower(e));
scalar(['StartsWith', 'DoesNotStartWith'], (v, e) => textOf(v)?.startsWith(String(e)) === true);
scalar(['IStartsWith', 'IDoesNotStartWith'], (v, e) => lower(v)?.startsWith(String(e).toLowerCase()) === true);
scalar(['EndsWith', 'DoesNotEndWith'], (v, e) => textOf(v)?.endsWith(String(e)) === true);
scalar(['IEndsWith', 'IDoesNotEndWith'], (v, e) => lower(v)?.endsWith(String(e).toLowerCase()) === true);
scalar(['Contains', 'DoesNotContain'], (v, e) => textOf(v)?.includes(String(e)) === true);
scalar(['IContains', 'IDoesNotContain'], (v, e) => lower(v)?.includes(String(e).toLowerCase()) === true);
scalar(['IsIPAddressInCIDR', 'IsIPAddressNotInCIDR'], (v, e) => inCidrs(v, e as BlockList), 'cidr');
const NUMERIC: Record<string, (a: number, b: number) => boolean> = {
  IsGreaterThan: (a, b) => a > b,
  IsGreaterThanOrEqual: (a, b) => a >= b,
  IsGreaterThanOrEqualTo: (a, b) => a >= b,
  IsLessThan: (a, b) => a < b,
  IsLessThanOrEqual: (a, b) => a <= b,
  IsLessThanOrEqualTo: (a, b) => a <= b,
};
for (const [name, compare] of Object.entries(NUMERIC)) {
  SCALAR[name] = { positive: (v, e) => numberOf(v) !== undefined && compare(numberOf(v)!, e as number), negated: false, value: 'number' };
}

/** Every `Condition` name this module knows, for messages and docs. */
export const CONDITIONS: readonly string[] = [...Object.keys(SCALAR), 'IsIn', 'IsNotIn', ...EXISTENCE, ...IP_NO_VALUE, 'AlwaysTrue', 'AlwaysFalse', ...LIST_CONDITIONS];
export const COMBINATOR_NAMES: readonly string[] = COMBINATORS;

/** Compiles a list of expressions that must all hold (a `Detection` or `InlineFilters` key). */
export function compileExpressionList(list: unknown, path: Path): Matcher {
  if (!Array.isArray(list)) throw new MatchExpressionError(path, 'must be a list of match expressions', 'write each expression as a list item starting with "- "');
  const items = list.map((item, i) => compileExpression(item, [...path, i]));
  return (root) => items.every((m) => m(root));
}

/** Compiles one match expression (or combinator). */
export function compileExpression(expr: unknown, path: Path): Matcher {
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) {
    throw new MatchExpressionError(path, 'is not a match expression', 'give a mapping with a Condition (and Key/DeepKey/KeyPath), or a combinator: All, Any, OnlyOne, None');
  }
  const e = expr as Record<string, unknown>;
  const combinator = COMBINATORS.find((c) => c in e);
  if (combinator) {
    const extra = Object.keys(e).filter((k) => k !== combinator);
    if (extra.length > 0)
      throw new MatchExpressionError([...path, extra[0]!], `cannot stand beside ${combinator}`, `move ${extra[0]} into an expression inside the ${combinator} list`);
    const children = e[combinator];
    if (!Array.isArray(children) || children.length === 0)
      throw new MatchExpressionError([...path, combinator], `${combinator} needs a non-empty list of expressions`, `list expressions under ${combinator}, each starting with "- "`);
    const items = children.map((c, i) => compileExpression(c, [...path, combinator, i]));
    switch (combinator) {
      case 'All':
        return (root) => items.every((m) => m(root));
      case 'Any':
        return (root) => items.some((m) => m(root));
      case 'None':
        return (root) => !items.some((m) => m(root));
      case 'OnlyOne':
        return (root) => {
          let n = 0;
          for (const m of items) if (m(root) && ++n > 1) return false;
          return n === 1;
        };
    }
  }
  const known = new Set(['Key', 'DeepKey', 'KeyPath', 'Condition', 'Value', 'Values', 'Expressions']);
  for (const key of Object.keys(e)) {
    if (!known.has(key)) {
      const hint =
        key === 'Enrichment'
          ? 'enrichment match expressions need lookup tables, which Zoomtrail does not have; remove it'
          : `use one of ${[...known].join(', ')} (or a combinator: All, Any, OnlyOne, None)`;
      throw new MatchExpressionError([...path, key], `unknown key "${key}" in a match expression`, hint);
    }
  }
  const condition = e.Condition;
  if (typeof condition !== 'string')
    throw new MatchExpressionError([...path, 'Condition'], 'Condition is missing or not text', `give a Condition, one of: ${CONDITIONS.join(', ')}`);
  if (condition === 'AlwaysTrue') return () => true;
  if (condition === 'AlwaysFalse') return () => false;

  // Multi-key: two key specifiers in Values.
  if (!hasKey(e) && Array.isArray(e.Values) && e.Values.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v)) && e.Values.length === 2) {
    return compileMultiKey(condition, e.Values as Record<string, unknown>[], path);
  }
  const get = keyGetter(e, path);

  if ((LIST_CONDITIONS as readonly string[]).includes(condition)) {
    const inner = e.Expressions;
    if (!Array.isArray(inner) || inner.length === 0)
      throw new MatchExpressionError(
        [...path, 'Expressions'],
        `${condition} needs Expressions: a list of match expressions on each element`,
        'add Expressions: with one or more expressions, keys relative to the element',
      );
    const each = compileExpressionList(inner, [...path, 'Expressions']);
    return (root) => {
      const elements = get(root).flatMap((v): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []));
      switch (condition) {
        case 'AnyElement':
          return elements.some(each);
        case 'AllElements':
          return elements.length > 0 && elements.every(each);
        case 'NoElement':
          return !elements.some(each);
        default: {
          let n = 0;
          for (const el of elements) if (each(el) && ++n > 1) return false;
          return n === 1;
        }
      }
    };
  }
  if ((EXISTENCE as readonly string[]).includes(condition)) {
    noValue(e, condition, path);
    switch (condition) {
      case 'Exists':
        return (root) => get(root).length > 0;
      case 'DoesNotExist':
        return (root) => get(root).length === 0;
      case 'IsNull':
        return (root) => get(root).every((v) => v === null);
      case 'IsNotNull':
        return (root) => {
          const values = get(root);
          return values.length > 0 && values.some((v) => v !== null);
        };
      case 'IsNullOrEmpty':
        return (root) => get(root).every(isEmpty);
      default:
        return (root) => get(root).some((v) => !isEmpty(v));
    }
  }
  if ((IP_NO_VALUE as readonly string[]).includes(condition)) {
    noValue(e, condition, path);
    const test: Test =
      condition === 'IsIPAddress'
        ? (v) => ipOf(v) !== undefined
        : condition === 'IsNotIPAddress'
          ? (v) => ipOf(v) === undefined
          : condition === 'IsIPAddressPrivate'
            ? (v) => inCidrs(v, PRIVATE)
            : (v) => ipOf(v) !== undefined && !inCidrs(v, PRIVATE) && !inCidrs(v, SHARED);
    if (condition === 'IsNotIPAddress') return (root) => !get(root).some((v) => ipOf(v) !== undefined);
    return (root) => get(root).some(test);
  }
  if (condition === 'IsIn' || condition === 'IsNotIn') {
    const values = e.Values;
    if (!Array.isArray(values) || values.some((v) => v !== null && typeof v === 'object')) {
      throw new MatchExpressionError([...path, 'Values'], `${condition} needs Values: a list of plain values`, 'write Values: [a, b, c] (a list, not Value)');
    }
    const positive: Test = (v) => values.some((x) => looseEquals(v, x));
    return condition === 'IsIn' ? (root) => get(root).some(positive) : (root) => !get(root).some(positive);
  }
  const spec = SCALAR[condition];
  if (!spec) throw new MatchExpressionError([...path, 'Condition'], `unknown Condition "${condition}"`, `use one of: ${CONDITIONS.join(', ')}${suggestion(condition)}`);
  if (!('Value' in e)) throw new MatchExpressionError(path, `${condition} needs a Value`, `add Value: <what to compare with>`);
  const expected = expectedValue(spec.value, e.Value, condition, [...path, 'Value']);
  const positive: Test = (v) => spec.positive(v, expected);
  return spec.negated ? (root) => !get(root).some(positive) : (root) => get(root).some(positive);
}

function compileMultiKey(condition: string, specs: Record<string, unknown>[], path: Path): Matcher {
  const [a, b] = specs.map((s, i) => keyGetter(s, [...path, 'Values', i]));
  const numeric = NUMERIC[condition];
  let compare: (x: unknown, y: unknown) => boolean;
  if (condition === 'Equals') compare = looseEquals;
  else if (condition === 'DoesNotEqual') compare = (x, y) => !looseEquals(x, y);
  else if (numeric) compare = (x, y) => numberOf(x) !== undefined && numberOf(y) !== undefined && numeric(numberOf(x)!, numberOf(y)!);
  else
    throw new MatchExpressionError(
      [...path, 'Condition'],
      `${condition} cannot compare two keys`,
      'comparing two keys takes Equals, DoesNotEqual, IsGreaterThan(OrEqual) or IsLessThan(OrEqual)',
    );
  return (root) => {
    const x = a!(root)[0];
    const y = b!(root)[0];
    return compare(x, y);
  };
}

function hasKey(e: Record<string, unknown>): boolean {
  return 'Key' in e || 'DeepKey' in e || 'KeyPath' in e;
}

/** The values a key specifier picks (none when missing); without one, the root itself (inside list comprehensions). */
export function keyGetter(e: Record<string, unknown>, path: Path): Getter {
  const given = (['Key', 'DeepKey', 'KeyPath'] as const).filter((k) => k in e);
  if (given.length > 1)
    throw new MatchExpressionError([...path, given[1]!], `give one of Key, DeepKey or KeyPath, not ${given.join(' and ')}`, `keep ${given[0]} and remove ${given[1]}`);
  if (given.length === 0) return (root) => (root === undefined ? [] : [root]);
  const which = given[0]!;
  const raw = e[which];
  if (which === 'Key') {
    if (typeof raw !== 'string' || raw === '')
      throw new MatchExpressionError([...path, 'Key'], 'Key must be a field name', 'e.g. Key: operator (use KeyPath: a.b.c or DeepKey: [a, b, c] for nested fields)');
    return (root) => {
      const v = isRecord(root) ? root[raw] : undefined;
      return v === undefined ? [] : [v];
    };
  }
  if (which === 'DeepKey') {
    if (!Array.isArray(raw) || raw.length === 0 || raw.some((s) => typeof s !== 'string' && !Number.isInteger(s))) {
      throw new MatchExpressionError([...path, 'DeepKey'], 'DeepKey must be a list of keys (and list indices)', 'e.g. DeepKey: [p_udm, changes, name]');
    }
    return segmentsGetter(raw.map((s) => (typeof s === 'number' ? { index: s } : { key: s as string, walk: true })));
  }
  if (typeof raw !== 'string' || raw === '') throw new MatchExpressionError([...path, 'KeyPath'], 'KeyPath must be a dot path', 'e.g. KeyPath: p_udm.changes[*].name');
  const segments = parseKeyPath(raw);
  if (!segments)
    throw new MatchExpressionError(
      [...path, 'KeyPath'],
      `KeyPath "${raw}" is not a dot path`,
      'write keys joined by dots, [n] for a list index, [*] for every element: p_udm.changes[*].name',
    );
  return segmentsGetter(segments);
}

type Segment = { key: string; walk?: boolean } | { index: number } | { all: true };

/** `a.b[0].c[*].d` (also `[]` for every element) as segments; undefined when malformed. */
export function parseKeyPath(text: string): Segment[] | undefined {
  const segments: Segment[] = [];
  const re = /([^.[\]]+)|\[(\*|\d*)\]|(\.)/gy;
  let last = 'start';
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    m = re.exec(text);
    if (!m) return undefined;
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      if (last === 'key' || last === 'bracket') return undefined;
      segments.push({ key: m[1] });
      last = 'key';
    } else if (m[3] !== undefined) {
      if (last === 'dot' || last === 'start') return undefined;
      last = 'dot';
    } else {
      if (last === 'dot' || last === 'start') return undefined;
      segments.push(m[2] === '*' || m[2] === '' ? { all: true } : { index: Number(m[2]) });
      last = 'bracket';
    }
  }
  return last === 'dot' || segments.length === 0 ? undefined : segments;
}

function segmentsGetter(segments: readonly Segment[]): Getter {
  return (root) => {
    let current: unknown[] = [root];
    for (const s of segments) {
      const next: unknown[] = [];
      for (const v of current) {
        if ('key' in s) {
          if (isRecord(v)) {
            if (v[s.key] !== undefined) next.push(v[s.key]);
          } else if (s.walk && Array.isArray(v)) {
            for (const el of v) if (isRecord(el) && el[s.key] !== undefined) next.push(el[s.key]);
          }
        } else if ('index' in s) {
          if (Array.isArray(v) && s.index < v.length) next.push(v[s.index]);
        } else if (Array.isArray(v)) {
          next.push(...(v as unknown[]));
        }
      }
      current = next;
      if (current.length === 0) return current;
    }
    return current;
  };
}

function noValue(e: Record<string, unknown>, condition: string, path: Path): void {
  for (const k of ['Value', 'Values'] as const) {
    if (k in e) throw new MatchExpressionError([...path, k], `${condition} takes no ${k}`, `remove ${k}`);
  }
}

function expectedValue(kind: 'any' | 'string' | 'number' | 'cidr', value: unknown, condition: string, path: Path): unknown {
  if (kind === 'number') {
    const n = numberOf(value);
    if (n === undefined) throw new MatchExpressionError(path, `${condition} needs a number, not ${JSON.stringify(value)}`, 'give a number, e.g. Value: 5');
    return n;
  }
  if (kind === 'cidr') {
    const list = Array.isArray(value) ? value : [value];
    const blocks = new BlockList();
    for (const cidr of list) {
      if (!addCidr(blocks, cidr))
        throw new MatchExpressionError(path, `${JSON.stringify(cidr)} is not a CIDR block`, 'give a block such as 10.0.0.0/8 or 2001:db8::/32 (or a list of them)');
    }
    return blocks;
  }
  if (value !== null && typeof value === 'object')
    throw new MatchExpressionError(
      path,
      `${condition} compares with one plain value, not a ${Array.isArray(value) ? 'list' : 'mapping'}`,
      Array.isArray(value) ? 'use IsIn with Values: for a list' : 'give text or a number',
    );
  if (kind === 'string' && value === null) throw new MatchExpressionError(path, `${condition} needs text`, 'give text, e.g. Value: "admin"');
  return value;
}

function addCidr(blocks: BlockList, cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const [address, bits, more] = cidr.trim().split('/');
  if (more !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128) || (bits !== undefined && bits.trim() === '')) return false;
  blocks.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return true;
}

function cidrList(list: readonly string[]): BlockList {
  const blocks = new BlockList();
  for (const c of list) addCidr(blocks, c);
  return blocks;
}

/** Python's `ipaddress` `is_private` networks (what Panther's IsIPAddressPrivate uses), less ::ffff:0:0/96: Node's BlockList maps every IPv4 address into it. */
const PRIVATE = cidrList([
  '0.0.0.0/8',
  '10.0.0.0/8',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/29',
  '192.0.0.170/31',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '240.0.0.0/4',
  '255.255.255.255/32',
  '::1/128',
  '::/128',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2001:10::/28',
  'fc00::/7',
  'fe80::/10',
]);
/** Carrier-grade NAT: neither private nor global in Python's terms. */
const SHARED = cidrList(['100.64.0.0/10']);

function ipOf(v: unknown): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  if (typeof v !== 'string') return undefined;
  const family = isIP(v.trim());
  return family === 0 ? undefined : { address: v.trim(), family: family === 4 ? 'ipv4' : 'ipv6' };
}

function inCidrs(v: unknown, blocks: BlockList): boolean {
  const ip = ipOf(v);
  return ip !== undefined && blocks.check(ip.address, ip.family);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
}

function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Equal as given, or as numbers when one side is a number and the other its text (YAML `Value: 5` vs a JSON "5"). */
function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') return numberOf(a) !== undefined && numberOf(a) === numberOf(b);
  return false;
}

function suggestion(condition: string): string {
  const lowerName = condition.toLowerCase();
  const close = CONDITIONS.find((c) => c.toLowerCase() === lowerName || c.toLowerCase().startsWith(lowerName.slice(0, 6)));
  return close ? ` (did you mean ${close}?)` : '';
}
