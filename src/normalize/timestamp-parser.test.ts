import { describe, expect, it } from 'vitest';
import { formatTimestamp, isTimeFormat, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, parseTimestamp, timestampReader } from './timestamp-parser.js';

const T = Date.UTC(2019, 8, 15, 19, 13, 41); // 2019-09-15T19:13:41Z = 1568574821000

describe('parseTimestamp rfc3339: accepted', () => {
  it.each<[string, number]>([
    ['2019-09-15T19:13:41Z', T],
    ['2019-09-15t19:13:41z', T],
    ['2019-09-15T19:13:41.5Z', T + 500],
    ['2019-09-15T19:13:41.05Z', T + 50],
    ['2019-09-15T19:13:41.123Z', T + 123],
    ['2019-09-15T19:13:41.123999999Z', T + 123],
    ['2019-09-15T21:13:41+02:00', T],
    ['2019-09-15T14:43:41-04:30', T],
    ['2019-09-15T19:13:41+00:00', T],
    ['2019-09-15T19:13:41-00:00', T],
    ['2019-09-15 19:13:41', T],
    ['2019-09-15 19:13:41Z', T],
    ['2019-09-15 19:13:41.25', T + 250],
    ['2019-09-15 19:13:41.250Z', T + 250],
    ['2019-09-15 21:13:41+02:00', T],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29T23:59:59Z', Date.UTC(2000, 1, 29, 23, 59, 59)],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59.999Z', -1],
    ['0000-01-01T00:00:00Z', MIN_TIMESTAMP_MS],
    ['9999-12-31T23:59:59.999Z', MAX_TIMESTAMP_MS],
    ['0099-06-01T00:00:00Z', Date.parse('0099-06-01T00:00:00.000Z')], // not 1999: Date.UTC maps years 0-99 to 19xx
  ])('%s', (text, expected) => {
    expect(parseTimestamp(text, 'rfc3339')).toBe(expected);
  });
});

describe('parseTimestamp rfc3339: refused', () => {
  it.each<[string, unknown]>([
    ['February 30', '2026-02-30T00:00:00Z'],
    ['February 29 of a common year', '2023-02-29T00:00:00Z'],
    ['February 29 of 1900', '1900-02-29T00:00:00Z'],
    ['April 31', '2026-04-31T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['month 0', '2026-00-10T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['hour 25', '2026-01-01T25:00:00Z'],
    ['minute 60', '2026-01-01T00:60:00Z'],
    ['second 60 (leap second)', '2026-01-01T00:00:60Z'],
    ["the simulator's BAD_TIME", '2026-13-45 99:00'],
    ['T form without a zone', '2019-09-15T19:13:41'],
    ['date only', '2019-09-15'],
    ['no seconds', '2019-09-15T19:13Z'],
    ['offset without colon', '2019-09-15T19:13:41+0200'],
    ['offset hour 24', '2019-09-15T19:13:41+24:00'],
    ['offset minute 60', '2019-09-15T19:13:41+01:60'],
    ['trailing text', '2019-09-15T19:13:41Zx'],
    ['leading space', ' 2019-09-15T19:13:41Z'],
    ['trailing space', '2019-09-15T19:13:41Z '],
    ['empty fraction', '2019-09-15T19:13:41.Z'],
    ['one-digit month', '2019-9-15T19:13:41Z'],
    ['slashes', '2019/09/15T19:13:41Z'],
    ['JS Date text', 'Sun Sep 15 2019 19:13:41 GMT+0000'],
    ['empty string', ''],
    ['plain words', 'abc'],
    ['epoch seconds as a number', 1_568_574_821],
    ['null', null],
    ['an object', { time: '2019-09-15T19:13:41Z' }],
  ])('%s', (_, value) => {
    expect(parseTimestamp(value, 'rfc3339')).toBeUndefined();
  });
});

describe('parseTimestamp unix formats', () => {
  it.each<[string, unknown, number | undefined]>([
    ['unix', 1_568_574_821, T],
    ['unix', '1568574821', T],
    ['unix', 1_568_574_821.5, T + 500],
    ['unix', '1568574821.001', T + 1],
    ['unix', '1568574821.0019', T + 1],
    ['unix', 0, 0],
    ['unix', '-1.5', -1500],
    ['unix', '1.5e9', undefined],
    ['unix', ' 1568574821', undefined],
    ['unix', '', undefined],
    ['unix', 'abc', undefined],
    ['unix', Number.NaN, undefined],
    ['unix', Number.POSITIVE_INFINITY, undefined],
    ['unix', true, undefined],
    ['unix', 1e300, undefined],
    ['unix', '2019-09-15T19:13:41Z', undefined],
    ['unix_ms', 1_568_574_821_123, T + 123],
    ['unix_ms', '1568574821123', T + 123],
    ['unix_ms', '1568574821123.9', T + 123],
    ['unix_us', 1_568_574_821_123_456, T + 123],
    ['unix_us', '1568574821123456', T + 123],
    ['unix_ns', '1568574821123456789', T + 123],
    ['unix_ns', 1_568_574_821_000_000_000, T],
    ['rfc3339x', '2019-09-15T19:13:41Z', undefined],
  ])('%s %j', (format, value, expected) => {
    expect(parseTimestamp(value, format)).toBe(expected);
  });
});

describe('time formats', () => {
  it('knows exactly the five formats', () => {
    expect(['rfc3339', 'unix', 'unix_ms', 'unix_us', 'unix_ns'].every(isTimeFormat)).toBe(true);
    expect(isTimeFormat('RFC3339')).toBe(false);
    expect(isTimeFormat('unix_s')).toBe(false);
  });
  it('timestampReader throws for an unknown format', () => {
    expect(() => timestampReader('iso8601')).toThrow('unknown timeFormat "iso8601"');
  });
});

describe('formatTimestamp', () => {
  it.each<[number, string]>([
    [T, '2019-09-15T19:13:41.000Z'],
    [T + 7, '2019-09-15T19:13:41.007Z'],
    [0, '1970-01-01T00:00:00.000Z'],
    [-1, '1969-12-31T23:59:59.999Z'],
    [Date.UTC(2024, 1, 29, 23, 59, 59, 999), '2024-02-29T23:59:59.999Z'],
    [MIN_TIMESTAMP_MS, '0000-01-01T00:00:00.000Z'],
    [MAX_TIMESTAMP_MS, '9999-12-31T23:59:59.999Z'],
  ])('%d -> %s', (ms, text) => {
    expect(formatTimestamp(ms)).toBe(text);
  });
  it('agrees with Date#toISOString on every day boundary from 1900 to 2100', () => {
    const mismatches: number[] = [];
    for (let day = -25_567; day < 47_482; day++) {
      for (const ms of [day * 86_400_000, day * 86_400_000 + 86_399_999]) {
        if (formatTimestamp(ms) !== new Date(ms).toISOString()) mismatches.push(ms);
      }
    }
    expect(mismatches).toEqual([]);
  });
  it('reads back what it writes', () => {
    expect(parseTimestamp(formatTimestamp(T + 42), 'rfc3339')).toBe(T + 42);
  });
});
