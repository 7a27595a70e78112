import { describe, expect, it } from 'vitest';
import { csvCell, eventCsvLine } from './event-csv.js';

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(['a', 'b'])).toBe('a;b');
    expect(csvCell(null)).toBe('');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+cmd|/c calc!A0', `"'+1+cmd|/c calc!A0"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A2)', `"'@SUM(A1:A2)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
  ])('neutralises text a spreadsheet would run as a formula: %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('neutralises formulas in arrays and objects too, and leaves numbers as numbers', () => {
    expect(csvCell(['=1+1', 'b'])).toBe(`"'=1+1;b"`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('a whole line keeps its columns', () => {
    expect(eventCsvLine(['operator', 'action'], { operator: '=cmd', action: 'Update' })).toBe(`"'=cmd",Update\r\n`);
  });
});
