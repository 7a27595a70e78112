import { describe, expect, it } from 'vitest';
import { BAD_TIME, DEFECTS, HUGE_STRING_LENGTH, malformedActivityRecords, malformedOperationRecords, type MalformedRecord } from './malformed-records.js';

const DAY = '2026-03-01';
const DAY_START_S = Date.parse(`${DAY}T00:00:00Z`) / 1000;
const RFC3339_WHOLE_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The two Zoom schemas of the seed document: field -> required. Every field is a string except `time`. */
const SCHEMAS = {
  activity: { email: true, time: true, type: false, ip_address: false, client_type: false, version: false },
  operation: { time: true, operator: true, category_type: true, action: false, operation_detail: false },
} as const;

/** Fields that break the schema, or `<record>` when it is not an object: a stand-in for the real schema engine. */
function schemaProblems(kind: keyof typeof SCHEMAS, record: unknown): string[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return ['<record>'];
  const r = record as Record<string, unknown>;
  const problems: string[] = [];
  for (const [field, required] of Object.entries(SCHEMAS[kind])) {
    const value = r[field];
    if (value === undefined) {
      if (required) problems.push(field);
    } else if (typeof value !== 'string') {
      problems.push(field);
    } else if (field === 'time' && !(RFC3339_WHOLE_SECONDS.test(value) && !Number.isNaN(Date.parse(value)))) {
      problems.push(field);
    }
  }
  return problems;
}

const kinds = [
  ['activity', malformedActivityRecords],
  ['operation', malformedOperationRecords],
] as const;

describe.each(kinds)('malformed %s records', (kind, generate) => {
  const records = generate(DAY, 11);
  const byDefect = (d: string) => records.find((r) => r.defect === d) as MalformedRecord;

  it('hold exactly one record per defect', () => {
    expect(records.map((r) => r.defect)).toEqual([...DEFECTS]);
  });

  it('are deterministic per day and seed', () => {
    expect(generate(DAY, 11)).toStrictEqual(records);
    expect(generate(DAY, 12)).not.toEqual(records);
    expect(generate('2026-03-02', 11)).not.toEqual(records);
  });

  it('break the schema only through their defect', () => {
    for (const r of records) {
      const expected = r.defect === 'huge_string' || r.defect === 'nul_character' ? [] : r.defect === 'not_an_object' ? ['<record>'] : [r.field];
      expect(schemaProblems(kind, r.record), r.defect).toEqual(expected);
    }
  });

  it('name the field that carries the defect', () => {
    for (const r of records) {
      if (r.defect === 'not_an_object') expect(r.field).toBeUndefined();
      else expect(typeof r.field).toBe('string');
    }
    const missing = byDefect('missing_required_field');
    expect(missing.field).toBe(kind === 'activity' ? 'email' : 'operator');
    expect(Object.keys(missing.record as object)).not.toContain(missing.field);
  });

  it('put every readable time inside the day', () => {
    for (const r of records) {
      const time = (r.record as { time?: unknown } | null)?.time;
      if (typeof time === 'string' && r.defect !== 'bad_time') {
        expect(time).toMatch(RFC3339_WHOLE_SECONDS);
        expect(time.startsWith(`${DAY}T`)).toBe(true);
      }
    }
    const numeric = (byDefect('numeric_time').record as { time: number }).time;
    expect(Number.isInteger(numeric)).toBe(true);
    expect(numeric).toBeGreaterThanOrEqual(DAY_START_S);
    expect(numeric).toBeLessThan(DAY_START_S + 86_400);
  });

  it('use an impossible date for bad_time', () => {
    const time = (byDefect('bad_time').record as { time: string }).time;
    expect(time).toBe(BAD_TIME);
    expect(Number.isNaN(Date.parse(time))).toBe(true);
  });

  it('give wrong_type a non-string value', () => {
    const r = byDefect('wrong_type');
    const value = (r.record as Record<string, unknown>)[r.field as string];
    expect(value).toBeDefined();
    expect(typeof value).not.toBe('string');
  });

  it('make huge_string a million characters', () => {
    const r = byDefect('huge_string');
    const value = (r.record as Record<string, unknown>)[r.field as string];
    expect(typeof value).toBe('string');
    expect((value as string).length).toBe(HUGE_STRING_LENGTH);
    expect(HUGE_STRING_LENGTH).toBe(1_000_000);
  });

  it('make not_an_object a string, an array or null', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const value = generate(DAY, seed).find((r) => r.defect === 'not_an_object')?.record;
      seen.add(value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
    }
    expect([...seen].sort()).toEqual(['array', 'null', 'string']);
  });

  it('reject an invalid day', () => {
    expect(() => generate('2026-13-01', 1)).toThrow(RangeError);
  });
});

describe('malformed operation records', () => {
  it('carry the huge string in operation_detail', () => {
    const r = malformedOperationRecords(DAY, 1).find((x) => x.defect === 'huge_string') as MalformedRecord;
    expect(r.field).toBe('operation_detail');
    expect(malformedOperationRecords(DAY, 1).find((x) => x.defect === 'wrong_type')?.field).toBe('category_type');
  });
});
