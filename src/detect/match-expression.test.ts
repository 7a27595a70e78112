import { describe, expect, it } from 'vitest';
import { compileExpression, compileExpressionList, CONDITIONS, MatchExpressionError, parseKeyPath } from './match-expression.js';

/** Panther's example event for its match expression reference (Pluto's reclassification). */
const EVENT = {
  audit_event: 'RECLASSIFICATION',
  status: 'success',
  actor: 'International Astronomical Union',
  old_classification: 'PLANET',
  new_classification: 'DWARF_PLANET',
  count: 5,
  text_count: '7',
  empty: '',
  nothing: null,
  no_moons: [],
  ip: '8.8.8.8',
  private_ip: '10.1.2.3',
  cgnat_ip: '100.64.0.1',
  v6: '2001:db8::1',
  entity: {
    name: 'Pluto',
    diameter: { distance: 2370, unit: 'km' },
    moons: [
      { name: 'Charon', year_discovered: 1978, diameter: { distance: 1212 }, discovered_by: ['James W. Christy'] },
      { name: 'Nix', year_discovered: 2005, diameter: { distance: 50 }, discovered_by: ['H. A. Weaver', 'S. A. Stern'] },
    ],
  },
  p_udm: {
    changes: [
      { name: 'Waiting room', from: 'Off', to: 'On' },
      { name: 'Passcode', from: 'On', to: 'Off' },
    ],
  },
};

const m = (expr: Record<string, unknown>) => compileExpression(expr, [])(EVENT);

describe('match expressions: scalar conditions (each true and false on the same event)', () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['Equals', { Key: 'status', Condition: 'Equals', Value: 'success' }, true],
    ['Equals is case-sensitive', { Key: 'status', Condition: 'Equals', Value: 'SUCCESS' }, false],
    ['Equals number and numeric text', { Key: 'text_count', Condition: 'Equals', Value: 7 }, true],
    ['DoesNotEqual', { Key: 'status', Condition: 'DoesNotEqual', Value: 'failure' }, true],
    ['DoesNotEqual (equal)', { Key: 'status', Condition: 'DoesNotEqual', Value: 'success' }, false],
    ['DoesNotEqual on a missing key', { Key: 'missing', Condition: 'DoesNotEqual', Value: 'x' }, true],
    ['IEquals', { Key: 'status', Condition: 'IEquals', Value: 'SUCCESS' }, true],
    ['IEquals (differs)', { Key: 'status', Condition: 'IEquals', Value: 'SUCCES' }, false],
    ['IDoesNotEqual', { Key: 'status', Condition: 'IDoesNotEqual', Value: 'SUCCESS' }, false],
    ['StartsWith', { Key: 'actor', Condition: 'StartsWith', Value: 'International' }, true],
    ['StartsWith (no)', { Key: 'actor', Condition: 'StartsWith', Value: 'international' }, false],
    ['IStartsWith', { Key: 'actor', Condition: 'IStartsWith', Value: 'international' }, true],
    ['DoesNotStartWith', { Key: 'actor', Condition: 'DoesNotStartWith', Value: 'International' }, false],
    ['IDoesNotStartWith', { Key: 'actor', Condition: 'IDoesNotStartWith', Value: 'xyz' }, true],
    ['EndsWith', { Key: 'actor', Condition: 'EndsWith', Value: 'Union' }, true],
    ['EndsWith (no)', { Key: 'actor', Condition: 'EndsWith', Value: 'union' }, false],
    ['IEndsWith', { Key: 'actor', Condition: 'IEndsWith', Value: 'UNION' }, true],
    ['DoesNotEndWith', { Key: 'actor', Condition: 'DoesNotEndWith', Value: 'Union' }, false],
    ['IDoesNotEndWith', { Key: 'actor', Condition: 'IDoesNotEndWith', Value: 'UNION' }, false],
    ['Contains', { Key: 'new_classification', Condition: 'Contains', Value: 'DWARF' }, true],
    ['Contains (no)', { Key: 'new_classification', Condition: 'Contains', Value: 'dwarf' }, false],
    ['IContains', { Key: 'new_classification', Condition: 'IContains', Value: 'dwarf' }, true],
    ['DoesNotContain', { Key: 'new_classification', Condition: 'DoesNotContain', Value: 'DWARF' }, false],
    ['DoesNotContain (absent text)', { Key: 'new_classification', Condition: 'DoesNotContain', Value: 'MOON' }, true],
    ['IDoesNotContain', { Key: 'new_classification', Condition: 'IDoesNotContain', Value: 'dwarf' }, false],
    ['IsGreaterThan', { KeyPath: 'entity.diameter.distance', Condition: 'IsGreaterThan', Value: 2000 }, true],
    ['IsGreaterThan (equal)', { KeyPath: 'entity.diameter.distance', Condition: 'IsGreaterThan', Value: 2370 }, false],
    ['IsGreaterThanOrEqual', { KeyPath: 'entity.diameter.distance', Condition: 'IsGreaterThanOrEqual', Value: 2370 }, true],
    ['IsLessThan', { Key: 'count', Condition: 'IsLessThan', Value: 5 }, false],
    ['IsLessThanOrEqual', { Key: 'count', Condition: 'IsLessThanOrEqual', Value: 5 }, true],
    ['IsLessThan on numeric text', { Key: 'text_count', Condition: 'IsLessThan', Value: 8 }, true],
    ['numeric condition on text is false', { Key: 'status', Condition: 'IsGreaterThan', Value: 0 }, false],
    ['IsIn', { Key: 'status', Condition: 'IsIn', Values: ['failure', 'success'] }, true],
    ['IsIn (no)', { Key: 'status', Condition: 'IsIn', Values: ['failure'] }, false],
    ['IsNotIn', { Key: 'status', Condition: 'IsNotIn', Values: ['failure'] }, true],
    ['IsNotIn (in)', { Key: 'status', Condition: 'IsNotIn', Values: ['success'] }, false],
    ['Exists', { Key: 'status', Condition: 'Exists' }, true],
    ['Exists (missing)', { Key: 'missing', Condition: 'Exists' }, false],
    ['DoesNotExist', { Key: 'missing', Condition: 'DoesNotExist' }, true],
    ['DoesNotExist (present)', { Key: 'status', Condition: 'DoesNotExist' }, false],
    ['IsNull', { Key: 'nothing', Condition: 'IsNull' }, true],
    ['IsNull (text)', { Key: 'status', Condition: 'IsNull' }, false],
    ['IsNotNull', { Key: 'status', Condition: 'IsNotNull' }, true],
    ['IsNotNull (null)', { Key: 'nothing', Condition: 'IsNotNull' }, false],
    ['IsNullOrEmpty on empty text', { Key: 'empty', Condition: 'IsNullOrEmpty' }, true],
    ['IsNullOrEmpty on empty list', { Key: 'no_moons', Condition: 'IsNullOrEmpty' }, true],
    ['IsNullOrEmpty on missing', { Key: 'missing', Condition: 'IsNullOrEmpty' }, true],
    ['IsNullOrEmpty on text', { Key: 'status', Condition: 'IsNullOrEmpty' }, false],
    ['IsNotNullOrEmpty', { Key: 'status', Condition: 'IsNotNullOrEmpty' }, true],
    ['IsNotNullOrEmpty (empty)', { Key: 'empty', Condition: 'IsNotNullOrEmpty' }, false],
    ['IsIPAddress', { Key: 'v6', Condition: 'IsIPAddress' }, true],
    ['IsIPAddress (text)', { Key: 'status', Condition: 'IsIPAddress' }, false],
    ['IsNotIPAddress', { Key: 'status', Condition: 'IsNotIPAddress' }, true],
    ['IsIPAddressPublic', { Key: 'ip', Condition: 'IsIPAddressPublic' }, true],
    ['IsIPAddressPublic (private)', { Key: 'private_ip', Condition: 'IsIPAddressPublic' }, false],
    ['IsIPAddressPublic (shared address space)', { Key: 'cgnat_ip', Condition: 'IsIPAddressPublic' }, false],
    ['IsIPAddressPrivate', { Key: 'private_ip', Condition: 'IsIPAddressPrivate' }, true],
    ['IsIPAddressPrivate (documentation v6 range)', { Key: 'v6', Condition: 'IsIPAddressPrivate' }, true],
    ['IsIPAddressPrivate (public)', { Key: 'ip', Condition: 'IsIPAddressPrivate' }, false],
    ['IsIPAddressInCIDR', { Key: 'private_ip', Condition: 'IsIPAddressInCIDR', Value: '10.0.0.0/8' }, true],
    ['IsIPAddressInCIDR (outside)', { Key: 'ip', Condition: 'IsIPAddressInCIDR', Value: '10.0.0.0/8' }, false],
    ['IsIPAddressInCIDR with a list, v6', { Key: 'v6', Condition: 'IsIPAddressInCIDR', Value: ['10.0.0.0/8', '2001:db8::/32'] }, true],
    ['IsIPAddressNotInCIDR', { Key: 'ip', Condition: 'IsIPAddressNotInCIDR', Value: '10.0.0.0/8' }, true],
    ['IsIPAddressNotInCIDR (inside)', { Key: 'private_ip', Condition: 'IsIPAddressNotInCIDR', Value: '10.0.0.0/8' }, false],
    ['AlwaysTrue', { Condition: 'AlwaysTrue' }, true],
    ['AlwaysFalse', { Condition: 'AlwaysFalse' }, false],
  ];
  it.each(cases)('%s', (_name, expr, expected) => {
    expect(m(expr)).toBe(expected);
  });

  it('covers every condition it knows', () => {
    const tested = new Set(cases.map(([, e]) => e.Condition as string));
    const listConditions = ['AnyElement', 'AllElements', 'OnlyOneElement', 'NoElement'];
    const untested = CONDITIONS.filter((c) => !tested.has(c) && !listConditions.includes(c) && !/OrEqualTo$/.test(c));
    expect(untested).toEqual([]);
  });
});

describe('match expressions: key specifiers', () => {
  it('Key is a top-level key, DeepKey a list, KeyPath a dot path with indices and [*]', () => {
    expect(m({ DeepKey: ['entity', 'name'], Condition: 'Equals', Value: 'Pluto' })).toBe(true);
    expect(m({ DeepKey: ['entity', 'moons', 1, 'name'], Condition: 'Equals', Value: 'Nix' })).toBe(true);
    expect(m({ KeyPath: 'entity.moons[0].name', Condition: 'Equals', Value: 'Charon' })).toBe(true);
    expect(m({ KeyPath: 'entity.moons[0].name', Condition: 'Equals', Value: 'Nix' })).toBe(false);
    expect(m({ KeyPath: 'entity.moons[*].name', Condition: 'Equals', Value: 'Nix' })).toBe(true);
    expect(m({ Key: 'entity.name', Condition: 'Equals', Value: 'Pluto' })).toBe(false);
  });

  it("Zoomtrail's parsed changes: DeepKey walks lists (p_udm.changes.name), KeyPath with []", () => {
    expect(m({ DeepKey: ['p_udm', 'changes', 'name'], Condition: 'Equals', Value: 'Passcode' })).toBe(true);
    expect(m({ KeyPath: 'p_udm.changes[].to', Condition: 'Equals', Value: 'Off' })).toBe(true);
    expect(m({ KeyPath: 'p_udm.changes[].name', Condition: 'IsIn', Values: ['Recording'] })).toBe(false);
  });

  it('a negated condition over several values holds only when no value matches', () => {
    expect(m({ KeyPath: 'entity.moons[*].name', Condition: 'DoesNotEqual', Value: 'Nix' })).toBe(false);
    expect(m({ KeyPath: 'entity.moons[*].name', Condition: 'DoesNotEqual', Value: 'Kerberos' })).toBe(true);
  });

  it('parses key paths and rejects malformed ones', () => {
    expect(parseKeyPath('a.b[0].c[*].d[]')).toEqual([{ key: 'a' }, { key: 'b' }, { index: 0 }, { key: 'c' }, { all: true }, { key: 'd' }, { all: true }]);
    for (const bad of ['a..b', '.a', 'a.', '[0]', 'a[x]']) expect(parseKeyPath(bad), bad).toBeUndefined();
  });

  it('compares two keys (multi-key)', () => {
    const e = { a: 3, b: 5, c: 'x', d: 'x' };
    expect(compileExpression({ Condition: 'IsLessThan', Values: [{ Key: 'a' }, { Key: 'b' }] }, [])(e)).toBe(true);
    expect(compileExpression({ Condition: 'IsGreaterThan', Values: [{ Key: 'a' }, { Key: 'b' }] }, [])(e)).toBe(false);
    expect(compileExpression({ Condition: 'Equals', Values: [{ Key: 'c' }, { Key: 'd' }] }, [])(e)).toBe(true);
    expect(compileExpression({ Condition: 'DoesNotEqual', Values: [{ Key: 'c' }, { Key: 'd' }] }, [])(e)).toBe(false);
  });
});

describe('match expressions: list comprehension and combinators', () => {
  const moons = (condition: string, expressions: unknown[]) => m({ KeyPath: 'entity.moons', Condition: condition, Expressions: expressions });
  const after2000 = { Key: 'year_discovered', Condition: 'IsGreaterThan', Value: 2000 };
  const after1900 = { Key: 'year_discovered', Condition: 'IsGreaterThan', Value: 1900 };
  const after2010 = { Key: 'year_discovered', Condition: 'IsGreaterThan', Value: 2010 };

  it('AnyElement, AllElements, OnlyOneElement, NoElement', () => {
    expect(moons('AnyElement', [after2000])).toBe(true);
    expect(moons('AnyElement', [after2010])).toBe(false);
    expect(moons('AllElements', [after1900])).toBe(true);
    expect(moons('AllElements', [after2000])).toBe(false);
    expect(moons('OnlyOneElement', [after2000])).toBe(true);
    expect(moons('OnlyOneElement', [after1900])).toBe(false);
    expect(moons('NoElement', [after2010])).toBe(true);
    expect(moons('NoElement', [after2000])).toBe(false);
    expect(m({ Key: 'no_moons', Condition: 'AllElements', Expressions: [after1900] }), 'all of nothing is not a match').toBe(false);
  });

  it('an element expression without a key tests the element itself; Expressions must all hold', () => {
    expect(m({ KeyPath: 'entity.moons[1].discovered_by', Condition: 'AnyElement', Expressions: [{ Condition: 'StartsWith', Value: 'S. A.' }] })).toBe(true);
    expect(moons('AnyElement', [after2000, { Key: 'name', Condition: 'Equals', Value: 'Charon' }])).toBe(false);
  });

  const yes = { Condition: 'AlwaysTrue' };
  const no = { Condition: 'AlwaysFalse' };
  it.each([
    ['All', [yes, yes], true],
    ['All', [yes, no], false],
    ['Any', [no, yes], true],
    ['Any', [no, no], false],
    ['OnlyOne', [no, yes], true],
    ['OnlyOne', [yes, yes], false],
    ['OnlyOne', [no, no], false],
    ['None', [no, no], true],
    ['None', [no, yes], false],
  ] as const)('%s of %j is %s', (combinator, items, expected) => {
    expect(m({ [combinator]: items })).toBe(expected);
  });

  it('nests combinators; a Detection list means All', () => {
    const nested = { Any: [{ All: [yes, no] }, { None: [no] }] };
    expect(m(nested)).toBe(true);
    expect(compileExpressionList([yes, no], [])(EVENT)).toBe(false);
    expect(compileExpressionList([yes, nested], [])(EVENT)).toBe(true);
  });
});

describe('match expressions: mistakes name the field and the fix', () => {
  const error = (expr: unknown) => {
    try {
      compileExpressionList([expr], ['Detection']);
    } catch (e) {
      return e as MatchExpressionError;
    }
    throw new Error('compiled');
  };
  it('an unknown condition suggests the close one', () => {
    const e = error({ Key: 'a', Condition: 'Equal', Value: 1 });
    expect(e.path).toEqual(['Detection', 0, 'Condition']);
    expect(e.fix).toContain('did you mean Equals');
  });
  it('a missing Value, a bad CIDR, a list for a scalar, two key specifiers, an unknown key, Enrichment', () => {
    expect(error({ Key: 'a', Condition: 'Contains' }).message).toContain('needs a Value');
    expect(error({ Key: 'a', Condition: 'IsIPAddressInCIDR', Value: '10.0.0/33' }).path).toEqual(['Detection', 0, 'Value']);
    expect(error({ Key: 'a', Condition: 'Equals', Value: ['x'] }).fix).toContain('IsIn');
    expect(error({ Key: 'a', KeyPath: 'b', Condition: 'Exists' }).path).toEqual(['Detection', 0, 'KeyPath']);
    expect(error({ Key: 'a', Condtion: 'Exists' }).path).toEqual(['Detection', 0, 'Condtion']);
    expect(error({ Enrichment: {}, Condition: 'Exists' }).fix).toContain('lookup tables');
    expect(error({ All: [] }).path).toEqual(['Detection', 0, 'All']);
    expect(error({ Key: 'a', Condition: 'AnyElement' }).path).toEqual(['Detection', 0, 'Expressions']);
    expect(error({ Key: 'a', Condition: 'IsGreaterThan', Value: 'many' }).message).toContain('needs a number');
  });
});
