/**
 * Text for a terminal: Zoom fields (operator, operation detail, titles built
 * from them) can hold ESC sequences that clear the screen, set the window
 * title or hide text. Every C0 and C1 control character, DEL and the Unicode
 * bidirectional overrides are shown escaped (`\x1b`, `\u202e`), never sent raw.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function visibleText(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Lines for stdout: each line's own control characters (line breaks too) escaped, then joined with newlines. */
export function visibleLines(lines: readonly string[]): string {
  return `${lines.map(visibleText).join('\n')}\n`;
}

/** A formatted table (already escaped) as indented lines to add to `visibleLines` output. */
export function indentedTable(table: string): string[] {
  return table
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`);
}
