import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, rowIdFor } from './row-identity.js';

describe('row identity', () => {
  it('canonical JSON ignores key order at every level and keeps values exactly (trailing spaces count)', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x ' } })).toBe('{"a":{"c":"x ","d":[2,{"y":2,"z":1}]},"b":1}');
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 'x' })).not.toBe(contentHash({ a: 'x ' }));
  });

  it('canonical JSON is the same for records whose keys come in one order, another order, or another set, one after another', () => {
    // The sort of the last object's keys is reused: each answer must still be its own object's.
    const records: Array<[unknown, string]> = [
      [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
      [{ b: 3, a: 4 }, '{"a":4,"b":3}'],
      [{ a: 5, b: 6 }, '{"a":5,"b":6}'],
      [{ b: 7, c: 8 }, '{"b":7,"c":8}'],
      [{ b: 9, a: { b: 1, a: [{ b: 2, a: 3 }] }, c: undefined }, '{"a":{"a":[{"a":3,"b":2}],"b":1},"b":9}'],
      [{ b: 1, a: 2, c: 3 }, '{"a":2,"b":1,"c":3}'],
      [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
      [{ '"q"': 1, 'x\u0000': 2 }, '{"\\"q\\"":1,"x\\u0000":2}'],
    ];
    for (const [record, expected] of records) expect(canonicalJson(record)).toBe(expected);
  });

  it('row ids differ by source, log type, content and occurrence, and are stable', () => {
    const h = contentHash({ time: '2026-03-10T12:00:00Z', email: 'a@b.c' });
    const t = Date.parse('2026-03-10T12:00:00Z');
    const base = rowIdFor('src_1', 'Zoom.Activity', h, 0, t);
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(rowIdFor('src_1', 'Zoom.Activity', h, 0, t)).toBe(base);
    expect(new Set([base, rowIdFor('src_2', 'Zoom.Activity', h, 0, t), rowIdFor('src_1', 'Zoom.Operation', h, 0, t), rowIdFor('src_1', 'Zoom.Activity', h, 1, t)]).size).toBe(4);
  });

  it('row ids start with the event second in hex, so they sort by time; an unreadable time gives zeros', () => {
    const h = contentHash({ a: 1 });
    expect(rowIdFor('s', 'Zoom.Activity', h, 0, Date.parse('2026-03-10T12:00:00.900Z')).slice(0, 8)).toBe((Date.parse('2026-03-10T12:00:00Z') / 1000).toString(16));
    expect(rowIdFor('s', 'Zoom.Activity', h, 0, 1_000) < rowIdFor('s', 'Zoom.Activity', h, 0, 2_000)).toBe(true);
    expect(rowIdFor('s', 'Zoom.Activity', h, 0, null).slice(0, 8)).toBe('00000000');
  });

  it('non-object records (kept as failures) still get an identity', () => {
    expect(canonicalJson('text')).toBe('"text"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson([1, 'a'])).toBe('[1,"a"]');
  });
});
