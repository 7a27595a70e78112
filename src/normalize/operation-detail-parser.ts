/**
 * Structured parser for the free-text `operation_detail` field of Zoom
 * operation logs (see /work/shared/zoom-api.md, "operation_detail" formats).
 *
 * The result is a JSON-serializable discriminated union that is stored on
 * events as `p_udm.changes`. The parser never throws: anything it cannot read
 * confidently comes back as `{ kind: 'unknown', raw }`.
 *
 * Separators: Zoom joins a header and its changes, and the changes, with
 * ` - `; the header ends at the first dash with two spaces before it
 * (`Quality Settings - Audio  - Receive Bitrate: from 20 to 200` is section
 * `Quality Settings - Audio`). A dash counts as a separator when a space
 * stands on at least one side of it (`Security -Sign in ...`, `Group
 * Springfield- Personal ...`), and en and em dashes (`–`, `—`) count like
 * `-`; a dash inside a word (`Sign-in`, `Co-Owner`) never does. Every rule
 * reads changes through this one parser, so all rules tolerate the same forms.
 *
 * Performance: one left-to-right scan for separators, literal string
 * searches and single-character-class regexes without nested quantifiers, so
 * the work is linear in the length of the input (no catastrophic backtracking
 * on long or hostile text).
 */

/** One `<setting>: from <x> to <y>` change. */
export interface SettingChange {
  /** Setting name as written (trimmed, inner whitespace runs collapsed). */
  setting: string;
  /** Lower-cased, single-spaced `setting` for case/whitespace-insensitive matching. */
  settingKey: string;
  from: string;
  to: string;
}

/** One change in a user event: `F: V`, `F: set to X` or `F: from X to Y`. */
export interface UserChange {
  field: string;
  from?: string;
  to?: string;
  value?: string;
}

export interface SettingsDetail {
  kind: 'settings';
  /** Section name as written (trimmed, inner whitespace runs collapsed). */
  section: string;
  /** Lower-cased, single-spaced `section`. */
  sectionKey: string;
  changes: SettingChange[];
}

export interface RoleChangeDetail {
  kind: 'role_change';
  /** Lower-cased e-mail address of the user whose role changed. */
  email: string;
  from: string;
  to: string;
}

export type UserVerb = 'add' | 'update' | 'edit' | 'delete' | 'activate' | 'deactivate';

export interface UserDetail {
  kind: 'user';
  /** Lower-cased verb; usually one of {@link UserVerb}, but any word Zoom uses is kept. */
  verb: UserVerb | (string & {});
  /** Lower-cased e-mail address. */
  email: string;
  changes: UserChange[];
}

export interface GroupDetail {
  kind: 'group';
  /** Lower-cased verb (`add`, `edit`, `delete`, ...). */
  verb: string;
  /** Group name as written (trimmed, inner whitespace runs collapsed). */
  group: string;
  changes: SettingChange[];
}

export interface UnknownDetail {
  kind: 'unknown';
  /** The original text (empty string when the input was not a string). */
  raw: string;
}

export type OperationDetail = SettingsDetail | RoleChangeDetail | UserDetail | GroupDetail | UnknownDetail;

/** Any whitespace character (tabs, newlines, NBSP, ...): mapped to a plain space. */
const WHITESPACE_CHAR = /\s/g;
/** A run of spaces (single quantifier, linear). */
const SPACE_RUN = / +/g;
const FROM_KEYWORD = /: from /i;
const TO_KEYWORD = / to /i;
const SET_TO_KEYWORD = /^set to /i;

/** Trim and collapse runs of spaces inside a name. */
function cleanName(s: string): string {
  return s.trim().replace(SPACE_RUN, ' ');
}

const TO_KEYWORD_ALL = / to /gi;

/** A dash that can separate: hyphen-minus, en dash, em dash. */
function isDash(char: string | undefined): boolean {
  return char === '-' || char === '\u2013' || char === '\u2014';
}

/**
 * One stretch of text between separators: `[start, end)` in the normalized
 * text, and how many spaces stood before the dash that precedes it (0 for the
 * first segment). The separators themselves lie between segments, so
 * `text.slice(segments[i].start, segments[j].end)` is the text as written.
 */
interface Segment {
  start: number;
  end: number;
  spacesBeforeDash: number;
}

/** Split at every separating dash (see the module comment), in one linear scan. */
function splitSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  let spacesBeforeDash = 0;
  for (let i = 0; i < text.length; i++) {
    if (!isDash(text[i])) continue;
    if (text[i - 1] !== ' ' && text[i + 1] !== ' ') continue;
    let left = i;
    while (left > start && text[left - 1] === ' ') left--;
    let right = i + 1;
    while (right < text.length && text[right] === ' ') right++;
    segments.push({ start, end: left, spacesBeforeDash });
    spacesBeforeDash = i - left;
    start = right;
    i = right - 1;
  }
  segments.push({ start, end: text.length, spacesBeforeDash });
  return segments;
}

/** The text of segments `first..last` (inclusive), separators as written. */
function textOf(text: string, segments: readonly Segment[], first: number, last: number): string {
  const a = segments[first];
  const b = segments[last];
  return a === undefined || b === undefined ? '' : text.slice(a.start, b.end);
}

/**
 * The index of the header's last segment when a dash with two or more spaces
 * before it ends the header, else -1 (no such dash, or the text before it
 * reads as a change, `name: ...`).
 */
function headerEndOf(text: string, segments: readonly Segment[]): number {
  for (let k = 1; k < segments.length; k++) {
    if ((segments[k]?.spacesBeforeDash ?? 0) >= 2) {
      return textOf(text, segments, 0, k - 1).includes(': ') ? -1 : k - 1;
    }
  }
  return -1;
}

interface FromTo {
  name: string;
  from: string;
  to: string;
}

/**
 * Parse `<name>: from <x> to <y>`. The name ends at the FIRST `: from `
 * (so a name may itself contain `: `), and `<x>` ends at the first ` to `
 * after it, or at the LAST one with `toAt: 'last'`. Keywords are matched
 * case-insensitively (`from on to off` and `From On To Off` both parse).
 * Values are trimmed, not otherwise changed.
 */
function parseFromTo(piece: string, toAt: 'first' | 'last' = 'first'): FromTo | null {
  const text = piece.trim();
  const fromMatch = FROM_KEYWORD.exec(text);
  if (!fromMatch || fromMatch.index < 1) return null;
  const name = cleanName(text.slice(0, fromMatch.index));
  if (name === '') return null;
  const rest = text.slice(fromMatch.index + fromMatch[0].length);
  const toMatch = toAt === 'first' ? TO_KEYWORD.exec(rest) : lastMatch(TO_KEYWORD_ALL, rest);
  if (!toMatch) return null;
  return {
    name,
    from: rest.slice(0, toMatch.index).trim(),
    to: rest.slice(toMatch.index + toMatch[0].length).trim(),
  };
}

function lastMatch(globalPattern: RegExp, text: string): RegExpExecArray | null {
  globalPattern.lastIndex = 0;
  let last: RegExpExecArray | null = null;
  for (let m = globalPattern.exec(text); m !== null; m = globalPattern.exec(text)) last = m;
  return last;
}

function parseSettingChange(piece: string): SettingChange | null {
  const ft = parseFromTo(piece);
  if (!ft) return null;
  return { setting: ft.name, settingKey: ft.name.toLowerCase(), from: ft.from, to: ft.to };
}

/** Parse `F: from X to Y`, `F: set to X` or `F: V` (the field ends at the first `: `). */
function parseUserChange(piece: string): UserChange | null {
  const ft = parseFromTo(piece);
  if (ft) return { field: ft.name, from: ft.from, to: ft.to };
  const text = piece.trim();
  const colon = text.indexOf(': ', 1);
  if (colon < 1) return null;
  const field = cleanName(text.slice(0, colon));
  if (field === '') return null;
  const value = text.slice(colon + 2).trim();
  const setTo = SET_TO_KEYWORD.exec(value);
  if (setTo) return { field, to: value.slice(setTo[0].length).trim() };
  return { field, value };
}

/**
 * Group the segments `first..` into change pieces and parse them.
 *
 * A segment starts a new piece only if it parses as a change on its own AND
 * the piece being built already parses. Otherwise it is glued (with the
 * separator as written) to the current piece: a leading non-change segment
 * becomes a prefix of the next change's name (`Sign-In Password Requirement -
 * Have at least 8 characters: from On to Off`), and a later one becomes part
 * of the previous change's value (`A: from x - y to z`). Returns null when no
 * change at all can be read. Linear in the total length of the segments.
 */
function parseChanges<T>(text: string, segments: readonly Segment[], first: number, parse: (piece: string) => T | null): T[] | null {
  const pieces: Array<[number, number]> = [];
  let pieceStart = first;
  let currentParses = false;
  // Incremental state, so that a piece that does not parse yet is never re-scanned
  // (keeps the whole pass linear): has the piece a `: from ` keyword already?
  let currentHasFrom = false;
  for (let k = first; k < segments.length; k++) {
    const seg = textOf(text, segments, k, k);
    const isStart = parse(seg) !== null;
    if (isStart && currentParses) {
      pieces.push([pieceStart, k - 1]);
      pieceStart = k;
      currentHasFrom = FROM_KEYWORD.test(seg);
      continue;
    }
    if (k === pieceStart) {
      currentParses = isStart;
      currentHasFrom = FROM_KEYWORD.test(seg);
      continue;
    }
    if (currentParses) continue;
    const prev = segments[k - 1];
    if (isStart) {
      // The piece now contains a segment that parses alone: the joined piece parses too.
      currentParses = true;
    } else if (currentHasFrom && prev !== undefined && TO_KEYWORD.test(text.slice(Math.max(prev.start, prev.end - 3), segments[k]?.end))) {
      // `<name>: from <x - y> to <z>`: the ` to ` arrived in a later segment.
      currentParses = true;
    } else if (!currentHasFrom) {
      currentHasFrom = FROM_KEYWORD.test(seg);
    }
  }
  if (pieceStart < segments.length) pieces.push([pieceStart, segments.length - 1]);

  const out: T[] = [];
  for (const [a, b] of pieces) {
    const parsed = parse(textOf(text, segments, a, b));
    if (parsed === null) return null;
    out.push(parsed);
  }
  return out;
}

function unknown(raw: string): UnknownDetail {
  return { kind: 'unknown', raw };
}

/**
 * `Change Role - <email>: from <X> to <Y>`. The roles split at the LAST ` to `,
 * as Panther's pattern (`from (...) to (...)`, greedy) reads them: `from Member
 * to Role to Admin` is from `Member to Role` to `Admin`.
 */
function parseRoleChange(body: string): RoleChangeDetail | null {
  if (body === '') return null;
  const ft = parseFromTo(body, 'last');
  if (!ft) return null;
  const email = ft.name.toLowerCase();
  if (!email.includes('@') || email.includes(' ')) return null;
  return { kind: 'role_change', email, from: ft.from, to: ft.to };
}

/** `<Verb...> User <email>` header -> verb and email, or null. */
function parseUserHeader(header: string): { verb: string; email: string } | null {
  const words = cleanName(header).split(' ');
  if (words.length < 3) return null;
  const userWord = words[words.length - 2];
  const email = words[words.length - 1];
  if (userWord === undefined || email === undefined) return null;
  if (userWord.toLowerCase() !== 'user' || !email.includes('@')) return null;
  return { verb: words.slice(0, -2).join(' ').toLowerCase(), email: email.toLowerCase() };
}

function parseGroup(verb: string, text: string, segments: readonly Segment[]): GroupDetail | null {
  // segments[0] is `<Verb> Group <name...>`; the name ends where a header ends
  // (a dash with two spaces before it), else it continues over further
  // segments until the first one that reads as a `: from X to Y` change.
  const first = segments[0];
  if (first === undefined) return null;
  const firstText = text.slice(first.start, first.end);
  const nameStart = firstText.toLowerCase().indexOf(' group ');
  if (nameStart < 0) return null;
  let last = headerEndOf(text, segments);
  if (last < 0) {
    last = 0;
    while (last + 1 < segments.length && parseSettingChange(textOf(text, segments, last + 1, last + 1)) === null) last++;
  }
  const group = cleanName(text.slice(first.start + nameStart + ' group '.length, segments[last]?.end));
  if (group === '') return null;
  let changes: SettingChange[] = [];
  if (last + 1 < segments.length) {
    const parsed = parseChanges(text, segments, last + 1, parseSettingChange);
    if (parsed === null) return null;
    changes = parsed;
  }
  return { kind: 'group', verb, group, changes };
}

function parse(raw: string): OperationDetail {
  const text = raw.replace(WHITESPACE_CHAR, ' ').trim();
  if (text === '') return unknown(raw);
  const segments = splitSegments(text);
  const header = cleanName(textOf(text, segments, 0, 0));
  const headerWords = header.split(' ');
  const verb = (headerWords[0] ?? '').toLowerCase();
  const second = (headerWords[1] ?? '').toLowerCase();

  if (header.toLowerCase() === 'change role') {
    return parseRoleChange(segments.length > 1 ? textOf(text, segments, 1, segments.length - 1) : '') ?? unknown(raw);
  }

  if (headerWords.length >= 3 && second === 'group') {
    const group = parseGroup(verb, text, segments);
    if (group) return group;
  }

  const userHeader = parseUserHeader(header);
  if (userHeader) {
    if (segments.length === 1) {
      return { kind: 'user', verb: userHeader.verb, email: userHeader.email, changes: [] };
    }
    const changes = parseChanges(text, segments, 1, parseUserChange);
    if (changes === null) return unknown(raw);
    return { kind: 'user', verb: userHeader.verb, email: userHeader.email, changes };
  }

  // Settings: `<Section>  - <change> - <change> ...`, the section possibly with
  // a sub-heading (`Quality Settings - Audio  - Receive Bitrate: from 20 to 200`).
  const headerEnd = Math.max(0, headerEndOf(text, segments));
  const section = cleanName(textOf(text, segments, 0, headerEnd));
  if (headerEnd + 1 >= segments.length || section === '' || section.includes(': ')) return unknown(raw);
  const changes = parseChanges(text, segments, headerEnd + 1, parseSettingChange);
  if (changes === null) return unknown(raw);
  return { kind: 'settings', section, sectionKey: section.toLowerCase(), changes };
}

/**
 * Parse Zoom's `operation_detail` text into a structured, JSON-serializable
 * value. `categoryType` and `action` are accepted as hints only: the form of
 * the detail text decides the result (a `Change Role` header is a role change
 * whatever the category). Never throws.
 */
export function parseOperationDetail(categoryType: string | undefined, action: string | undefined, detail: string | undefined): OperationDetail {
  void categoryType;
  void action;
  const raw = typeof detail === 'string' ? detail : '';
  try {
    return parse(raw);
  } catch {
    return unknown(raw);
  }
}
