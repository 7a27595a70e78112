import { describe, expect, it } from 'vitest';
import { visibleLines, visibleText } from './terminal-text.js';
import { formatTable } from './with-app.js';

describe('terminal text', () => {
  it('escapes ESC sequences, other C0/C1 controls, DEL and bidi overrides', () => {
    expect(visibleText('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(visibleText('\u001b]0;title\u0007')).toBe('\\x1b]0;title\\x07');
    expect(visibleText('x\u009by\u007fz')).toBe('x\\x9by\\x7fz');
    expect(visibleText('evil\u202egnp.exe')).toBe('evil\\u202egnp.exe');
    expect(visibleText('line\nbreak\r\ttab')).toBe('line\\x0abreak\\x0d\\x09tab');
    expect(visibleText('café ünïcode 漢字')).toBe('café ünïcode 漢字');
  });

  it('keeps the line structure of output, escaping breaks inside a line', () => {
    expect(visibleLines(['title \u001b[8mhidden', '  id: 1'])).toBe('title \\x1b[8mhidden\n  id: 1\n');
  });

  it('tables escape every cell and pad by the escaped width', () => {
    expect(formatTable(['A', 'B'], [['\u001b[2J', 'x']])).toBe('A        B\n\\x1b[2J  x\n');
  });
});
